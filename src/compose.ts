import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { PerfError } from './errors.js';

export interface RedisOptions {
  timeoutMs?: number;
  /** Redis errors (reconnects during an outage) are logged, at most one line per 10 s. */
  log?: Logger;
  /**
   * Commands fail after one reconnect attempt instead of waiting for Redis to come back: for the
   * bot, whose users must hear about an outage. BullMQ workers need the default (retry forever).
   */
  failFast?: boolean;
}

/** Connects to Redis or fails with a message saying how to point perfbot at one. */
export async function connectRedis(url: string, options: RedisOptions = {}): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: options.failFast ? 1 : null,
    connectTimeout: options.timeoutMs ?? 3000,
  });
  let lastLogged = 0;
  redis.on('error', (error: Error) => {
    if (!options.log || Date.now() - lastLogged < 10_000) return;
    lastLogged = Date.now();
    options.log.warn({ err: error.message, redis: safeUrl(url) }, 'Redis connection error');
  });
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch (error) {
    redis.disconnect();
    throw new PerfError('config', `Redis does not answer at ${safeUrl(url)}: ${String(error)}`, {
      userMessage:
        `perfbot needs Redis and none answers at ${safeUrl(url)}. Start one (e.g. \`redis-server --daemonize yes\`) ` +
        'or set REDIS_URL to one that runs.',
      cause: error,
    });
  }
}

/** A Redis URL without its password, for messages and logs. */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/** Closes a connection politely, or at once when Redis is gone. */
export async function quit(redis: Redis): Promise<void> {
  await redis.quit().catch(() => redis.disconnect());
}
