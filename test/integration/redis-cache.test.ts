import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyRedisCache,
  planRedisCache,
  type RedisConfigPort,
  readRedisCache,
  redisBytes,
  verifyRedisCache,
} from '../../src/changes/redis/cache.js';
import { type PrivateRedis, startPrivateRedis } from '../helpers/private-redis.js';

// The cache knob against a redis-server of the test's own (never the shared one): CONFIG GET/SET for real.
let server: PrivateRedis;
let redis: Redis;
let port: RedisConfigPort;

beforeAll(async () => {
  server = await startPrivateRedis();
  redis = new Redis(server.url);
  port = {
    configGet: async (name) => ((await redis.config('GET', name)) as string[])[1],
    configSet: async (name, value) => void (await redis.config('SET', name, value)),
    usedMemory: async () => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1] ?? 0),
  };
});
afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
});

describe('the Redis cache knob, against a real redis-server', () => {
  it('reads sizes in Redis units (k = 1000, kb = 1024)', () => {
    expect(redisBytes('512mb')).toBe(512 * 1024 ** 2);
    expect(redisBytes('1k')).toBe(1000);
    expect(redisBytes('1GB')).toBe(1024 ** 3);
    expect(redisBytes('1x')).toBeUndefined();
  });

  it('plans, applies and verifies maxmemory and the policy live', async () => {
    const current = await readRedisCache(port);
    const plan = planRedisCache(current, await port.usedMemory(), {
      maxmemory: '512mb',
      policy: 'allkeys-lru',
    });
    if (!plan.ok) throw plan.error;
    expect(plan.value).toEqual([
      {
        name: 'maxmemory',
        before: current.maxmemory === 0 ? '0 (no limit)' : expect.any(String),
        after: String(512 * 1024 ** 2),
      },
      { name: 'maxmemory-policy', before: current.policy, after: 'allkeys-lru' },
    ]);
    await applyRedisCache(port, plan.value);
    expect(await verifyRedisCache(port, plan.value)).toEqual([]);
    expect(await readRedisCache(port)).toEqual({ maxmemory: 512 * 1024 ** 2, policy: 'allkeys-lru' });
    // Asked again, nothing changes.
    const again = planRedisCache(await readRedisCache(port), 0, {
      maxmemory: '512mb',
      policy: 'allkeys-lru',
    });
    expect(again.ok && again.value).toEqual([]);
  });

  it('refuses a policy Redis does not have, and a limit below what it holds, before touching it', async () => {
    const current = await readRedisCache(port);
    const used = await port.usedMemory();
    const refused = planRedisCache(current, used, { maxmemory: '1k', policy: 'lru-everything' });
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error.userMessage).toContain('policy `lru-everything` is not one of noeviction');
      expect(refused.error.userMessage).toContain('below what Redis already holds');
    }
    // The server's own answer to that policy: refused too.
    await expect(port.configSet('maxmemory-policy', 'lru-everything')).rejects.toThrow(/CONFIG SET failed/);
  });

  it('leaves nothing half-changed when Redis refuses a step (an immutable setting)', async () => {
    const before = await readRedisCache(port);
    const changes = [
      { name: 'maxmemory' as const, before: 'x', after: String(256 * 1024 ** 2) },
      // Not a knob of this set, but the shape of a refusal Redis gives: "can't set immutable config".
      { name: 'daemonize' as unknown as 'maxmemory', before: 'no', after: 'yes' },
    ];
    await expect(applyRedisCache(port, changes)).rejects.toThrow(/immutable config/);
    expect(await readRedisCache(port)).toEqual(before);
  });
});
