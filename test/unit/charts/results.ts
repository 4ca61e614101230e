import { summarize } from '../../../src/analysis/summarize.js';
import type { Target } from '../../../src/config/fields.js';
import type { ResourcesDetails } from '../../../src/probes/resources/schema.js';
import type { MetricDef, ProbeResult, Run } from '../../../src/results/schema.js';

/** Realistic results built the way the runner builds them (samples → summarize), shared by chart and view tests. */

export const kafkaMetrics: MetricDef[] = [
  {
    key: 'producer.records_per_sec',
    label: 'producer throughput',
    unit: 'records/s',
    direction: 'higher_is_better',
  },
  { key: 'producer.mb_per_sec', label: 'producer MB/s', unit: 'MB/s', direction: 'higher_is_better' },
  { key: 'producer.avg_latency_ms', label: 'avg latency', unit: 'ms', direction: 'lower_is_better' },
  { key: 'producer.p50_ms', label: 'p50 latency', unit: 'ms', direction: 'lower_is_better' },
  { key: 'producer.p95_ms', label: 'p95 latency', unit: 'ms', direction: 'lower_is_better' },
  { key: 'producer.p99_ms', label: 'p99 latency', unit: 'ms', direction: 'lower_is_better' },
  { key: 'producer.p999_ms', label: 'p99.9 latency', unit: 'ms', direction: 'lower_is_better' },
  {
    key: 'consumer.records_per_sec',
    label: 'consumer throughput',
    unit: 'records/s',
    direction: 'higher_is_better',
  },
];

export const kafkaTargets: Target[] = [{ metric: 'producer.records_per_sec', op: '>=', value: 100_000 }];

const kafkaSamples: Record<string, number>[] = [
  {
    'producer.records_per_sec': 118_343.2,
    'producer.mb_per_sec': 115.57,
    'producer.avg_latency_ms': 212.41,
    'producer.p50_ms': 187,
    'producer.p95_ms': 402,
    'producer.p99_ms': 511,
    'producer.p999_ms': 634,
    'consumer.records_per_sec': 412_530.8,
  },
  {
    'producer.records_per_sec': 121_012.7,
    'producer.mb_per_sec': 118.18,
    'producer.avg_latency_ms': 198.03,
    'producer.p50_ms': 176,
    'producer.p95_ms': 388,
    'producer.p99_ms': 497,
    'producer.p999_ms': 602,
    'consumer.records_per_sec': 430_118.1,
  },
  {
    'producer.records_per_sec': 116_880.4,
    'producer.mb_per_sec': 114.14,
    'producer.avg_latency_ms': 220.9,
    'producer.p50_ms': 191,
    'producer.p95_ms': 415,
    'producer.p99_ms': 530,
    'producer.p999_ms': 671,
    'consumer.records_per_sec': 405_904.2,
  },
];

export function runsOf(samples: Record<string, number>[], start = '2024-06-27T09:40:00.000Z'): Run[] {
  const t0 = Date.parse(start);
  return samples.map((s, index) => ({
    index,
    startedAt: new Date(t0 + index * 60_000).toISOString(),
    durationMs: 42_000 + index * 1_000,
    samples: s,
    raw: '1000000 records sent, …',
  }));
}

export function scaled(samples: Record<string, number>[], factor: number): Record<string, number>[] {
  return samples.map((s) =>
    Object.fromEntries(Object.entries(s).map(([k, v]) => [k, Math.round(v * factor * 100) / 100])),
  );
}

interface Build {
  id: string;
  service: ProbeResult['service'];
  metrics: MetricDef[];
  samples: Record<string, number>[];
  targets: Target[];
  startedAt: string;
  previous?: ProbeResult;
  params?: ProbeResult['params'];
  context?: ProbeResult['context'];
  details?: unknown;
}

export function buildResult(b: Build): ProbeResult {
  const runs = runsOf(b.samples, b.startedAt);
  return {
    id: b.id,
    service: b.service,
    startedAt: b.startedAt,
    finishedAt: new Date(Date.parse(b.startedAt) + 185_000).toISOString(),
    params: b.params ?? { runs: runs.length, warmup: false },
    metrics: b.metrics,
    runs,
    summary: summarize(b.metrics, runs, b.targets, b.previous),
    context: b.context ?? {},
    ...(b.details === undefined ? {} : { details: b.details }),
    previousId: b.previous?.id ?? null,
  };
}

