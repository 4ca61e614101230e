import { z } from 'zod';

/**
 * perfbot.yaml's `tuning` section: how long approvals live, how rollouts are watched, and for each
 * component the only objects `/perf tune` may touch (namespace, workload, container, ConfigMap key,
 * env var names) with each knob set's recommended values. Every default describes the runbook's
 * platform (as `sim/kube/seed-workloads.ts` seeds it); a knob set builds its object references from
 * here and nowhere else, and `touchableObjects` lists them (for the RBAC check and the plan guard).
 *
 * @example tuning: { dolphinscheduler: { namespace: dolphinscheduler, workload: { kind: Deployment, name: dolphinscheduler-api } } }
 */

/** A DNS-1123 name, as Kubernetes names namespaces and objects. */
const K8sName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, 'a Kubernetes name (lower case, digits, -, .)');
/** An environment variable's name, as a container's `env` takes it. */
const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');
/** A ConfigMap data key (a file name in the mounted directory). */
const ConfigKey = z.string().regex(/^[-._a-zA-Z0-9]+$/, 'a ConfigMap key');

const WorkloadRef = z.strictObject({
  kind: z.enum(['Deployment', 'StatefulSet']),
  name: K8sName,
  /** The container the knob set changes (its env, its JVM). */
  container: K8sName,
});
export type TuningWorkload = z.infer<typeof WorkloadRef>;

/** The runbook's recommended DolphinScheduler line, corrected for JDK 17 (docs/TUNING.md). */
const DS_JAVA_OPTS =
  '-Xms1g -Xmx1g -XX:+UseG1GC -XX:MaxGCPauseMillis=200 -XX:+UnlockExperimentalVMOptions ' +
  '-XX:G1NewSizePercent=30 -XX:G1MaxNewSizePercent=40 -Xlog:gc*:file=/opt/dolphinscheduler/logs/gc.log';

const DolphinSchedulerTuning = z.strictObject({
  namespace: K8sName.default('dolphinscheduler'),
  workload: WorkloadRef.default({
    kind: 'Deployment',
    name: 'dolphinscheduler-api',
    container: 'dolphinscheduler-api',
  }),
  jvm: z
    .strictObject({
      /** The env var that carries the API server's JVM options. */
      env: EnvName.default('JAVA_OPTS'),
      /** The whole line proposed by `/perf tune dolphinscheduler jvm` without values. */
      recommended: z.string().min(1).default(DS_JAVA_OPTS),
    })
    .prefault({}),
  pool: z
    .strictObject({
      /** Hikari's settings as Spring Boot reads them from the environment. */
      env: z
        .strictObject({
          maximum_pool_size: EnvName.default('SPRING_DATASOURCE_HIKARI_MAXIMUM_POOL_SIZE'),
          minimum_idle: EnvName.default('SPRING_DATASOURCE_HIKARI_MINIMUM_IDLE'),
          connection_timeout: EnvName.default('SPRING_DATASOURCE_HIKARI_CONNECTION_TIMEOUT'),
          idle_timeout: EnvName.default('SPRING_DATASOURCE_HIKARI_IDLE_TIMEOUT'),
          max_lifetime: EnvName.default('SPRING_DATASOURCE_HIKARI_MAX_LIFETIME'),
        })
        .prefault({}),
      recommended: z
        .record(z.string(), z.string())
        .default({ maximum_pool_size: '50', minimum_idle: '10', connection_timeout: '30000' }),
      /**
       * The database the pool connects to, whose `max_connections` the pools of all replicas are
       * checked against: the platform's PostgreSQL (`services.postgres`), or `none` (not checked, and
       * the card says so).
       */
      database: z.enum(['postgres', 'none']).default('postgres'),
    })
    .prefault({}),
});

const TRINO_JVM_RECOMMENDED = [
  '-server',
  '-Xmx6G',
  '-XX:InitialRAMPercentage=80',
  '-XX:MaxRAMPercentage=80',
  '-XX:G1HeapRegionSize=32M',
  '-XX:+ExplicitGCInvokesConcurrent',
  '-XX:+ExitOnOutOfMemoryError',
  '-XX:+HeapDumpOnOutOfMemoryError',
  '-XX:-OmitStackTraceInFastThrow',
  '-XX:ReservedCodeCacheSize=512M',
  '-XX:PerMethodRecompilationCutoff=10000',
  '-XX:PerBytecodeRecompilationCutoff=10000',
  '-Djdk.attach.allowAttachSelf=true',
  '-Djdk.nio.maxCachedBufferSize=2000000',
  '-Dfile.encoding=UTF-8',
  '-XX:+EnableDynamicAgentLoading',
].join('\n');

