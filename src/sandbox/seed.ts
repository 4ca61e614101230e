import type { KubeObject } from '../kube/port.js';

/**
 * The simulated platform of the runbook (DESIGN.md, "The platform model"): four nodes and the eight namespaces,
 * with the workloads, ConfigMaps and Secret the knobs touch. The second half of the file is the simulated
 * controller: the pods a workload's template gives, and the status of its rollout.
 */
export interface UsageProfile {
  cpu: number;
  memory: number;
}

/** A data volume mounted in the pods that match `selector`, as `df` reports it. */
export interface SandboxVolume {
  namespace: string;
  selector: Record<string, string>;
  mountPath: string;
  /** The filesystem column of `df`, e.g. `/dev/rbd0`. */
  device: string;
  sizeBytes: number;
  usedBytes: number;
}

/** What seeding needs of the store (the store's own type would make the two modules import each other). */
export interface SeedTarget {
  put(obj: KubeObject): KubeObject;
  setUsageProfile(namespace: string, container: string, profile: UsageProfile): void;
  readonly volumes: SandboxVolume[];
}

const GI = 1024 ** 3;
const NODES = ['k8s-worker-1', 'k8s-worker-2', 'k8s-worker-3', 'k8s-worker-4'];
const NAMESPACES = [
  'kafka',
  'data-platform',
  'ml-platform',
  'kong',
  'redis',
  'minio',
  'dolphinscheduler',
  'superset',
];

interface Resources {
  cpu: string;
  memory: string;
}
interface ContainerDef {
  name: string;
  image: string;
  env?: Record<string, string>;
  requests?: Resources;
  limits?: Resources;
  mounts?: Record<string, string>;
  port?: number;
}

function container(def: ContainerDef): Record<string, unknown> {
  const resources: Record<string, Resources> = {};
  if (def.requests) resources.requests = def.requests;
  if (def.limits) resources.limits = def.limits;
  return {
    name: def.name,
    image: def.image,
    ...(def.port ? { ports: [{ name: 'http', containerPort: def.port, protocol: 'TCP' }] } : {}),
    env: Object.entries(def.env ?? {}).map(([name, value]) => ({ name, value })),
    resources,
    volumeMounts: Object.entries(def.mounts ?? {}).map(([name, mountPath]) => ({ name, mountPath })),
  };
}

function workload(
  kind: 'Deployment' | 'StatefulSet',
  meta: { namespace: string; name: string; replicas: number; labels: Record<string, string> },
  containers: ContainerDef[],
  volumes: Record<string, unknown>[] = [],
): KubeObject {
  return {
    kind,
    metadata: { name: meta.name, namespace: meta.namespace, labels: meta.labels },
    spec: {
      replicas: meta.replicas,
      selector: { matchLabels: meta.labels },
      ...(kind === 'StatefulSet'
        ? { serviceName: meta.name, updateStrategy: { type: 'RollingUpdate' } }
        : {}),
      template: {
        metadata: { labels: meta.labels },
        spec: { containers: containers.map(container), volumes, restartPolicy: 'Always' },
      },
    },
  };
}

const configMap = (namespace: string, name: string, data: Record<string, string>): KubeObject => ({
  kind: 'ConfigMap',
  metadata: { name, namespace },
  data,
});
const pvc = (name: string) => ({ name, persistentVolumeClaim: { claimName: name } });
const fromConfigMap = (name: string) => ({ name: 'config', configMap: { name } });

