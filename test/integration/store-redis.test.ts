import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createRedisStore } from '../../src/store/redis-store.js';
import { connectTestRedis, dropPrefix, uniquePrefix } from '../helpers/redis.js';
import { aResult } from '../helpers/results.js';

const redis = connectTestRedis();
let prefix = uniquePrefix('store');

beforeEach(async () => {
  await dropPrefix(redis, prefix);
  prefix = uniquePrefix('store');
});
afterAll(async () => {
  await dropPrefix(redis, prefix);
  await redis.quit();
});

const at = (minute: number) => `2026-11-24T10:${String(minute).padStart(2, '0')}:00.000Z`;

describe('Redis result store', () => {
  it('keeps results, returns the latest and a history oldest first, trimming beyond keepResults', async () => {
    const store = createRedisStore({ redis, prefix, keepResults: 3 });
    for (const minute of [1, 2, 3, 4]) {
      await store.saveResult(aResult({ id: `r${minute}`, finishedAt: at(minute) }));
    }
    expect((await store.latest('kafka'))?.id).toBe('r4');
    expect((await store.history('kafka', 10)).map((r) => r.id)).toEqual(['r2', 'r3', 'r4']);
    expect(await store.getResult('r1')).toBeUndefined();
    expect(await store.latest('trino')).toBeUndefined();
  });

  it('rejects a result that does not match the schema, storing nothing', async () => {
    const store = createRedisStore({ redis, prefix, keepResults: 3 });
    await expect(store.saveResult({ ...aResult(), service: 'nope' as 'kafka' })).rejects.toThrow();
    expect(await store.latest('kafka')).toBeUndefined();
  });

  it('marks a delivery once and remembers its value', async () => {
    const store = createRedisStore({ redis, prefix, keepResults: 3 });
    expect(await store.markDelivered('baseline:j1', 'r1')).toBe(true);
    expect(await store.markDelivered('baseline:j1', 'r2')).toBe(false);
    expect(await store.delivered('baseline:j1')).toBe('r1');
  });

  it('holds one measurement lock per service, re-entrant for its owner', async () => {
    const store = createRedisStore({ redis, prefix, keepResults: 3 });
    expect(await store.acquireLock('measure', 'kafka', 'job-1', 60_000)).toEqual({ acquired: true });
    expect(await store.acquireLock('measure', 'kafka', 'job-2', 60_000)).toEqual({
      acquired: false,
      holder: 'job-1',
    });
    expect(await store.acquireLock('measure', 'kafka', 'job-1', 60_000)).toEqual({ acquired: true });
    expect(await store.acquireLock('measure', 'trino', 'job-2', 60_000)).toEqual({ acquired: true });
    await store.releaseLock('measure', 'kafka', 'job-2');
    expect(await store.lockHolder('measure', 'kafka')).toBe('job-1');
    await store.releaseLock('measure', 'kafka', 'job-1');
    expect(await store.lockHolder('measure', 'kafka')).toBeUndefined();
  });

  it('appends audit entries in order and never rewrites them', async () => {
    const store = createRedisStore({ redis, prefix, keepResults: 3 });
    await store.audit.append({
      actor: 'U1',
      action: 'command',
      outcome: 'refused',
      detail: { kind: 'tune' },
    });
    await store.audit.append({ actor: 'U2', action: 'command', outcome: 'ok' });
    const entries = await store.audit.read(10);
    expect(entries.map((e) => e.actor)).toEqual(['U1', 'U2']);
    expect(entries[0]?.at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });
});
