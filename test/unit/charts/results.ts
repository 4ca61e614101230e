import { summarize } from '../../../src/analysis/summarize.js';
import type { Target } from '../../../src/config/fields.js';
import { serviceOf } from '../../../src/domain/services.js';
import type { ResourcesDetails } from '../../../src/probes/resources/schema.js';
import type { MetricDef, ProbeResult, Run } from '../../../src/results/schema.js';
import { samplesFor } from '../../helpers/results.js';

/**
 * Results built the way the runner builds them (samples → summarize) from the probes' own metric
 * definitions, shared by chart and view tests.
 */

/** The Kafka probe's own 13 metrics; the values below are chosen for some, generated for the rest. */
export const kafkaMetrics: MetricDef[] = [...serviceOf('kafka').metrics];

export const kafkaTargets: Target[] = [{ metric: 'producer.records_per_sec', op: '>=', value: 100_000 }];

const kafkaSamples: Record<string, number>[] = samplesFor(kafkaMetrics, 3, {
  'producer.records_per_sec': [118_343.2, 121_012.7, 116_880.4],
  'producer.mb_per_sec': [115.57, 118.18, 114.14],
  'producer.latency_avg_ms': [212.41, 198.03, 220.9],
  'producer.latency_p50_ms': [187, 176, 191],
  'producer.latency_p95_ms': [402, 388, 415],
  'producer.latency_p99_ms': [511, 497, 530],
  'producer.latency_p999_ms': [634, 602, 671],
  'producer.latency_max_ms': [1_204, 1_097, 1_312],
  'consumer.msgs_per_sec': [412_530.8, 430_118.1, 405_904.2],
});

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

/** Only the service's own metrics (`probes/<svc>` defines them), and samples only of those. */
export function buildResult(b: Build): ProbeResult {
  const defined = serviceOf(b.service).metrics;
  const invented = b.metrics.filter((m) => !defined.some((d) => d.key === m.key && d.unit === m.unit));
  if (invented.length > 0)
    throw new Error(`not a ${b.service} metric: ${invented[0]?.key} (and ${invented.length - 1} more)`);
  samplesFor(b.metrics, 0, Object.fromEntries(b.samples.flatMap((s) => Object.keys(s)).map((k) => [k, []])));
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

const TRINO_KEYS = ['count.elapsed_ms', 'aggregate.elapsed_ms', 'join.elapsed_ms', 'join.peak_memory_bytes'];
/** Four of the Trino probe's own metrics. */
export const trinoMetrics: MetricDef[] = TRINO_KEYS.map((key) => {
  const metric = serviceOf('trino').metrics.find((m) => m.key === key);
  if (!metric) throw new Error(`not a trino metric: ${key}`);
  return metric;
});

export function trinoResult(options: { previous?: boolean; joinMs?: number[] } = {}): ProbeResult {
  const join = options.joinMs ?? [2_310, 2_480, 2_395];
  const samples = join.map((ms, i) => ({
    'count.elapsed_ms': [412, 389, 398][i] ?? 400,
    'aggregate.elapsed_ms': [1_204, 1_187, 1_251][i] ?? 1_200,
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