const TRINO_JVM = [
  '-server',
  '-Xmx4G',
  '-XX:InitialRAMPercentage=80',
  '-XX:+UseG1GC',
  '-XX:G1HeapRegionSize=32M',
  '-XX:+ExplicitGCInvokesConcurrent',
  '-XX:+ExitOnOutOfMemoryError',
  '-XX:+HeapDumpOnOutOfMemoryError',
  '-XX:ReservedCodeCacheSize=512M',
  '-Djdk.attach.allowAttachSelf=true',
].join('\n');
const TRINO_CONFIG = [
  'coordinator=true',
  'node-scheduler.include-coordinator=false',
  'http-server.http.port=8080',
  'query.max-memory=4GB',
  'query.max-memory-per-node=1GB',
  'discovery.uri=http://trino:8080',
].join('\n');
const POSTGRES_CONF = [
  "listen_addresses = '*'",
  'max_connections = 100',
  'shared_buffers = 128MB',
  'effective_cache_size = 4GB',
  'work_mem = 4MB',
  'maintenance_work_mem = 64MB',
].join('\n');

function node(name: string, index: number): KubeObject {
  const resources = { cpu: '16', memory: '65842516Ki', pods: '110' };
  return {
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux' } },
    spec: {},
    status: {
      capacity: resources,
      allocatable: { cpu: '15890m', memory: '64691540Ki', pods: '110' },
      conditions: [
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
      ],
      addresses: [
        { type: 'InternalIP', address: `10.0.0.${11 + index}` },
        { type: 'Hostname', address: name },
      ],
      nodeInfo: {
        kubeletVersion: 'v1.30.4',
        osImage: 'Ubuntu 22.04.4 LTS',
        containerRuntimeVersion: 'containerd://1.7.19',
      },
    },
  };
}

const sel = (name: string, extra: Record<string, string> = {}) => ({
  'app.kubernetes.io/name': name,
  ...extra,
});

