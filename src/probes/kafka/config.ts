import { z } from 'zod';
import { LabelSelector, Namespace, Runs, TargetSchema } from '../../config/fields.js';

/** `services.kafka` in perfbot.yaml. */
export const KafkaSchema = z.strictObject({
  namespace: Namespace.default('kafka'),
  selector: LabelSelector.default('app.kubernetes.io/name=kafka'),
  container: z.string().default('kafka'),
  /** Directory of the Kafka scripts inside the broker image. */
  binDir: z
    .string()
    .regex(/^\/[A-Za-z0-9._/-]*$/, 'an absolute path')
    .default('/opt/kafka/bin'),
  bootstrapServer: z
    .string()
    .regex(/^[A-Za-z0-9.-]+:\d+(,[A-Za-z0-9.-]+:\d+)*$/)
    .default('localhost:9092'),
  /** Kafka < 2.5 only knows `--broker-list` for the consumer tool. */
  consumerBrokerFlag: z.enum(['--bootstrap-server', '--broker-list']).default('--bootstrap-server'),
  topic: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,249}$/)
    .default('perfbot-perf-test'),
  partitions: z.number().int().min(1).max(1000).default(6),
  replicationFactor: z.number().int().min(1).max(10).default(3),
  runs: Runs.default(3),
  records: z.number().int().min(1000).max(50_000_000).default(1_000_000),
  recordSize: z.number().int().min(1).max(1_048_576).default(1024),
  throughput: z.number().int().min(-1).max(10_000_000).default(-1),
  acks: z.enum(['0', '1', 'all']).default('all'),
  /**
   * Load cap (DESIGN, "Benchmark hygiene"): records × record size of one run may not exceed this,
   * whatever `--records`/`--record-size` ask. 8 GiB by default (the default run writes 1 GiB).
   */
  maxBytesPerRun: z
    .number()
    .int()
    .min(1024)
    .default(8 * 1024 ** 3),
  timeoutSeconds: z.number().int().min(10).max(3600).default(600),
  /**
   * Run each Kafka tool under coreutils `timeout` in the pod, so that it stops a little before
   * `timeoutSeconds` even when perfbot is gone (closing an exec stream does not kill the process).
   * Needs `timeout` in the broker image (the Apache and Bitnami images have it); set false otherwise.
   */
  inPodTimeout: z.boolean().default(true),
  targets: z.array(TargetSchema).default([{ metric: 'producer.records_per_sec', op: '>=', value: 100_000 }]),
});
