import type { MetricDef } from '../../results/schema.js';
import type { ProducerReport } from './parse.js';
import type { ConsumerReport } from './parse-consumer.js';

/** The Kafka probe's metrics: the producer's summary line and the consumer's result row. */
export const kafkaMetrics: readonly MetricDef[] = [
  {
    key: 'producer.records_per_sec',
    label: 'Producer throughput',
    unit: 'records/s',
    direction: 'higher_is_better',
  },
  { key: 'producer.mb_per_sec', label: 'Producer bandwidth', unit: 'MB/s', direction: 'higher_is_better' },
  {
    key: 'producer.latency_avg_ms',
    label: 'Producer latency (avg)',
    unit: 'ms',
    direction: 'lower_is_better',
  },
  {
    key: 'producer.latency_max_ms',
    label: 'Producer latency (max)',
    unit: 'ms',
    direction: 'lower_is_better',
  },
  { key: 'producer.latency_p50_ms', label: 'Producer latency p50', unit: 'ms', direction: 'lower_is_better' },
  { key: 'producer.latency_p95_ms', label: 'Producer latency p95', unit: 'ms', direction: 'lower_is_better' },
  { key: 'producer.latency_p99_ms', label: 'Producer latency p99', unit: 'ms', direction: 'lower_is_better' },
  {
    key: 'producer.latency_p999_ms',
    label: 'Producer latency p99.9',
    unit: 'ms',
    direction: 'lower_is_better',
  },
  { key: 'consumer.mb_per_sec', label: 'Consumer bandwidth', unit: 'MB/s', direction: 'higher_is_better' },
  {
    key: 'consumer.msgs_per_sec',
    label: 'Consumer throughput',
    unit: 'msgs/s',
    direction: 'higher_is_better',
  },
  {
    key: 'consumer.rebalance_ms',
    label: 'Consumer group join',
    unit: 'ms',
    direction: 'lower_is_better',
  },
  {
    key: 'consumer.fetch_mb_per_sec',
    label: 'Consumer fetch bandwidth',
    unit: 'MB/s',
    direction: 'higher_is_better',
  },
  {
    key: 'consumer.fetch_msgs_per_sec',
    label: 'Consumer fetch throughput',
    unit: 'msgs/s',
    direction: 'higher_is_better',
  },
];

/**
 * One run's samples; the consumer's columns that its Kafka version does not print are left out, and
 * all of the consumer's when `consumer` is undefined (a run whose figures are not to be counted).
 */
export function toSamples(
  producer: ProducerReport,
  consumer: ConsumerReport | undefined,
): Record<string, number> {
  const s = producer.summary;
  const samples: Record<string, number> = {
    'producer.records_per_sec': s.recordsPerSec,
    'producer.mb_per_sec': s.mbPerSec,
    'producer.latency_avg_ms': s.latencyAvgMs,
    'producer.latency_max_ms': s.latencyMaxMs,
    'producer.latency_p50_ms': s.p50Ms,
    'producer.latency_p95_ms': s.p95Ms,
    'producer.latency_p99_ms': s.p99Ms,
    'producer.latency_p999_ms': s.p999Ms,
  };
  if (consumer === undefined) return samples;
  samples['consumer.mb_per_sec'] = consumer.mbPerSec;
  samples['consumer.msgs_per_sec'] = consumer.msgsPerSec;
  const optional: [string, number | undefined][] = [
    ['consumer.rebalance_ms', consumer.rebalanceMs],
    ['consumer.fetch_mb_per_sec', consumer.fetchMbPerSec],
    ['consumer.fetch_msgs_per_sec', consumer.fetchMsgsPerSec],
  ];
  for (const [key, value] of optional) if (value !== undefined) samples[key] = value;
  return samples;
}