function workloads(): KubeObject[] {
  const trino = (component: 'coordinator' | 'worker', replicas: number) =>
    workload(
      'Deployment',
      {
        namespace: 'data-platform',
        name: `trino-${component}`,
        replicas,
        labels: sel('trino', {
          'app.kubernetes.io/instance': 'trino',
          'app.kubernetes.io/component': component,
        }),
      },
      [
        {
          name: `trino-${component}`,
          image: 'trinodb/trino:450',
          port: 8080,
          requests: { cpu: '2', memory: '8Gi' },
          limits: { cpu: '4', memory: '8Gi' },
          mounts: { config: '/etc/trino' },
        },
      ],
      [fromConfigMap('trino')],
    );
  const ray = (type: 'head' | 'worker', replicas: number) =>
    workload(
      'Deployment',
      {
        namespace: 'ml-platform',
        name: `ray-${type}`,
        replicas,
        labels: { 'ray.io/cluster': 'raycluster', 'ray.io/node-type': type },
      },
      [
        {
          name: `ray-${type}`,
          image: 'rayproject/ray:2.9.0',
          requests: { cpu: '2', memory: '4Gi' },
          limits: { cpu: '4', memory: '8Gi' },
        },
      ],
    );
  return [
    workload(
      'StatefulSet',
      {
        namespace: 'kafka',
        name: 'kafka',
        replicas: 3,
        labels: sel('kafka', { 'app.kubernetes.io/component': 'broker' }),
      },
      [
        {
          name: 'kafka',
          image: 'apache/kafka:3.7.0',
          port: 9092,
          env: { KAFKA_HEAP_OPTS: '-Xmx1G -Xms1G' },
          requests: { cpu: '1', memory: '2Gi' },
          limits: { cpu: '2', memory: '4Gi' },
          mounts: { data: '/var/lib/kafka/data' },
        },
      ],
      [pvc('data')],
    ),
    trino('coordinator', 1),
    trino('worker', 2),
    ray('head', 1),
    ray('worker', 2),
    workload(
      'StatefulSet',
      {
        namespace: 'kong',
        name: 'postgresql',
        replicas: 1,
        labels: sel('postgresql', { 'app.kubernetes.io/component': 'primary' }),
      },
      [
        {
          name: 'postgresql',
          image: 'bitnami/postgresql:16.3.0',
          port: 5432,
          env: { POSTGRES_USER: 'kong', POSTGRES_DATABASE: 'kong' },
          requests: { cpu: '500m', memory: '1Gi' },
          limits: { cpu: '2', memory: '2Gi' },
          mounts: { data: '/bitnami/postgresql', config: '/bitnami/postgresql/conf' },
        },
      ],
      [pvc('data'), fromConfigMap('postgresql-configuration')],
    ),
    workload(
      'StatefulSet',
      {
        namespace: 'redis',
        name: 'redis-master',
        replicas: 1,
        labels: sel('redis', { 'app.kubernetes.io/component': 'master' }),
      },
      [
        {
          name: 'redis',
          image: 'bitnami/redis:7.2.5',
          port: 6379,
          requests: { cpu: '250m', memory: '512Mi' },
          limits: { cpu: '1', memory: '1Gi' },
          mounts: { config: '/opt/bitnami/redis/mounted-etc' },
        },
      ],
      [fromConfigMap('redis-configuration')],
    ),
    workload(
      'StatefulSet',
      { namespace: 'minio', name: 'minio', replicas: 1, labels: sel('minio') },
      [
        {
          name: 'minio',
          image: 'minio/minio:RELEASE.2024-06-13T22-53-53Z',
          port: 9000,
          requests: { cpu: '500m', memory: '2Gi' },
          mounts: { export: '/data' },
        },
      ],
      [pvc('export')],
    ),
    workload(
      'Deployment',
      {
        namespace: 'dolphinscheduler',
        name: 'dolphinscheduler-api',
        replicas: 1,
        labels: sel('dolphinscheduler-api', {
          'app.kubernetes.io/instance': 'dolphinscheduler',
          'app.kubernetes.io/component': 'api',
        }),
      },
      [
        {
          name: 'dolphinscheduler-api',
          image: 'apache/dolphinscheduler-api:3.2.1',
          port: 12345,
          env: {
            JAVA_OPTS: '-Xms1g -Xmx1g -Xmn512m',
            SPRING_DATASOURCE_HIKARI_MAXIMUM_POOL_SIZE: '50',
            SPRING_DATASOURCE_HIKARI_MINIMUM_IDLE: '5',
            SPRING_DATASOURCE_HIKARI_CONNECTION_TIMEOUT: '30000',
          },
          requests: { cpu: '500m', memory: '1Gi' },
          limits: { cpu: '2', memory: '2Gi' },
        },
      ],
    ),
    workload(
      'Deployment',
      { namespace: 'superset', name: 'superset', replicas: 1, labels: sel('superset') },
      [
        {
          name: 'superset',
          image: 'apache/superset:4.0.2',
          port: 8088,
          env: { REDIS_HOST: 'redis-master.redis.svc.cluster.local', REDIS_PORT: '6379' },
          requests: { cpu: '500m', memory: '1Gi' },
        },
      ],
    ),
  ];
}

