import { describe, expect, it } from 'vitest';
import type { ContainerFact, Facts, PodFact } from '../../../src/bottlenecks/facts.js';
import { findBottlenecks, ThresholdsSchema } from '../../../src/bottlenecks/rules.js';

const t = ThresholdsSchema.parse({});
const at = '2026-12-01T10:00:00.000Z';
const now = Date.parse(at);
const GiB = 1024 ** 3;
const src = <T>(value: T, from = 'test') => ({ ok: true as const, value, from, at });
const container = (over: Partial<ContainerFact> = {}): ContainerFact => ({
  name: 'app',
  requests: { cpuMilli: 500, memoryBytes: GiB },
  limits: { cpuMilli: 2000, memoryBytes: 2 * GiB },
  usage: { cpuMilli: 300, memoryBytes: 0.5 * GiB },
  restarts: 0,
  ...over,
});
const pod = (name: string, c: ContainerFact): PodFact => ({
  namespace: 'ns',
  name,
  node: 'n1',
  containers: [c],
});

const healthy: Facts = {
  nodes: src([
    {
      name: 'n1',
      ready: true,
      allocatable: { cpuMilli: 16000, memoryBytes: 64 * GiB },
      usage: { cpuMilli: 4000, memoryBytes: 20 * GiB },
    },
  ]),
  pods: src([pod('ok', container({ throttling: { throttled: 10, periods: 1000 } }))]),
  volumes: src([
    { namespace: 'minio', pod: 'minio-0', mountPath: '/data', usedBytes: 10 * GiB, sizeBytes: 100 * GiB },
  ]),
  network: src([{ from: 'kafka-0', to: 'kafka-1', rttMs: [0.2, 0.3, 0.25] }]),
  kafka: src({ underReplicated: [], lag: [{ group: 'g', topic: 't', lag: 12 }] }),
  trino: src({ running: 1, queued: 0, slowest: [] }),
  postgres: src({
    connections: 20,
    maxConnections: 100,
    idleInTransaction: [],
    longRunning: [],
    cacheHitRatio: 0.998,
    rollbackRatio: 0.001,
  }),
  heaps: src([
    { component: 'dolphinscheduler', workload: 'dolphinscheduler-api', heapBytes: GiB, limitBytes: 2 * GiB },
  ]),
  pools: src([{ component: 'dolphinscheduler', maximumPoolSize: 20, replicas: 1 }]),
  baselines: src([
    {
      service: 'kafka',
      resultId: 'r1',
      metric: 'm',
      label: 'throughput',
      median: 120000,
      target: { op: '>=', value: 100000 },
      met: true,
      finishedAt: at,
    },
  ]),
};

