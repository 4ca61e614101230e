import { summarize } from '../../src/analysis/summarize.js';
import type { Target } from '../../src/config/fields.js';
import { type ServiceName, serviceOf } from '../../src/domain/services.js';
import type { MetricDef, ProbeResult } from '../../src/results/schema.js';

/** A ProbeResult builder with overrides (bolt's createDummy… style). Samples are the caller's. */
export function aResult(overrides: Partial<ProbeResult> = {}): ProbeResult {
  const finishedAt = overrides.finishedAt ?? '2026-11-24T10:00:00.000Z';
  return {
    id: `${finishedAt.replace(/[-:.]/g, '')}-kafka-x`,
    service: 'kafka',
    startedAt: '2026-11-24T09:59:00.000Z',
    finishedAt,
    params: { records: 1000 },
    metrics: serviceOf('kafka').metrics.filter((m) => m.key === 'producer.records_per_sec'),
    runs: [
      {
        index: 0,
        startedAt: '2026-11-24T09:59:00.000Z',
        durationMs: 1,
        samples: { 'producer.records_per_sec': 1 },
        raw: '',
      },
    ],
    summary: [],
    context: {},
    previousId: null,
    ...overrides,
  };
}

/**
 * One run's samples for the given metrics, generated and deterministic: each metric gets a value of
 * a plausible size for its unit, varied by its key and the run's index. `fixed` sets some metrics'
 * values (one per run); a key the metrics do not define throws, so a test cannot chart a fiction.
 */
export function samplesFor(
  metrics: readonly MetricDef[],
  runs: number,
  fixed: Readonly<Record<string, readonly number[]>> = {},
): Record<string, number>[] {
  const unknown = Object.keys(fixed).filter((key) => !metrics.some((m) => m.key === key));
  if (unknown.length > 0) throw new Error(`not a metric of this probe: ${unknown.join(', ')}`);
  return Array.from({ length: runs }, (_, run) =>
    Object.fromEntries(metrics.map((m) => [m.key, fixed[m.key]?.[run] ?? generated(m, run)])),
  );
}

/** Typical magnitudes per unit (a Kafka group join takes seconds, its latencies milliseconds). */
const SIZE: Readonly<Record<string, number>> = {
  'records/s': 120_000,
  'msgs/s': 400_000,
  'MB/s': 115,
  ms: 200,
  bytes: 1.5 * 2 ** 30,
  rows: 1_000_000,
  'tasks/s': 1_500,
  CPUs: 8,
  'tx/s': 900,
  ratio: 0.5,
  connections: 40,
  '%': 60,
};

/** Latencies keep their order (p50 ≤ p95 ≤ p99 ≤ p99.9 ≤ max); a group join takes seconds. */
const SPREAD: readonly [RegExp, number][] = [
  [/p50/, 0.9],
  [/p95/, 2],
  [/p99_|p99$/, 2.6],
  [/p999/, 3.2],
  [/max_ms|_max$/, 4.5],
  [/rebalance/, 15],
];

function generated(metric: MetricDef, run: number): number {
  const hash = [...metric.key].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 9973, 7);
  const ranked = metric.unit === 'ms' ? SPREAD.find(([re]) => re.test(metric.key))?.[1] : undefined;
  const base = SIZE[metric.unit] ?? 100;
  const varied = ranked === undefined ? 0.6 + (hash % 80) / 100 : ranked;
  const value = base * varied * (1 + ((run % 3) - 1) * 0.02);
  return metric.unit === 'ratio' ? Math.round(value * 1000) / 1000 : Math.round(value * 100) / 100;
}

export interface ResultFor {
  id?: string;
  startedAt?: string;
  runs?: number;
  /** Chosen values per metric key, one per run; the others are generated. */
  fixed?: Readonly<Record<string, readonly number[]>>;
  /** The service's default targets from perfbot.yaml unless given. */
  targets?: Target[];
  previous?: ProbeResult;
  params?: ProbeResult['params'];
  context?: ProbeResult['context'];
  details?: unknown;
}

/**
 * A result of `service` built the way the runner builds one (samples → summarize), from the probe's
 * own metric definitions (its descriptor's `metrics`).
 */
export function resultFor(service: ServiceName, o: ResultFor = {}): ProbeResult {
  const descriptor = serviceOf(service);
  const startedAt = o.startedAt ?? '2024-06-27T09:40:00.000Z';
  const metrics = [...descriptor.metrics];
  const samples = samplesFor(metrics, o.runs ?? 3, o.fixed);
  const t0 = Date.parse(startedAt);
  const runs = samples.map((s, index) => ({
    index,
    startedAt: new Date(t0 + index * 60_000).toISOString(),
    durationMs: 42_000 + index * 1_000,
    samples: s,
    raw: `${service} run ${index}`,
  }));
  const targets = o.targets ?? (descriptor.config.parse({}) as { targets: Target[] }).targets;
  return {
    id: o.id ?? `${startedAt.replace(/[-:.]/g, '')}-${service}-1`,
    service,
    startedAt,
    finishedAt: new Date(t0 + 185_000).toISOString(),
    params: o.params ?? { runs: runs.length, warmup: false },
    metrics,
    runs,
    summary: summarize(metrics, runs, targets, o.previous),
    context: o.context ?? {},
    ...(o.details === undefined ? {} : { details: o.details }),
    previousId: o.previous?.id ?? null,
  };
}