/** Loads the runbook's platform into an empty store: nodes, namespaces, config, workloads and their pods. */
export function seedPlatform(store: SeedTarget): void {
  for (const [i, name] of NODES.entries()) store.put(node(name, i));
  for (const name of NAMESPACES)
    store.put({
      kind: 'Namespace',
      metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
      spec: {},
      status: { phase: 'Active' },
    });
  store.put(
    configMap('data-platform', 'trino', { 'jvm.config': TRINO_JVM, 'config.properties': TRINO_CONFIG }),
  );
  store.put(configMap('kong', 'postgresql-configuration', { 'postgresql.conf': POSTGRES_CONF }));
  store.put(
    configMap('redis', 'redis-configuration', {
      'redis.conf': 'maxmemory 512mb\nmaxmemory-policy noeviction\n',
    }),
  );
  store.put({
    kind: 'Secret',
    metadata: { name: 'postgresql', namespace: 'kong' },
    type: 'Opaque',
    data: { password: b64('sandbox-kong-pw'), 'postgres-password': b64('sandbox-admin-pw') },
  });
  for (const obj of workloads()) store.put(obj);
  const profiles: [string, string, number, number][] = [
    ['kafka', 'kafka', 0.45, 0.7],
    ['data-platform', 'trino-coordinator', 0.3, 0.6],
    ['data-platform', 'trino-worker', 0.62, 0.93],
    ['ml-platform', 'ray-head', 0.35, 0.5],
    ['kong', 'postgresql', 0.25, 0.6],
    ['dolphinscheduler', 'dolphinscheduler-api', 0.4, 0.91],
    ['redis', 'redis', 0.1, 0.4],
  ];
  for (const [ns, name, cpu, memory] of profiles) store.setUsageProfile(ns, name, { cpu, memory });
  store.volumes.push(
    {
      namespace: 'minio',
      selector: sel('minio'),
      mountPath: '/data',
      device: '/dev/rbd0',
      sizeBytes: 500 * GI,
      usedBytes: 355 * GI,
    },
    {
      namespace: 'kafka',
      selector: sel('kafka'),
      mountPath: '/var/lib/kafka/data',
      device: '/dev/rbd1',
      sizeBytes: 100 * GI,
      usedBytes: 38 * GI,
    },
    {
      namespace: 'kong',
      selector: sel('postgresql'),
      mountPath: '/bitnami/postgresql',
      device: '/dev/rbd2',
      sizeBytes: 20 * GI,
      usedBytes: 3 * GI,
    },
  );
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

// ---- The simulated controller: pods from a workload's template, and its rollout status. ----

type Obj = Record<string, unknown>;
const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

/** The pod template of a Deployment or StatefulSet. */
export const templateOf = (workload: KubeObject): Obj | undefined =>
  (workload.spec as { template?: Obj } | undefined)?.template;

/** FNV-1a of the template, in the alphabet Kubernetes uses for generated names (pod-template-hash). */
export function templateHash(template: unknown): string {
  let hash = 0x811c9dc5;
  for (const char of JSON.stringify(template ?? {})) {
    hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  }
  let out = '';
  for (let i = 0; i < 10; i += 1) {
    out += SAFE[hash % SAFE.length];
    hash = Math.floor(hash / SAFE.length) || Math.imul(hash + i + 1, 0x9e3779b1) >>> 0;
  }
  return out;
}

/** True when the controller of `kind`/`name` owns the pod (a Deployment's pods belong to its ReplicaSet). */
export function ownedBy(pod: KubeObject, kind: string, name: string): boolean {
  const refs = (pod.metadata.ownerReferences ?? []) as { kind?: string; name?: string }[];
  return refs.some((ref) =>
    kind === 'StatefulSet'
      ? ref.kind === 'StatefulSet' && ref.name === name
      : ref.kind === 'ReplicaSet' && ref.name?.slice(0, ref.name.lastIndexOf('-')) === name,
  );
}

export interface PodContext {
  uid: () => string;
  timestamp: string;
  random: () => number;
  /** The pod now stored under a name, so that a StatefulSet's pod keeps its node. */
  existing: (name: string) => KubeObject | undefined;
}

/** The pods a workload runs once its rollout is complete: one per replica, from the current template. */
export function buildPods(
  kind: string,
  workload: KubeObject,
  nodes: string[],
  ctx: PodContext,
): KubeObject[] {
  const template = templateOf(workload) ?? {};
  const spec = workload.spec as { replicas?: number };
  const hash = templateHash(template);
  const { name } = workload.metadata;
  const namespace = workload.metadata.namespace ?? 'default';
  const owner =
    kind === 'StatefulSet'
      ? { apiVersion: 'apps/v1', kind: 'StatefulSet', name, controller: true }
      : { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${name}-${hash}`, controller: true };
  const labels = ((template.metadata as Obj | undefined)?.labels ?? {}) as Record<string, string>;
  return Array.from({ length: spec.replicas ?? 1 }, (_, i) => {
    const podName = kind === 'StatefulSet' ? `${name}-${i}` : `${name}-${hash}-${suffix(ctx.random)}`;
    const extra =
      kind === 'StatefulSet'
        ? { 'controller-revision-hash': `${name}-${hash}`, 'statefulset.kubernetes.io/pod-name': podName }
        : { 'pod-template-hash': hash };
    const previous = ctx.existing(podName)?.spec as { nodeName?: string } | undefined;
    const nodeName = previous?.nodeName ?? nodes[hashIndex(podName, nodes.length)] ?? 'k8s-worker-1';
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: podName,
        namespace,
        labels: { ...labels, ...extra },
        ownerReferences: [owner],
        uid: ctx.uid(),
        creationTimestamp: ctx.timestamp,
      },
      spec: { ...structuredClone((template.spec ?? {}) as Obj), nodeName },
      status: runningStatus(template, ctx.timestamp, hashIndex(podName, 250) + 2),
    };
  });
}

function runningStatus(template: Obj, timestamp: string, ip: number): Obj {
  const containers = ((template.spec as Obj | undefined)?.containers ?? []) as {
    name: string;
    image: string;
  }[];
  const conditions = ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({
    type,
    status: 'True',
    lastTransitionTime: timestamp,
  }));
  return {
    phase: 'Running',
    conditions,
    podIP: `10.244.1.${ip}`,
    startTime: timestamp,
    containerStatuses: containers.map((c) => ({
      name: c.name,
      image: c.image,
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: timestamp } },
    })),
  };
}

/** A workload's `status` in each phase of a rollout (formats.md, "Rollouts"). */
export function rolloutStatus(
  workload: KubeObject,
  phase: 'progressing' | 'complete' | 'failed',
  timestamp: string,
): Obj {
  const replicas = (workload.spec as { replicas?: number }).replicas ?? 1;
  const generation = workload.metadata.generation ?? 1;
  const done = phase === 'complete';
  const hash = templateHash(templateOf(workload));
  const previous = (workload.status ?? {}) as Obj;
  const base = {
    observedGeneration: generation,
    replicas,
    updatedReplicas: done ? replicas : phase === 'failed' ? 1 : 0,
    readyReplicas: done ? replicas : Math.max(replicas - 1, 0),
  };
  if (workload.kind === 'StatefulSet') {
    const update = `${workload.metadata.name}-${hash}`;
    return {
      ...base,
      currentReplicas: done ? replicas : replicas - base.updatedReplicas,
      availableReplicas: base.readyReplicas,
      currentRevision: done ? update : (previous.currentRevision ?? update),
      updateRevision: update,
    };
  }
  const progressing =
    phase === 'failed'
      ? {
          status: 'False',
          reason: 'ProgressDeadlineExceeded',
          message: `ReplicaSet "${workload.metadata.name}-${hash}" has timed out progressing.`,
        }
      : {
          status: 'True',
          reason: done ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated',
          message: `ReplicaSet "${workload.metadata.name}-${hash}" ${done ? 'has successfully progressed' : 'is progressing'}.`,
        };
  return {
    ...base,
    availableReplicas: base.readyReplicas,
    ...(done ? {} : { unavailableReplicas: replicas - base.readyReplicas }),
    conditions: [
      {
        type: 'Available',
        status: 'True',
        reason: 'MinimumReplicasAvailable',
        message: 'Deployment has minimum availability.',
        lastUpdateTime: timestamp,
        lastTransitionTime: timestamp,
      },
      { type: 'Progressing', ...progressing, lastUpdateTime: timestamp, lastTransitionTime: timestamp },
    ],
  };
}

function suffix(random: () => number): string {
  return Array.from({ length: 5 }, () => SAFE[Math.floor(random() * SAFE.length)]).join('');
}

function hashIndex(text: string, modulo: number): number {
  let h = 0;
  for (const char of text) h = (Math.imul(h, 31) + char.charCodeAt(0)) >>> 0;
  return modulo > 0 ? h % modulo : 0;
}
