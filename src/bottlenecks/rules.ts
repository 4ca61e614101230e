import { z } from 'zod';
import { formatBytes, formatNumber } from '../analysis/format.js';
import { ComponentNameSchema } from '../domain/components.js';
import type { Facts, Source } from './facts.js';

/**
 * The bottleneck rules (issue #17): each a pure function over the collected facts, giving findings
 * with their severity, a one-line statement, the evidence (the numbers, where they came from and
 * when), and, where a knob addresses it, the tuning proposal that would (it still goes through
 * preflight and approval). `rank` orders them: severity first, then how far past its threshold.
 */

/** `bottlenecks.thresholds` in perfbot.yaml, every one defaulted. */
export const ThresholdsSchema = z.strictObject({
  /** Share of CFS periods throttled that counts as a CPU bottleneck (whatever `kubectl top` shows). */
  cpuThrottled: z.number().min(0).max(1).default(0.25),
  nodeCpu: z.number().min(0).max(1).default(0.85),
  nodeMemory: z.number().min(0).max(1).default(0.9),
  podMemoryOfLimit: z.number().min(0).max(1).default(0.9),
  podCpuOfLimit: z.number().min(0).max(1).default(0.9),
  /** A container OOMKilled within this many minutes is a finding. */
  oomWindowMinutes: z.number().int().min(1).default(60),
  restarts: z.number().int().min(1).default(3),
  volumeUsed: z.number().min(0).max(1).default(0.8),
  brokerRttMs: z.number().min(0).default(5),
  kafkaLag: z.number().int().min(0).default(10_000),
  trinoQueued: z.number().int().min(0).default(1),
  trinoSlowQueryMs: z.number().int().min(0).default(30_000),
  pgConnections: z.number().min(0).max(1).default(0.8),
  pgIdleInTransactionSeconds: z.number().int().min(1).default(60),
  pgLongRunningSeconds: z.number().int().min(1).default(300),
  pgCacheHitRatio: z.number().min(0).max(1).default(0.99),
  pgRollbackRatio: z.number().min(0).max(1).default(0.05),
  /** A heap below this share of its container's limit leaves memory unused. */
  heapFarBelowLimit: z.number().min(0).max(1).default(0.25),
});
export type Thresholds = z.infer<typeof ThresholdsSchema>;

export const SeveritySchema = z.enum(['critical', 'warning', 'info']);
export type Severity = z.infer<typeof SeveritySchema>;

/** The tuning proposal a finding's Propose fix button opens (`/perf tune <component> <knobSet> …`). */
export const FixSchema = z.strictObject({
  component: ComponentNameSchema,
  knobSet: z.string().regex(/^[a-z][a-z0-9_.-]{0,60}$/),
  settings: z.record(z.string(), z.string().max(500)),
});
export type Fix = z.infer<typeof FixSchema>;

/** One finding; stored with the answer (`answer.ts`), so that its Propose fix is read back, not trusted. */
export const FindingSchema = z.strictObject({
  rule: z.string(),
  severity: SeveritySchema,
  /** How far past its threshold (≥ 0; larger is worse), for ranking within a severity. */
  score: z.number(),
  /** What and where: `kafka/kafka-1`, `node k8s-worker-2`. */
  subject: z.string(),
  statement: z.string(),
  evidence: z.array(z.string()),
  fix: FixSchema.optional(),
});
export type Finding = z.infer<typeof FindingSchema>;

const pct = (v: number) => `${(v * 100).toFixed(0)}%`;
const seen = (s: { from: string; at: string }) => `${s.from}, ${s.at}`;

type Rule = (facts: Facts, t: Thresholds, now: number) => Finding[];

const ok = <T>(s: Source<T> | undefined): (Source<T> & { ok: true }) | undefined => (s?.ok ? s : undefined);

/** A source that did not answer: "could not read X: why", never a silent pass. */
const unreadable: Rule = (facts) =>
  Object.entries(facts).flatMap(([name, s]) =>
    s && !s.ok
      ? [
          {
            rule: 'source',
            severity: 'warning' as const,
            score: 0,
            subject: name,
            statement: `could not read ${name}: ${s.error}`,
            evidence: [`${s.from}, ${s.at}`],
          },
        ]
      : [],
  );

