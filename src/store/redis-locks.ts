import type { Redis } from 'ioredis';
import { SERVICE_NAMES, type ServiceName } from '../domain/services.js';
import type { Keys, LockScope } from './keys.js';
import type { HeldLock, LockOutcome, Locks } from './locks.js';

/**
 * KEYS[1]: the lock to take, KEYS[2]: the lock that excludes it; ARGV: owner, TTL (ms). Refused while
 * the other lock is held; taken when free or already ours (a retried job), refreshing its TTL.
 */
const ACQUIRE = `local other = redis.call('GET', KEYS[2])
if other then return {'other', other} end
local v = redis.call('GET', KEYS[1])
if v == false or v == ARGV[1] then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return {'ok', ''} end
return {'same', v}`;
/** Compare-and-delete: only the owner releases. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

const OTHER: Record<LockScope, LockScope> = { measure: 'change', change: 'measure' };
const SCOPES: readonly LockScope[] = ['measure', 'change'];

export function createRedisLocks(redis: Redis, keys: Keys): Locks {
  async function acquire(scope: LockScope, service: ServiceName, owner: string, ttlMs: number) {
    const [verdict, holder] = (await redis.eval(
      ACQUIRE,
      2,
      keys.lock(scope, service),
      keys.lock(OTHER[scope], service),
      owner,
      String(Math.max(1, Math.ceil(ttlMs))),
    )) as [string, string];
    if (verdict === 'ok') return { acquired: true } as const;
    return { acquired: false, holder, scope: verdict === 'other' ? OTHER[scope] : scope } as const;
  }
  return {
    acquireMeasure: (service, owner, ttlMs): Promise<LockOutcome> =>
      acquire('measure', service, owner, ttlMs),
    acquireChange: (service, owner, ttlMs): Promise<LockOutcome> => acquire('change', service, owner, ttlMs),
    async release(scope, service, owner) {
      await redis.eval(RELEASE, 1, keys.lock(scope, service), owner);
    },
    async holder(scope, service) {
      return (await redis.get(keys.lock(scope, service))) ?? undefined;
    },
    async list() {
      const wanted = SERVICE_NAMES.flatMap((service) => SCOPES.map((scope) => ({ scope, service })));
      const pipeline = redis.pipeline();
      for (const { scope, service } of wanted)
        pipeline.get(keys.lock(scope, service)).pttl(keys.lock(scope, service));
      const replies = (await pipeline.exec()) ?? [];
      const now = Date.now();
      return wanted.flatMap(({ scope, service }, i): HeldLock[] => {
        const owner = replies[2 * i]?.[1];
        const ttl = Number(replies[2 * i + 1]?.[1]);
        // PTTL: -2 gone since the GET, -1 no expiry (never set so by perfbot).
        return typeof owner === 'string' && ttl >= 0 ? [{ scope, service, owner, expiresAt: now + ttl }] : [];
      });
    },
  };
}