describe('the bottleneck rules', () => {
  it('a healthy platform has no findings', () => {
    expect(findBottlenecks(healthy, t, now)).toEqual([]);
  });

  it('a pod throttled at 40% of its periods is found though it uses a fraction of its limit', () => {
    const f = findBottlenecks(
      { ...healthy, pods: src([pod('api', container({ throttling: { throttled: 400, periods: 1000 } }))]) },
      t,
      now,
    );
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ rule: 'cpu.throttled', severity: 'warning', subject: 'ns/api app' });
    expect(f[0]?.statement).toMatch(/throttled in 40% of its periods while using 300m of its 2,000m limit/);
  });

  it('near its memory limit, OOMKilled recently, crash-looping', () => {
    const pods = src([
      pod('near', container({ usage: { cpuMilli: 100, memoryBytes: 1.95 * GiB } })),
      pod(
        'oom',
        container({ restarts: 2, lastTermination: { reason: 'OOMKilled', at: '2026-12-01T09:50:00.000Z' } }),
      ),
      pod(
        'old-oom',
        container({ restarts: 1, lastTermination: { reason: 'OOMKilled', at: '2026-11-30T09:50:00.000Z' } }),
      ),
      pod('loop', container({ restarts: 7, waiting: 'CrashLoopBackOff' })),
    ]);
    const rules = findBottlenecks({ ...healthy, pods }, t, now).map((f) => `${f.rule} ${f.subject}`);
    expect(rules).toEqual(
      expect.arrayContaining([
        'pod.memory ns/near app',
        'pod.oom_killed ns/oom app',
        'pod.restarts ns/loop app',
      ]),
    );
    expect(rules.some((r) => r.includes('old-oom'))).toBe(false);
  });

  it("an OOM-killed Redis is offered a maxmemory below its container's limit; another container no fix", () => {
    const oom = { restarts: 1, lastTermination: { reason: 'OOMKilled', at: '2026-12-01T09:50:00.000Z' } };
    const pods = src([
      pod('redis-master-0', container({ ...oom, tunedAs: 'redis', limits: { memoryBytes: GiB } })),
      pod('app-0', container({ ...oom, limits: { memoryBytes: GiB } })),
    ]);
    const found = findBottlenecks({ ...healthy, pods }, t, now).filter((f) => f.rule === 'pod.oom_killed');
    const of = (name: string) => found.find((f) => f.subject.includes(name));
    expect(of('redis-master-0')?.fix).toEqual({
      component: 'redis',
      knobSet: 'cache',
      settings: { maxmemory: '768mb' },
    });
    expect(of('redis-master-0')?.evidence).toContain('resources.limits.memory 1 GiB');
    expect(of('app-0')?.fix).toBeUndefined();
  });

  it('a saturated PostgreSQL, its idle-in-transaction sessions, and a Hikari pool over it, with fixes', () => {
    const postgres = src({
      connections: 97,
      maxConnections: 100,
      idleInTransaction: [{ pid: 41, ageSeconds: 600 }],
      longRunning: [],
      cacheHitRatio: 0.999,
      rollbackRatio: 0,
    });
    const pools = src([{ component: 'dolphinscheduler' as const, maximumPoolSize: 50, replicas: 3 }]);
    const f = findBottlenecks({ ...healthy, postgres, pools }, t, now);
    const conn = f.find((x) => x.rule === 'postgres.connections');
    expect(conn).toMatchObject({
      severity: 'critical',
      fix: { component: 'postgres', knobSet: 'pool', settings: { max_connections: '150' } },
    });
    expect(f.find((x) => x.rule === 'postgres.idle_in_transaction')?.statement).toMatch(
      /1 session\(s\) idle in transaction, the oldest for 600 s/,
    );
    const pool = f.find((x) => x.rule === 'pool.over_database');
    expect(pool?.fix).toEqual({
      component: 'dolphinscheduler',
      knobSet: 'pool',
      settings: { maximum_pool_size: '26' },
    });
  });

  it('a filling volume, consumer lag, a heap larger than its container (with the heap that fits)', () => {
    const f = findBottlenecks(
      {
        ...healthy,
        volumes: src([
          {
            namespace: 'minio',
            pod: 'minio-0',
            mountPath: '/data',
            usedBytes: 93 * GiB,
            sizeBytes: 100 * GiB,
          },
        ]),
        kafka: src({ underReplicated: [], lag: [{ group: 'etl', topic: 'events', lag: 250_000 }] }),
        heaps: src([
          { component: 'trino' as const, workload: 'trino-worker', heapBytes: 16 * GiB, limitBytes: 8 * GiB },
        ]),
      },
      t,
      now,
    );
    expect(f.map((x) => x.rule)).toEqual(['kafka.lag', 'jvm.heap_over_limit', 'storage.filling']);
    expect(f.find((x) => x.rule === 'jvm.heap_over_limit')?.fix).toEqual({
      component: 'trino',
      knobSet: 'jvm',
      settings: { heap: '6144m' },
    });
  });

  it('a source that did not answer is a finding, never a silent pass', () => {
    const f = findBottlenecks(
      {
        ...healthy,
        postgres: { ok: false, from: 'psql in kong/postgresql-0', at, error: 'timed out after 5 s' },
      },
      t,
      now,
    );
    expect(f).toEqual([
      expect.objectContaining({
        rule: 'source',
        subject: 'postgres',
        statement: 'could not read postgres: timed out after 5 s',
      }),
    ]);
  });

  it('ranks by severity, then by how far past the threshold', () => {
    const f = findBottlenecks(
      {
        ...healthy,
        pods: src([
          pod('a', container({ throttling: { throttled: 300, periods: 1000 } })),
          pod('b', container({ throttling: { throttled: 450, periods: 1000 } })),
          pod('c', container({ throttling: { throttled: 700, periods: 1000 } })),
        ]),
      },
      t,
      now,
    );
    expect(f.map((x) => `${x.severity} ${x.subject}`)).toEqual([
      'critical ns/c app',
      'warning ns/b app',
      'warning ns/a app',
    ]);
  });
});