const throttling: Rule = (facts, t) => {
  const pods = ok(facts.pods);
  if (!pods) return [];
  // The counters come from the kubelets, not from the pod list: the evidence names them.
  const from = ok(facts.cadvisor) ?? pods;
  return pods.value.flatMap((p) =>
    p.containers.flatMap((c): Finding[] => {
      if (!c.throttling || c.throttling.periods === 0) return [];
      const ratio = c.throttling.throttled / c.throttling.periods;
      if (ratio < t.cpuThrottled) return [];
      const use =
        c.usage && c.limits.cpuMilli
          ? ` while using ${formatNumber(c.usage.cpuMilli)}m of its ${formatNumber(c.limits.cpuMilli)}m limit`
          : '';
      return [
        {
          rule: 'cpu.throttled',
          severity: ratio >= 2 * t.cpuThrottled ? 'critical' : 'warning',
          score: ratio - t.cpuThrottled,
          subject: `${p.namespace}/${p.name} ${c.name}`,
          statement: `CPU throttled in ${pct(ratio)} of its periods${use}: raise its CPU limit or spread the load`,
          evidence: [
            `container_cpu_cfs_throttled_periods_total ${c.throttling.throttled} / container_cpu_cfs_periods_total ${c.throttling.periods} (${seen(from)})`,
          ],
        },
      ];
    }),
  );
};

const nodes: Rule = (facts, t) => {
  const n = ok(facts.nodes);
  if (!n) return [];
  return n.value.flatMap((node): Finding[] => {
    const out: Finding[] = [];
    if (!node.ready)
      out.push({
        rule: 'node.not_ready',
        severity: 'critical',
        score: 1,
        subject: `node ${node.name}`,
        statement: 'node is not Ready',
        evidence: [seen(n)],
      });
    if (!node.usage) return out;
    const cpu = node.usage.cpuMilli / node.allocatable.cpuMilli;
    const mem = node.usage.memoryBytes / node.allocatable.memoryBytes;
    if (cpu >= t.nodeCpu)
      out.push({
        rule: 'node.cpu',
        severity: cpu >= 0.97 ? 'critical' : 'warning',
        score: cpu - t.nodeCpu,
        subject: `node ${node.name}`,
        statement: `CPU at ${pct(cpu)} of allocatable`,
        evidence: [
          `${formatNumber(node.usage.cpuMilli)}m of ${formatNumber(node.allocatable.cpuMilli)}m (${seen(n)})`,
        ],
      });
    if (mem >= t.nodeMemory)
      out.push({
        rule: 'node.memory',
        severity: mem >= 0.97 ? 'critical' : 'warning',
        score: mem - t.nodeMemory,
        subject: `node ${node.name}`,
        statement: `memory at ${pct(mem)} of allocatable`,
        evidence: [
          `${formatBytes(node.usage.memoryBytes)} of ${formatBytes(node.allocatable.memoryBytes)} (${seen(n)})`,
        ],
      });
    return out;
  });
};

