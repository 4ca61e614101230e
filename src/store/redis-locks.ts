import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { COMPONENT_NAMES, type ComponentName } from '../domain/components.js';
import type { Keys, LockScope } from './keys.js';
import type { HeldLock, LockOutcome, Locks } from './locks.js';

/**
 * A lock's value is `<token> <owner>`: the fencing token (a UUID, no spaces) first, so that the
 * scripts compare it with one prefix match and `holder` reads the owner after it.
 */
const value = (token: string, owner: string) => `${token} ${owner}`;
const ownerOf = (v: string) => v.slice(v.indexOf(' ') + 1);

/**
 * KEYS[1]: the lock to take, KEYS[2]: the lock that excludes it; ARGV: value, TTL (ms). Refused
 * while either is held (by anyone: a holding has one token); taken when free.
 */
const ACQUIRE = `local other = redis.call('GET', KEYS[2])
if other then return {'other', other} end
local v = redis.call('GET', KEYS[1])
if v == false then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return {'ok', ''} end
return {'same', v}`;
/** ARGV[1]: `<token> `. Compare-and-delete: only the holder of the token releases. */
const RELEASE = `local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, #ARGV[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
/** ARGV: `<token> `, TTL (ms). Compare-and-expire. */
const REFRESH = `local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, #ARGV[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

/** KEYS[1]: lock, KEYS[2]: its heartbeat; ARGV: `<token> `, TTL (ms). Beats only for the holder. */
const HEARTBEAT = `local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, #ARGV[1]) == ARGV[1] then redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;
/** KEYS[1]: lock, KEYS[2]: its heartbeat; ARGV[1]: owner. Deletes a holding of `owner` with no fresh beat. */
const RELEASE_DEAD = `local v = redis.call('GET', KEYS[1])
if not v or string.sub(v, string.find(v, ' ', 1, true) + 1) ~= ARGV[1] then return 0 end
local beat = redis.call('GET', KEYS[2])
if beat and string.sub(v, 1, #beat) == beat then return 0 end
return redis.call('DEL', KEYS[1])`;

/** KEYS[1]: lock; ARGV[1]: owner. Deletes the lock if it is held in `owner`'s name, whatever its token. */
const RELEASE_OWNER = `local v = redis.call('GET', KEYS[1])
if not v or string.sub(v, string.find(v, ' ', 1, true) + 1) ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])`;

const OTHER: Record<LockScope, LockScope> = { measure: 'change', change: 'measure' };
const SCOPES: readonly LockScope[] = ['measure', 'change'];
const ttl = (ms: number) => String(Math.max(1, Math.ceil(ms)));

export function createRedisLocks(redis: Redis, keys: Keys): Locks {
  async function acquire(
    scope: LockScope,
    service: ComponentName,
    owner: string,
    ttlMs: number,
  ): Promise<LockOutcome> {
    const token = randomUUID();
    const [verdict, held] = (await redis.eval(
      ACQUIRE,
      2,
      keys.lock(scope, service),
      keys.lock(OTHER[scope], service),
      value(token, owner),
      ttl(ttlMs),
    )) as [string, string];
    if (verdict === 'ok') return { acquired: true, token };
    return { acquired: false, holder: ownerOf(held), scope: verdict === 'other' ? OTHER[scope] : scope };
  }
  return {
    acquireMeasure: (service, owner, ttlMs) => acquire('measure', service, owner, ttlMs),
    acquireChange: (service, owner, ttlMs) => acquire('change', service, owner, ttlMs),
    async refresh(scope, service, token, ttlMs) {
      return (await redis.eval(REFRESH, 1, keys.lock(scope, service), `${token} `, ttl(ttlMs))) === 1;
    },
    async heartbeat(scope, service, token, ttlMs) {
      const [lock, beat] = [keys.lock(scope, service), keys.lockBeat(scope, service)];
      return (await redis.eval(HEARTBEAT, 2, lock, beat, `${token} `, ttl(ttlMs))) === 1;
    },
    async alive(scope, service) {
      const [v, beat] = await redis.mget(keys.lock(scope, service), keys.lockBeat(scope, service));
      return typeof v === 'string' && typeof beat === 'string' && v.startsWith(beat);
    },
    async releaseDead(scope, service, owner) {
      const [lock, beat] = [keys.lock(scope, service), keys.lockBeat(scope, service)];
      return (await redis.eval(RELEASE_DEAD, 2, lock, beat, owner)) === 1;
    },
    async release(scope, service, token) {
      await redis.eval(RELEASE, 1, keys.lock(scope, service), `${token} `);
    },
    async releaseOwner(scope, service, owner) {
      return (await redis.eval(RELEASE_OWNER, 1, keys.lock(scope, service), owner)) === 1;
    },
    async holder(scope, service) {
      const v = await redis.get(keys.lock(scope, service));
      return v === null ? undefined : ownerOf(v);
    },
    async list() {
      const wanted = COMPONENT_NAMES.flatMap((service) => SCOPES.map((scope) => ({ scope, service })));
      const pipeline = redis.pipeline();
      for (const { scope, service } of wanted)
        pipeline.get(keys.lock(scope, service)).pttl(keys.lock(scope, service));
      const replies = (await pipeline.exec()) ?? [];
      const now = Date.now();
      return wanted.flatMap(({ scope, service }, i): HeldLock[] => {
        const v = replies[2 * i]?.[1];
        const left = Number(replies[2 * i + 1]?.[1]);
        // PTTL: -2 gone since the GET, -1 no expiry (never set so by perfbot).
        return typeof v === 'string' && left >= 0
          ? [{ scope, service, owner: ownerOf(v), expiresAt: now + left }]
          : [];
      });
    },
  };
}