const TrinoTuning = z.strictObject({
  namespace: K8sName.default('data-platform'),
  /** The ConfigMap mounted at /etc/trino in the coordinator and the workers. */
  configMap: K8sName.default('trino'),
  /** Where it is mounted, for the verification's `cat`. */
  mountPath: z
    .string()
    .regex(/^\/[-_./a-zA-Z0-9]+$/)
    .default('/etc/trino'),
  jvmKey: ConfigKey.default('jvm.config'),
  configKey: ConfigKey.default('config.properties'),
  /** Restarted in this order after a change of the ConfigMap: the workers first, the coordinator last. */
  workers: WorkloadRef.default({ kind: 'Deployment', name: 'trino-worker', container: 'trino-worker' }),
  coordinator: WorkloadRef.default({
    kind: 'Deployment',
    name: 'trino-coordinator',
    container: 'trino-coordinator',
  }),
  jvm: z.strictObject({ recommended: z.string().min(1).default(TRINO_JVM_RECOMMENDED) }).prefault({}),
  limits: z
    .strictObject({
      recommended: z.record(z.string(), z.string()).default({ 'query.max-memory-per-node': '2GB' }),
    })
    .prefault({}),
});

const PostgresTuning = z.strictObject({
  namespace: K8sName.default('kong'),
  workload: WorkloadRef.default({ kind: 'StatefulSet', name: 'postgresql', container: 'postgresql' }),
  pool: z
    .strictObject({
      recommended: z
        .record(z.string(), z.string())
        .default({ max_connections: '200', shared_buffers: '512MB', effective_cache_size: '1536MB' }),
    })
    .prefault({}),
});

const RedisTuning = z.strictObject({
  namespace: K8sName.default('redis'),
  workload: WorkloadRef.default({ kind: 'StatefulSet', name: 'redis-master', container: 'redis' }),
  configMap: K8sName.default('redis-configuration'),
  configKey: ConfigKey.default('redis.conf'),
  cache: z
    .strictObject({
      recommended: z.record(z.string(), z.string()).default({ maxmemory: '512mb', policy: 'allkeys-lru' }),
    })
    .prefault({}),
});

const SupersetTuning = z.strictObject({
  namespace: K8sName.default('superset'),
  workload: WorkloadRef.default({ kind: 'Deployment', name: 'superset', container: 'superset' }),
  cache: z
    .strictObject({
      hostEnv: EnvName.default('REDIS_HOST'),
      portEnv: EnvName.default('REDIS_PORT'),
      recommended: z
        .record(z.string(), z.string())
        .default({ redis: 'redis-master.redis.svc.cluster.local:6379' }),
    })
    .prefault({}),
});

export const TuningSchema = z.strictObject({
  /** A proposal card's buttons expire after this long: a late click asks for a fresh proposal. */
  approvalTtlMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(60),
  /** One workload's rollout counts as failed after this long (and the snapshot is restored). */
  rolloutTimeoutSeconds: z.number().int().min(10).max(7200).default(600),
  /** How often a rollout's status is read. */
  rolloutPollMs: z.number().int().min(50).max(60_000).default(1000),
  /**
   * Where a JVM preflight's own `java -version` writes a GC log the line names (`-Xlog:…:file=`,
   * `-Xloggc:`), instead of the server's file: a JVM opening an existing log rotates it.
   */
  jvmPreflightLogFile: z
    .string()
    .regex(/^\/[-_./a-zA-Z0-9]+$/, 'an absolute path')
    .default('/tmp/perfbot-preflight-gc.log'),
  dolphinscheduler: DolphinSchedulerTuning.prefault({}),
  trino: TrinoTuning.prefault({}),
  postgres: PostgresTuning.prefault({}),
  redis: RedisTuning.prefault({}),
  superset: SupersetTuning.prefault({}),
});
export type TuningConfig = z.infer<typeof TuningSchema>;

/** An object `/perf tune` may touch: the ones named in `tuning`, and no other. */
export interface TouchableObject {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

const workloadRef = (namespace: string, w: TuningWorkload): TouchableObject => ({
  apiVersion: 'apps/v1',
  kind: w.kind,
  namespace,
  name: w.name,
});
const configMapRef = (namespace: string, name: string): TouchableObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  namespace,
  name,
});

/** Every object the `tuning` section names (what RBAC must grant, and all a plan may write). */
export function touchableObjects(t: TuningConfig): TouchableObject[] {
  return [
    workloadRef(t.dolphinscheduler.namespace, t.dolphinscheduler.workload),
    configMapRef(t.trino.namespace, t.trino.configMap),
    workloadRef(t.trino.namespace, t.trino.workers),
    workloadRef(t.trino.namespace, t.trino.coordinator),
    workloadRef(t.postgres.namespace, t.postgres.workload),
    workloadRef(t.redis.namespace, t.redis.workload),
    configMapRef(t.redis.namespace, t.redis.configMap),
    workloadRef(t.superset.namespace, t.superset.workload),
  ];
}