const podResources: Rule = (facts, t, now) => {
  const pods = ok(facts.pods);
  if (!pods) return [];
  return pods.value.flatMap((p) =>
    p.containers.flatMap((c): Finding[] => {
      const subject = `${p.namespace}/${p.name} ${c.name}`;
      const out: Finding[] = [];
      const limit = c.limits.memoryBytes;
      if (c.usage && limit) {
        const share = c.usage.memoryBytes / limit;
        if (share >= t.podMemoryOfLimit)
          out.push({
            rule: 'pod.memory',
            severity: share >= 0.97 ? 'critical' : 'warning',
            score: share - t.podMemoryOfLimit,
            subject,
            statement: `memory at ${pct(share)} of its limit: the next spike is an OOM kill`,
            evidence: [`${formatBytes(c.usage.memoryBytes)} of ${formatBytes(limit)} (${seen(pods)})`],
          });
      }
      if (c.usage && c.limits.cpuMilli) {
        const share = c.usage.cpuMilli / c.limits.cpuMilli;
        if (share >= t.podCpuOfLimit)
          out.push({
            rule: 'pod.cpu',
            severity: 'warning',
            score: share - t.podCpuOfLimit,
            subject,
            statement: `CPU at ${pct(share)} of its limit`,
            evidence: [
              `${formatNumber(c.usage.cpuMilli)}m of ${formatNumber(c.limits.cpuMilli)}m (${seen(pods)})`,
            ],
          });
      }
      const term = c.lastTermination;
      if (term?.reason === 'OOMKilled' && now - Date.parse(term.at) <= t.oomWindowMinutes * 60_000) {
        // Redis grows to what it is given: a maxmemory below the limit makes it evict, not die.
        const fix: Fix | undefined =
          c.tunedAs === 'redis' && limit
            ? {
                component: 'redis',
                knobSet: 'cache',
                settings: { maxmemory: `${Math.floor((limit * 0.75) / 1024 ** 2)}mb` },
              }
            : undefined;
        out.push({
          rule: 'pod.oom_killed',
          severity: 'critical',
          score: 1,
          subject,
          statement: `OOMKilled at ${term.at} (restarted ${c.restarts} time(s))${fix ? `: a maxmemory below its ${formatBytes(limit ?? 0)} limit makes Redis evict instead` : ''}`,
          evidence: [
            `lastState.terminated.reason OOMKilled (${seen(pods)})`,
            ...(limit ? [`resources.limits.memory ${formatBytes(limit)}`] : []),
          ],
          ...(fix ? { fix } : {}),
        });
      } else if (c.restarts >= t.restarts || c.waiting === 'CrashLoopBackOff')
        out.push({
          rule: 'pod.restarts',
          severity: c.waiting === 'CrashLoopBackOff' ? 'critical' : 'warning',
          score: c.restarts / t.restarts,
          subject,
          statement: `${c.waiting ?? 'restarting'}: ${c.restarts} restart(s)${term ? `, last ${term.reason} at ${term.at}` : ''}`,
          evidence: [`restartCount ${c.restarts} (${seen(pods)})`],
        });
      return out;
    }),
  );
};

const volumes: Rule = (facts, t) => {
  const v = ok(facts.volumes);
  if (!v) return [];
  return v.value.flatMap((vol): Finding[] => {
    const share = vol.sizeBytes > 0 ? vol.usedBytes / vol.sizeBytes : 0;
    if (share < t.volumeUsed) return [];
    return [
      {
        rule: 'storage.filling',
        severity: share >= 0.9 ? 'critical' : 'warning',
        score: share - t.volumeUsed,
        subject: `${vol.namespace}/${vol.pod} ${vol.mountPath}`,
        statement: `volume ${pct(share)} full`,
        evidence: [`df: ${formatBytes(vol.usedBytes)} used of ${formatBytes(vol.sizeBytes)} (${seen(v)})`],
      },
    ];
  });
};

const network: Rule = (facts, t) => {
  const n = ok(facts.network);
  if (!n) return [];
  return n.value.flatMap((l): Finding[] => {
    if (l.rttMs.length === 0) return [];
    const avg = l.rttMs.reduce((a, b) => a + b, 0) / l.rttMs.length;
    if (avg < t.brokerRttMs) return [];
    return [
      {
        rule: 'network.latency',
        severity: avg >= 4 * t.brokerRttMs ? 'critical' : 'warning',
        score: avg / t.brokerRttMs - 1,
        subject: `${l.from} → ${l.to}`,
        statement: `round trip ${avg.toFixed(1)} ms between brokers (threshold ${t.brokerRttMs} ms)`,
        evidence: [`ping: ${l.rttMs.map((r) => r.toFixed(2)).join(', ')} ms (${seen(n)})`],
      },
    ];
  });
};

const kafka: Rule = (facts, t) => {
  const k = ok(facts.kafka);
  if (!k) return [];
  const out: Finding[] = [];
  if (k.value.underReplicated.length > 0)
    out.push({
      rule: 'kafka.under_replicated',
      severity: 'critical',
      score: k.value.underReplicated.length,
      subject: 'kafka',
      statement: `${k.value.underReplicated.length} under-replicated partition(s)`,
      evidence: [
        `${k.value.underReplicated
          .slice(0, 5)
          .map((p) => `${p.topic}-${p.partition}`)
          .join(', ')} (kafka-topics.sh --describe --under-replicated-partitions, ${k.at})`,
      ],
    });
  for (const g of k.value.lag.filter((x) => x.lag >= t.kafkaLag))
    out.push({
      rule: 'kafka.lag',
      severity: g.lag >= 10 * t.kafkaLag ? 'critical' : 'warning',
      score: g.lag / t.kafkaLag - 1,
      subject: `group ${g.group}`,
      statement: `consumer lag ${formatNumber(g.lag)} on ${g.topic}`,
      evidence: [`kafka-consumer-groups.sh --describe --all-groups (${k.at})`],
    });
  return out;
};

