import { describe, expect, it } from 'vitest';
import { HeapSchema, OptionLineSchema } from '../../../src/changes/sets/dolphinscheduler-jvm.js';
import { connectionCheck, effectivePool } from '../../../src/changes/sets/dolphinscheduler-pool.js';
import { restartCost, sharedBuffersCheck } from '../../../src/changes/sets/postgres-pool.js';
import { RedisAddressSchema } from '../../../src/changes/sets/superset-cache.js';
import { quotedTable, TableNameSchema } from '../../../src/changes/sets/trino-analyze.js';
import { TuningSchema } from '../../../src/config/tuning.js';

const GiB = 1024 ** 3;

describe('the knob sets’ value schemas', () => {
  it('heap sizes and option lines', () => {
    expect(HeapSchema.safeParse('2g').success).toBe(true);
    expect(HeapSchema.safeParse('1536m').success).toBe(true);
    expect(HeapSchema.safeParse('1k').success).toBe(false);
    expect(HeapSchema.safeParse('2 g').success).toBe(false);
    expect(OptionLineSchema.safeParse('-Xmx1g -XX:+UseG1GC').success).toBe(true);
    expect(OptionLineSchema.safeParse('-Xmx1g $(id)').success).toBe(false);
    expect(OptionLineSchema.safeParse('Xmx1g').success).toBe(false);
  });

  it('a Redis address: a DNS name and a port', () => {
    expect(RedisAddressSchema.parse('redis-master.redis.svc.cluster.local:6379')).toEqual({
      host: 'redis-master.redis.svc.cluster.local',
      port: 6379,
    });
    for (const bad of ['redis:0', 'redis:65536', '-redis:6379', 'a_b:6379', 'redis', `${'a'.repeat(64)}:1`])
      expect(RedisAddressSchema.safeParse(bad).success, bad).toBe(false);
  });

  it('a table: three plain names, quoted in SQL', () => {
    expect(quotedTable(TableNameSchema.parse('hive.lake.orders'))).toBe('"hive"."lake"."orders"');
    for (const bad of [
      'lake.orders',
      'hive.lake.orders.x',
      'hive.lake."orders"',
      'hive.lake.or ders',
      'hive.1lake.orders',
    ])
      expect(TableNameSchema.safeParse(bad).success, bad).toBe(false);
  });
});

describe('the pure checks and tiers', () => {
  it('pools against max_connections: pass, warn above half, fail above what is left', () => {
    expect(connectionCheck(20, 2, 100, 'pg').outcome).toBe('pass');
    expect(connectionCheck(30, 2, 100, 'pg').outcome).toBe('warn');
    expect(connectionCheck(50, 2, 100, 'pg')).toMatchObject({
      outcome: 'fail',
      suggestion: expect.stringMatching(/^maximum_pool_size=48 /),
    });
  });

  it("Hikari's defaults fill the pool: minimum_idle defaults to the maximum", () => {
    expect(effectivePool({}, { maximum_pool_size: 20 })).toMatchObject({
      maximum_pool_size: 20,
      minimum_idle: 20,
    });
    expect(effectivePool({ maximum_pool_size: 50, minimum_idle: 5 }, { minimum_idle: 10 })).toMatchObject({
      maximum_pool_size: 50,
      minimum_idle: 10,
      connection_timeout: 30_000,
    });
  });

  it('shared_buffers against the pod limit', () => {
    expect(sharedBuffersCheck(0.25 * 2 * GiB, 2 * GiB).outcome).toBe('pass');
    expect(sharedBuffersCheck(GiB, 2 * GiB).outcome).toBe('warn');
    expect(sharedBuffersCheck(2 * GiB, 2 * GiB)).toMatchObject({
      outcome: 'fail',
      suggestion: 'shared_buffers=512MB',
    });
    expect(sharedBuffersCheck(GiB, undefined).outcome).toBe('warn');
  });

  it("a restart's cost from the readiness probe, when there is one", () => {
    const sts = (probe?: object) => ({
      metadata: { name: 'postgresql' },
      spec: {
        template: {
          spec: { containers: [{ name: 'postgresql', ...(probe ? { readinessProbe: probe } : {}) }] },
        },
      },
    });
    expect(restartCost(sts({ initialDelaySeconds: 5, periodSeconds: 10 }), 'postgresql')).toBe(
      'postgresql-0 restarts: ~15 s of refused connections (readiness probe), plus its shutdown checkpoint',
    );
    expect(restartCost(sts(), 'postgresql')).toMatch(
      /^postgresql-0 restarts: connections are refused until it is ready/,
    );
  });

  it('the tuning section defaults every field, and refuses a name Kubernetes would not take', () => {
    const t = TuningSchema.parse({});
    expect(t).toMatchObject({ approvalTtlMinutes: 60, rolloutTimeoutSeconds: 600, rolloutPollMs: 1000 });
    expect(TuningSchema.safeParse({ redis: { configMap: 'Bad_Name' } }).success).toBe(false);
    expect(TuningSchema.safeParse({ dolphinscheduler: { jvm: { env: 'JAVA OPTS' } } }).success).toBe(false);
  });
});
