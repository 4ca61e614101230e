import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { PerfError } from './errors.js';
import { createOutageLog, type OutageLog } from './redis-errors.js';

export interface RedisOptions {
  timeoutMs?: number;
  /** Redis outages are logged: when they start, every 30 s while they last, when they end. */
  log?: Logger;
  /**
   * Commands fail after one reconnect attempt instead of waiting for Redis to come back: for the
   * bot, whose users must hear about an outage. BullMQ workers need the default (retry forever).
   */
  failFast?: boolean;
  /** Names the connection in the outage log lines (`bot`, `worker`, `subscriber`). */
  role?: string;
}

/**
 * Every connection gets an error listener (an ioredis client without one prints "Unhandled error
 * event" with a stack per reconnect attempt), and an outage is logged as it starts, now and then
 * while it lasts, and when it ends.
 */
export function watchRedis(redis: Redis, log: Logger | undefined, url: string, role: string): OutageLog {
  const outage = createOutageLog(log, { redis: safeUrl(url), role });
  redis.on('error', (error: Error) => outage.error(error));
  redis.on('ready', () => outage.recovered());
  return outage;
}

/** Connects to Redis or fails with a message saying how to point perfbot at one. */
export async function connectRedis(url: string, options: RedisOptions = {}): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: options.failFast ? 1 : null,
    // Fail fast means at once: while Redis is away a command errors instead of queueing for it.
    enableOfflineQueue: !options.failFast,
    connectTimeout: options.timeoutMs ?? 3000,
  });
  watchRedis(redis, options.log, url, options.role ?? 'main');
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