const trino: Rule = (facts, t) => {
  const q = ok(facts.trino);
  if (!q) return [];
  const out: Finding[] = [];
  if (q.value.queued >= t.trinoQueued)
    out.push({
      rule: 'trino.queued',
      severity: 'warning',
      score: q.value.queued,
      subject: 'trino',
      statement: `${q.value.queued} queued and ${q.value.running} running queries`,
      evidence: [`system.runtime.queries (${q.at})`],
    });
  for (const s of q.value.slowest.filter((x) => x.elapsedMs >= t.trinoSlowQueryMs).slice(0, 3))
    out.push({
      rule: 'trino.slow_query',
      severity: 'info',
      score: s.elapsedMs / t.trinoSlowQueryMs - 1,
      subject: `trino ${s.queryId}`,
      statement: `${s.state} for ${formatNumber(s.elapsedMs / 1000)} s: ${s.query.slice(0, 80)}`,
      evidence: [`system.runtime.queries (${q.at})`],
    });
  return out;
};

/** A round number of connections above what is in use: 1.5 × current, to the next 50. */
const roomFor = (connections: number) => String(Math.ceil((connections * 1.5) / 50) * 50);

const postgres: Rule = (facts, t) => {
  const pg = ok(facts.postgres);
  if (!pg) return [];
  const v = pg.value;
  const out: Finding[] = [];
  const from = `pg_stat_activity (${seen(pg)})`;
  const share = v.maxConnections > 0 ? v.connections / v.maxConnections : 0;
  if (share >= t.pgConnections)
    out.push({
      rule: 'postgres.connections',
      severity: share >= 0.95 ? 'critical' : 'warning',
      score: share - t.pgConnections,
      subject: 'postgres',
      statement: `${v.connections} of max_connections ${v.maxConnections} in use (${pct(share)})`,
      evidence: [from],
      fix: { component: 'postgres', knobSet: 'pool', settings: { max_connections: roomFor(v.connections) } },
    });
  const idle = v.idleInTransaction.filter((s) => s.ageSeconds >= t.pgIdleInTransactionSeconds);
  if (idle.length > 0)
    out.push({
      rule: 'postgres.idle_in_transaction',
      severity: 'warning',
      score: idle.length,
      subject: 'postgres',
      statement: `${idle.length} session(s) idle in transaction, the oldest for ${Math.max(...idle.map((s) => s.ageSeconds))} s: they hold locks and connections`,
      evidence: [
        `pids ${idle
          .slice(0, 5)
          .map((s) => s.pid)
          .join(', ')}: ${from}`,
      ],
    });
  const long = v.longRunning.filter((s) => s.ageSeconds >= t.pgLongRunningSeconds);
  if (long.length > 0)
    out.push({
      rule: 'postgres.long_running',
      severity: 'info',
      score: long.length,
      subject: 'postgres',
      statement: `${long.length} quer(y/ies) running over ${t.pgLongRunningSeconds} s`,
      evidence: long.slice(0, 3).map((s) => `pid ${s.pid}, ${s.ageSeconds} s: ${s.query.slice(0, 80)}`),
    });
  if (v.cacheHitRatio !== null && v.cacheHitRatio < t.pgCacheHitRatio)
    out.push({
      rule: 'postgres.cache_hit',
      severity: 'warning',
      score: t.pgCacheHitRatio - v.cacheHitRatio,
      subject: 'postgres',
      statement: `cache hit ratio ${(v.cacheHitRatio * 100).toFixed(1)}% (below ${(t.pgCacheHitRatio * 100).toFixed(0)}%): shared_buffers may be too small`,
      evidence: [`pg_stat_database (${seen(pg)})`],
    });
  if (v.rollbackRatio !== null && v.rollbackRatio > t.pgRollbackRatio)
    out.push({
      rule: 'postgres.rollbacks',
      severity: 'info',
      score: v.rollbackRatio - t.pgRollbackRatio,
      subject: 'postgres',
      statement: `${pct(v.rollbackRatio)} of transactions roll back`,
      evidence: [`pg_stat_database (${seen(pg)})`],
    });
  return out;
};

