import type { Redis } from 'ioredis';
import type { ServiceName } from '../domain/services.js';
import { type ProbeResult, ProbeResultSchema } from '../results/schema.js';
import type { AuditEntry, AuditLog } from './audit.js';
import { createRedisBottleneckAnswers } from './bottleneck-answers.js';
import type { Journal } from './journal.js';
import { createKeys, type Keys } from './keys.js';
import type { Results, Store } from './port.js';
import { createRedisChanges } from './redis-changes.js';
import { createRedisLocks } from './redis-locks.js';

/** Journal steps outlive any retry of the job that recorded them. */
const JOURNAL_TTL_S = 7 * 24 * 3600;

export interface RedisStoreOptions {
  redis: Redis;
  prefix: string;
  /** Results kept per service (`store.keepResults`); older ones are trimmed. */
  keepResults: number;
  now?: () => number;
}

/** The Redis-backed store used by the bot and the workers. */
export function createRedisStore(options: RedisStoreOptions): Store {
  const { redis } = options;
  const keys = createKeys(options.prefix);
  const now = options.now ?? Date.now;
  return {
    results: createResults(redis, keys, options.keepResults),
    journal: createJournal(redis, keys),
    locks: createRedisLocks(redis, keys),
    audit: createAudit(redis, keys, now),
    changes: createRedisChanges(redis, keys),
    bottlenecks: createRedisBottleneckAnswers(redis, keys),
    describe: () => `Redis ${redactUrl(redis.options.host, redis.options.port)} (prefix ${options.prefix})`,
    async close() {
      // The connection belongs to the caller (it is shared with BullMQ); nothing to release here.
    },
  };
}

function createResults(redis: Redis, keys: Keys, keepResults: number): Results {
  async function get(id: string): Promise<ProbeResult | undefined> {
    const text = await redis.get(keys.result(id));
    return text === null ? undefined : ProbeResultSchema.parse(JSON.parse(text));
  }
  async function history(service: ServiceName, limit: number): Promise<ProbeResult[]> {
    const ids = await redis.zrevrange(keys.results(service), 0, limit - 1);
    const found = await Promise.all(ids.map(get));
    return found.filter((r): r is ProbeResult => r !== undefined).reverse();
  }
  return {
    async save(result) {
      const valid = ProbeResultSchema.parse(result);
      const score = Date.parse(valid.finishedAt);
      await redis
        .multi()
        .set(keys.result(valid.id), JSON.stringify(valid))
        .zadd(keys.results(valid.service), score, valid.id)
        .exec();
      const stale = await redis.zrange(keys.results(valid.service), 0, String(-(keepResults + 1)));
      if (stale.length > 0) {
        await redis
          .multi()
          .zrem(keys.results(valid.service), ...stale)
          .del(...stale.map(keys.result))
          .exec();
      }
    },
    get,
    async latest(service) {
      return (await history(service, 1))[0];
    },
    history,
  };
}

function createJournal(redis: Redis, keys: Keys): Journal {
  return {
    async record(step, value) {
      return (await redis.set(keys.journal(step), value, 'EX', JOURNAL_TTL_S, 'NX')) === 'OK';
    },
    async recordOnce(step, ttlMs) {
      return (await redis.set(keys.journal(step), '1', 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX')) === 'OK';
    },
    async read(step) {
      return (await redis.get(keys.journal(step))) ?? undefined;
    },
  };
}

function createAudit(redis: Redis, keys: Keys, now: () => number): AuditLog {
  return {
    async append(entry: AuditEntry) {
      const record = { ...entry, at: entry.at ?? new Date(now()).toISOString() };
      await redis.xadd(keys.audit(), '*', 'entry', JSON.stringify(record));
    },
    async read(limit: number) {
      const rows = await redis.xrevrange(keys.audit(), '+', '-', 'COUNT', limit);
      return rows.map(([, fields]) => JSON.parse(fields[1] ?? '{}')).reverse();
    },
  };
}

function redactUrl(host: string | undefined, port: number | undefined): string {
  return `${host ?? '127.0.0.1'}:${port ?? 6379}`;
}
