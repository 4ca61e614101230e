import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { REDIS_URL } from './options.js';

/** A key prefix of the benchmark's own, so that it shares Redis with nothing and can be dropped. */
export function benchPrefix(name: string): string {
  return `perfbot-bench-${name}-${randomUUID().slice(0, 8)}`;
}

/** BullMQ needs `maxRetriesPerRequest: null` on its connections. */
export function connectRedis(): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: null });
}

/** Deletes every key under a prefix (SCAN, not KEYS, as on a shared server). */
export async function dropPrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let dropped = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) dropped += await redis.del(...keys);
  } while (cursor !== '0');
  return dropped;
}

/** Runs `body` with a fresh prefix and always drops it afterwards. */
export async function withPrefix<T>(name: string, body: (prefix: string) => Promise<T>): Promise<T> {
  const prefix = benchPrefix(name);
  const redis = connectRedis();
  try {
    return await body(prefix);
  } finally {
    await dropPrefix(redis, prefix);
    await redis.quit();
  }
}
