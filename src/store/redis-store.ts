import type { Redis } from 'ioredis';
import type { ServiceName } from '../domain/services.js';
import { type ProbeResult, ProbeResultSchema } from '../results/schema.js';
import type { AuditEntry, AuditLog } from './audit.js';
import { createKeys } from './keys.js';
import type { LockOutcome, LockScope, ResultStore } from './port.js';

/** Delivery markers outlive any retry of the job that set them. */
const DELIVERED_TTL_S = 7 * 24 * 3600;

// Take the lock if free or already ours (a retried job), refreshing its TTL.
const ACQUIRE = `local v = redis.call('GET', KEYS[1])
if v == false or v == ARGV[1] then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return '' end
return v`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export interface RedisStoreOptions {
  redis: Redis;
  prefix: string;
  /** Results kept per service (`store.keepResults`); older ones are trimmed. */
  keepResults: number;
  now?: () => number;
}

/** The Redis-backed store used by the bot and the workers. */
export function createRedisStore(options: RedisStoreOptions): ResultStore {
  const { redis, keepResults } = options;
  const keys = createKeys(options.prefix);
  const now = options.now ?? Date.now;

  async function getResult(id: string): Promise<ProbeResult | undefined> {
    const text = await redis.get(keys.result(id));
    return text === null ? undefined : ProbeResultSchema.parse(JSON.parse(text));
  }

  async function history(service: ServiceName, limit: number): Promise<ProbeResult[]> {
    const ids = await redis.zrevrange(keys.results(service), 0, limit - 1);
    const found = await Promise.all(ids.map(getResult));
    return found.filter((r): r is ProbeResult => r !== undefined).reverse();
  }

  const audit: AuditLog = {
    async append(entry: AuditEntry) {
      const record = { ...entry, at: entry.at ?? new Date(now()).toISOString() };
      await redis.xadd(keys.audit(), '*', 'entry', JSON.stringify(record));
    },
    async read(limit: number) {
      const rows = await redis.xrevrange(keys.audit(), '+', '-', 'COUNT', limit);
      return rows.map(([, fields]) => JSON.parse(fields[1] ?? '{}')).reverse();
    },
  };

  return {
    async saveResult(result) {
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
    getResult,
    async latest(service) {
      return (await history(service, 1))[0];
    },
    history,
    async markDelivered(key, value) {
      return (await redis.set(keys.delivered(key), value, 'EX', DELIVERED_TTL_S, 'NX')) === 'OK';
    },
    async delivered(key) {
      return (await redis.get(keys.delivered(key))) ?? undefined;
    },
    async acquireLock(scope: LockScope, service, owner, ttlMs): Promise<LockOutcome> {
      const holder = (await redis.eval(
        ACQUIRE,
        1,
        keys.lock(scope, service),
        owner,
        String(ttlMs),
      )) as string;
      return holder === '' ? { acquired: true } : { acquired: false, holder };
    },
    async releaseLock(scope, service, owner) {
      await redis.eval(RELEASE, 1, keys.lock(scope, service), owner);
    },
    async lockHolder(scope, service) {
      return (await redis.get(keys.lock(scope, service))) ?? undefined;
    },
    audit,
    describe: () => `Redis ${redactUrl(redis.options.host, redis.options.port)} (prefix ${options.prefix})`,
    async close() {
      // The connection belongs to the caller (it is shared with BullMQ); nothing to release here.
    },
  };
}

function redactUrl(host: string | undefined, port: number | undefined): string {
  return `${host ?? '127.0.0.1'}:${port ?? 6379}`;
}
