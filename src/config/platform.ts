import { z } from 'zod';

/**
 * perfbot.yaml: the platform model (DESIGN.md, "The platform model"). Every field has a default that
 * describes the runbook's platform, so an empty file (or none) is valid. Pods are always found by
 * namespace + label selector, never by a hard-coded name.
 */

const Namespace = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a Kubernetes namespace name');
/** Equality-based selector (`k=v,k2=v2`), as accepted by the API's `labelSelector`. */
const LabelSelector = z
  .string()
  .regex(/^[A-Za-z0-9./_-]+(!?=)[A-Za-z0-9._-]*(,[A-Za-z0-9./_-]+(!?=)[A-Za-z0-9._-]*)*$/, 'k=v[,k=v…]');

/** A target from the runbook: `metric op value`, checked against the median of the runs. */
export const TargetSchema = z.strictObject({
  metric: z.string().min(1),
  op: z.enum(['>=', '<=']),
  value: z.number(),
});
export type Target = z.infer<typeof TargetSchema>;

const Runs = z.number().int().min(1).max(10);

const KafkaSchema = z.strictObject({
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

const TrinoSchema = z.strictObject({
  namespace: Namespace.default('data-platform'),
  /**
   * The coordinator's Service, reached the way the kubeconfig reaches the cluster: through the API
   * server's service proxy (so `perfbot baseline trino` works from a laptop, where cluster DNS does not).
   */
  service: z
    .strictObject({ name: z.string().min(1), port: z.number().int().min(1).max(65_535) })
    .default({ name: 'trino', port: 8080 }),
  /** An explicit coordinator URL instead (e.g. `http://trino.data-platform.svc.cluster.local:8080` in-cluster). */
  url: z.url().optional(),
  user: z.string().min(1).default('perfbot'),
  catalog: z.string().min(1).default('memory'),
  schema: z.string().min(1).default('perfbot'),
  source: z.string().min(1).default('perfbot'),
  /** Rows in the generated test table. */
  tableRows: z.number().int().min(1000).max(100_000_000).default(1_000_000),
  runs: Runs.default(3),
  timeoutSeconds: z.number().int().min(10).max(3600).default(300),
  targets: z.array(TargetSchema).default([{ metric: 'join.elapsed_ms', op: '<=', value: 2000 }]),
});

const RaySchema = z.strictObject({
  namespace: Namespace.default('ml-platform'),
  selector: LabelSelector.default('ray.io/node-type=head'),
  container: z.string().default('ray-head'),
  python: z
    .string()
    .regex(/^[A-Za-z0-9._/-]+$/)
    .default('python'),
  tinyTasks: z.number().int().min(100).max(1_000_000).default(10_000),
  cpuTasks: z.number().int().min(1).max(10_000).default(200),
  ioTasks: z.number().int().min(1).max(10_000).default(200),
  runs: Runs.default(3),
  timeoutSeconds: z.number().int().min(10).max(3600).default(600),
  /**
   * Run the benchmark under coreutils `timeout` in the head pod, so that its tasks stop a little before
   * `timeoutSeconds` even when perfbot is gone. Needs `timeout` in the image (the rayproject/ray
   * images have it); set false otherwise.
   */
  inPodTimeout: z.boolean().default(true),
  targets: z.array(TargetSchema).default([{ metric: 'tiny_tasks_per_sec', op: '>=', value: 1000 }]),
});

const PostgresSchema = z.strictObject({
  namespace: Namespace.default('kong'),
  selector: LabelSelector.default('app.kubernetes.io/name=postgresql'),
  container: z.string().default('postgresql'),
  /** `exec`: run psql in the database pod; `direct`: connect with the `pg` client. */
  mode: z.enum(['exec', 'direct']).default('exec'),
  database: z.string().min(1).default('kong'),
  user: z.string().min(1).default('kong'),
  host: z.string().min(1).default('postgresql.kong.svc.cluster.local'),
  port: z.number().int().min(1).max(65535).default(5432),
  /** Secret holding the password for direct mode (PERFBOT_POSTGRES_URL overrides it). */
  passwordSecret: z.strictObject({ name: z.string().min(1), key: z.string().min(1) }).optional(),
  probeQueries: z.number().int().min(10).max(100_000).default(200),
  intervalSeconds: z.number().min(1).max(300).default(5),
  runs: Runs.default(3),
  timeoutSeconds: z.number().int().min(10).max(3600).default(300),
  targets: z.array(TargetSchema).default([{ metric: 'query.p95_ms', op: '<=', value: 10 }]),
});

const VolumeSchema = z.strictObject({
  name: z.string().min(1),
  namespace: Namespace,
  selector: LabelSelector,
  container: z.string().min(1),
  path: z.string().regex(/^\/[A-Za-z0-9._/-]*$/, 'an absolute path'),
});

const ResourcesSchema = z.strictObject({
  /** Namespaces whose pods are ranked by how close they run to their limits. */
  namespaces: z
    .array(Namespace)
    .default([
      'kafka',
      'data-platform',
      'ml-platform',
      'kong',
      'redis',
      'minio',
      'dolphinscheduler',
      'superset',
    ]),
  /** Data volumes whose usage is read with `df` inside a pod. */
  volumes: z.array(VolumeSchema).default([
    {
      name: 'minio-data',
      namespace: 'minio',
      selector: 'app.kubernetes.io/name=minio',
      container: 'minio',
      path: '/data',
    },
  ]),
  top: z.number().int().min(1).max(50).default(5),
  runs: Runs.default(3),
  /** Between snapshots: metrics-server refreshes about every 15 s, so closer samples repeat themselves. */
  intervalSeconds: z.number().min(0).max(300).default(15),
  targets: z.array(TargetSchema).default([{ metric: 'max_node_cpu_pct', op: '<=', value: 80 }]),
});

/** Who may run what: Slack user ids (U…/W…), user group ids (S…), or `*` for everyone. */
const Principal = z.string().regex(/^(\*|[UWS][A-Z0-9]{2,})$/, 'a Slack user id (U…/W…), group id (S…) or *');
const AccessSchema = z.strictObject({
  commands: z
    .strictObject({
      baseline: z.array(Principal).default(['*']),
      bottlenecks: z.array(Principal).default(['*']),
      validate: z.array(Principal).default(['*']),
      report: z.array(Principal).default(['*']),
      history: z.array(Principal).default(['*']),
      status: z.array(Principal).default(['*']),
      cancel: z.array(Principal).default(['*']),
      tune: z.array(Principal).default([]),
      rollback: z.array(Principal).default([]),
      help: z.array(Principal).default(['*']),
    })
    .prefault({}),
  approvers: z.array(Principal).default([]),
  /** Who may cancel a job someone else asked for (anyone may cancel their own). */
  cancelAnyJob: z.array(Principal).default([]),
});

export const PlatformConfigSchema = z.strictObject({
  services: z
    .strictObject({
      kafka: KafkaSchema.prefault({}),
      trino: TrinoSchema.prefault({}),
      ray: RaySchema.prefault({}),
      postgres: PostgresSchema.prefault({}),
      resources: ResourcesSchema.prefault({}),
    })
    .prefault({}),
  access: AccessSchema.prefault({}),
  slack: z
    .strictObject({
      mode: z.enum(['auto', 'http', 'socket']).default('auto'),
      /** Slack allows about one message per second per channel: progress edits are paced to this. */
      progressIntervalMs: z.number().int().min(250).max(60_000).default(1000),
    })
    .prefault({}),
  jobs: z
    .strictObject({
      /** Jobs one worker runs at once: probes mostly wait on the cluster, and `baseline all` runs its groups side by side. */
      concurrency: z.number().int().min(1).max(64).default(5),
      attempts: z.number().int().min(1).max(10).default(3),
      backoffMs: z.number().int().min(100).max(600_000).default(5000),
      /** A worker that dies holds its job this long before another takes it (BullMQ lock). */
      lockDurationMs: z.number().int().min(1000).max(600_000).default(30_000),
      stalledIntervalMs: z.number().int().min(500).max(600_000).default(30_000),
      /** On SIGTERM, jobs in hand may finish for this long; then they go back to the queue (keep it under the pod's grace period). */
      shutdownGraceMs: z.number().int().min(0).max(3_600_000).default(25_000),
      keepCompleted: z.number().int().min(0).max(100_000).default(1000),
      keepFailed: z.number().int().min(0).max(100_000).default(1000),
      /** `baseline all`: services in one group run one after another; groups run in parallel. */
      groups: z
        .array(z.array(z.enum(['kafka', 'trino', 'ray', 'postgres', 'resources'])).min(1))
        // A service listed twice would run twice; one not listed is left out of `baseline all`.
        .refine(
          (groups) => new Set(groups.flat()).size === groups.flat().length,
          'a service appears in two groups',
        )
        .default([['kafka'], ['trino'], ['ray'], ['postgres'], ['resources']]),
    })
    .prefault({}),
  store: z
    .strictObject({
      /** Results kept per service; older ones are trimmed. */
      keepResults: z.number().int().min(1).max(10_000).default(200),
    })
    .prefault({}),
  charts: z
    .strictObject({
      /** `png`: rendered in-process and uploaded (default); `quickchart`: a link to a QuickChart server. */
      mode: z.enum(['png', 'quickchart']).default('png'),
      /** A self-hosted QuickChart server (host[:port]); required with `mode: quickchart`, never the public one by default. */
      quickchartHost: z.string().min(1).optional(),
      quickchartScheme: z.enum(['http', 'https']).default('https'),
      width: z.number().int().min(200).max(2000).default(800),
      height: z.number().int().min(150).max(1500).default(400),
    })
    .refine((c) => c.mode !== 'quickchart' || c.quickchartHost !== undefined, {
      message: 'charts.mode quickchart needs charts.quickchartHost (a self-hosted QuickChart server)',
      path: ['quickchartHost'],
    })
    .prefault({}),
});
export type PlatformConfig = z.infer<typeof PlatformConfigSchema>;
export type ServiceName = keyof PlatformConfig['services'];