const heaps: Rule = (facts, t) => {
  const h = ok(facts.heaps);
  if (!h) return [];
  return h.value.flatMap((x): Finding[] => {
    if (!x.limitBytes) return [];
    const knob = x.component === 'trino' || x.component === 'dolphinscheduler' ? x.component : undefined;
    if (x.heapBytes > x.limitBytes) {
      const heap = `${Math.floor((x.limitBytes * 0.75) / 1024 ** 2)}m`;
      return [
        {
          rule: 'jvm.heap_over_limit',
          severity: 'critical',
          score: x.heapBytes / x.limitBytes - 1,
          subject: x.workload,
          statement: `-Xmx ${formatBytes(x.heapBytes)} is larger than the container's memory limit ${formatBytes(x.limitBytes)}: the kernel kills it before the GC runs`,
          evidence: [`JVM options and resources.limits.memory (${seen(h)})`],
          ...(knob ? { fix: { component: knob, knobSet: 'jvm', settings: { heap } } } : {}),
        },
      ];
    }
    if (x.heapBytes < t.heapFarBelowLimit * x.limitBytes)
      return [
        {
          rule: 'jvm.heap_far_below_limit',
          severity: 'info',
          score: 0,
          subject: x.workload,
          statement: `-Xmx ${formatBytes(x.heapBytes)} uses ${pct(x.heapBytes / x.limitBytes)} of the container's ${formatBytes(x.limitBytes)}`,
          evidence: [`JVM options and resources.limits.memory (${seen(h)})`],
          ...(knob
            ? {
                fix: {
                  component: knob,
                  knobSet: 'jvm',
                  settings: { heap: `${Math.floor((x.limitBytes * 0.7) / 1024 ** 2)}m` },
                },
              }
            : {}),
        },
      ];
    return [];
  });
};

const pools: Rule = (facts, t) => {
  const p = ok(facts.pools);
  const pg = ok(facts.postgres);
  if (!p || !pg) return [];
  return p.value.flatMap((pool): Finding[] => {
    const demand = pool.maximumPoolSize * pool.replicas;
    const room = pg.value.maxConnections * t.pgConnections;
    if (demand <= room) return [];
    const size = Math.max(1, Math.floor(room / pool.replicas));
    return [
      {
        rule: 'pool.over_database',
        severity: demand > pg.value.maxConnections ? 'critical' : 'warning',
        score: demand / pg.value.maxConnections,
        subject: `${pool.component} Hikari pool`,
        statement: `maximum_pool_size ${pool.maximumPoolSize} × ${pool.replicas} replica(s) = ${demand} connections against max_connections ${pg.value.maxConnections}`,
        evidence: [`Deployment env (${seen(p)}); max_connections (${seen(pg)})`],
        fix: { component: pool.component, knobSet: 'pool', settings: { maximum_pool_size: String(size) } },
      },
    ];
  });
};

const targets: Rule = (facts) => {
  const b = ok(facts.baselines);
  if (!b) return [];
  return b.value.flatMap((x): Finding[] =>
    x.met === false
      ? [
          {
            rule: 'target.missed',
            severity: 'warning',
            score: 0,
            subject: x.service,
            statement: `${x.label} ${x.median === null ? 'no data' : formatNumber(x.median)} misses its target ${x.target.op} ${formatNumber(x.target.value)} in the last baseline`,
            evidence: [`result ${x.resultId}, ${x.finishedAt}`],
          },
        ]
      : [],
  );
};

export const RULES: readonly Rule[] = [
  unreadable,
  throttling,
  nodes,
  podResources,
  volumes,
  network,
  kafka,
  trino,
  postgres,
  heaps,
  pools,
  targets,
];

const RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

/** Every rule over the facts, ranked: severity first, then the score (how far past the threshold). */
export function findBottlenecks(facts: Facts, thresholds: Thresholds, now: number): Finding[] {
  return RULES.flatMap((rule) => rule(facts, thresholds, now)).sort(
    (a, b) => RANK[a.severity] - RANK[b.severity] || b.score - a.score || a.subject.localeCompare(b.subject),
  );
}
