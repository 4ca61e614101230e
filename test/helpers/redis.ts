import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix of its own for each test, so that runs share one Redis without seeing each other. */
export function uniquePrefix(name = 'test'): string {
  return `perfbot-${name}-${randomUUID().slice(0, 8)}`;
}

export function connectTestRedis(url = REDIS_URL): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}

/** Deletes every key under a prefix (SCAN, not KEYS, as on a shared server). */
export async function dropPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}