export function kafkaResult(options: { previous?: boolean } = {}): ProbeResult {
  const previous = options.previous
    ? buildResult({
        id: '20240620T094000000Z-kafka-prev',
        service: 'kafka',
        metrics: kafkaMetrics,
        samples: scaled(kafkaSamples, 0.93),
        targets: kafkaTargets,
        startedAt: '2024-06-20T09:40:00.000Z',
      })
    : undefined;
  return buildResult({
    id: '20240627T094305000Z-kafka-17',
    service: 'kafka',
    metrics: kafkaMetrics,
    samples: kafkaSamples,
    targets: kafkaTargets,
    startedAt: '2024-06-27T09:40:00.000Z',
    ...(previous ? { previous } : {}),
    params: {
      runs: 3,
      warmup: true,
      topic: 'perfbot-perf-test',
      records: 1_000_000,
      recordSize: 1024,
      acks: 'all',
    },
    context: { pod: 'kafka-controller-0', namespace: 'kafka', nodeCount: 3, images: ['bitnami/kafka:3.7.0'] },
  });
}

/** Kafka measured once (its throughput alone): a target checked on one run is inconclusive. */
export function oneRunKafkaResult(): ProbeResult {
  return buildResult({
    id: 'one',
    service: 'kafka',
    metrics: kafkaMetrics.slice(0, 1),
    samples: [{ 'producer.records_per_sec': 150_000 }],
    targets: kafkaTargets,
    startedAt: '2024-06-27T10:00:00.000Z',
  });
}

export const trinoMetrics: MetricDef[] = [
  { key: 'count.elapsed_ms', label: 'count(*) elapsed', unit: 'ms', direction: 'lower_is_better' },
  { key: 'groupby.elapsed_ms', label: 'group-by elapsed', unit: 'ms', direction: 'lower_is_better' },
  { key: 'join.elapsed_ms', label: 'self-join elapsed', unit: 'ms', direction: 'lower_is_better' },
  {
    key: 'join.peak_memory_bytes',
    label: 'self-join peak memory',
    unit: 'bytes',
    direction: 'lower_is_better',
  },
];

export function trinoResult(options: { previous?: boolean; joinMs?: number[] } = {}): ProbeResult {
  const join = options.joinMs ?? [2_310, 2_480, 2_395];
  const samples = join.map((ms, i) => ({
    'count.elapsed_ms': [412, 389, 398][i] ?? 400,
    'groupby.elapsed_ms': [1_204, 1_187, 1_251][i] ?? 1_200,
    'join.elapsed_ms': ms,
    'join.peak_memory_bytes': [1_610_612_736, 1_588_000_000, 1_645_000_000][i] ?? 1_600_000_000,
  }));
  const targets: Target[] = [{ metric: 'join.elapsed_ms', op: '<=', value: 2_000 }];
  const previous = options.previous
    ? buildResult({
        id: '20240620T100000000Z-trino-prev',
        service: 'trino',
        metrics: trinoMetrics,
        samples: scaled(samples, 1.1),
        targets,
        startedAt: '2024-06-20T10:00:00.000Z',
      })
    : undefined;
  return buildResult({
    id: '20240627T100305000Z-trino-4',
    service: 'trino',
    metrics: trinoMetrics,
    samples,
    targets,
    startedAt: '2024-06-27T10:00:00.000Z',
    ...(previous ? { previous } : {}),
    params: { runs: samples.length, warmup: true, catalog: 'memory', tableRows: 1_000_000 },
    context: { namespace: 'data-platform', simulated: true },
  });
}

export const resourcesDetails: ResourcesDetails = {
  nodes: [
    node('worker-a', 3_420, 4_000, 12.1, 16),
    node('worker-b', 1_250, 4_000, 9.4, 16),
    node('worker-c', 2_980, 4_000, 14.2, 16),
  ],
  pods: [
    {
      namespace: 'data-platform',
      pod: 'trino-worker-1',
      container: 'trino',
      cpuMilli: 1_900,
      cpuLimitMilli: 2_000,
      cpuPctOfLimit: 95,
      memoryBytes: 7.1 * 2 ** 30,
      memoryLimitBytes: 8 * 2 ** 30,
      memoryPctOfLimit: 88.75,
    },
    {
      namespace: 'kafka',
      pod: 'kafka-controller-0',
      container: 'kafka',
      cpuMilli: 640,
      cpuLimitMilli: 1_000,
      cpuPctOfLimit: 64,
      memoryBytes: 1.2 * 2 ** 30,
      memoryLimitBytes: null,
      memoryPctOfLimit: null,
    },
  ],
  podsWithoutLimits: 4,
  volumes: [
    {
      name: 'minio-data',
      pod: 'minio-0',
      path: '/data',
      usedBytes: 412 * 2 ** 30,
      sizeBytes: 500 * 2 ** 30,
      usedPct: 82.4,
    },
  ],
};

function node(name: string, cpuMilli: number, cpuAllocatableMilli: number, memGiB: number, allocGiB: number) {
  return {
    name,
    cpuMilli,
    cpuAllocatableMilli,
    cpuPct: (cpuMilli / cpuAllocatableMilli) * 100,
    memoryBytes: memGiB * 2 ** 30,
    memoryAllocatableBytes: allocGiB * 2 ** 30,
    memoryPct: (memGiB / allocGiB) * 100,
  };
}
