import type { ServiceDescriptor } from '../../domain/service.js';
import { KafkaSchema } from './config.js';
import { kafkaLoadCap } from './load-cap.js';
import { kafkaMetrics } from './metrics.js';

/**
 * Kafka: the producer and consumer perf tools in a broker pod. Four charts, one scale each: records
 * (the consumer counts them as msgs) per second, MB/s, the producer's latencies, and the consumer
 * group join, which takes seconds where the latencies take milliseconds.
 */
export const kafka: ServiceDescriptor<'kafka', typeof KafkaSchema> = {
  name: 'kafka',
  loadProbe: () => import('./run.js').then((m) => m.kafkaProbe),
  config: KafkaSchema,
  options: ['runs', 'records', 'recordSize', 'throughput', 'acks'],
  metrics: kafkaMetrics,
  charts: [
    {
      id: 'throughput',
      title: 'throughput (records/s)',
      unit: 'records/s',
      metrics: ['producer.records_per_sec', 'consumer.msgs_per_sec', 'consumer.fetch_msgs_per_sec'],
    },
    {
      id: 'bandwidth',
      title: 'bandwidth (MB/s)',
      unit: 'MB/s',
      metrics: ['producer.mb_per_sec', 'consumer.mb_per_sec', 'consumer.fetch_mb_per_sec'],
    },
    {
      id: 'latency',
      title: 'producer latency (ms)',
      unit: 'ms',
      metrics: [
        'producer.latency_avg_ms',
        'producer.latency_p50_ms',
        'producer.latency_p95_ms',
        'producer.latency_p99_ms',
        'producer.latency_p999_ms',
        'producer.latency_max_ms',
      ],
    },
    { id: 'group-join', title: 'consumer group join (ms)', unit: 'ms', metrics: ['consumer.rebalance_ms'] },
  ],
  knobs: [],
  rules: [],
  loadCap: kafkaLoadCap,
};
