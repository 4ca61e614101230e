import type { KubeObject } from '../../kube/port.js';
import { configMap, namespace, node, sel } from './seed-objects.js';
import { workloads } from './seed-workloads.js';

/**
 * The simulated platform of the runbook (DESIGN.md, "The platform model"): four nodes and the eight namespaces,
 * with the workloads, ConfigMaps and Secret the knobs touch. The simulated controller (the pods a workload's
 * template gives, and the status of its rollout) lives in `controller.ts`; it is re-exported here.
 */
export {
  buildPods,
  ownedBy,
  type PodContext,
  rolloutStatus,
  templateHash,
  templateOf,
} from './controller.js';

export interface UsageProfile {
  cpu: number;
  memory: number;
  /** Share of its CFS periods throttled (cAdvisor); default a healthy 2 %. */
  throttled?: number;
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

/** How busy each container runs: [namespace, container, CPU share, memory share]. */
const PROFILES: [string, string, number, number][] = [
  ['kafka', 'kafka', 0.45, 0.7],
  ['data-platform', 'trino-coordinator', 0.3, 0.6],
  ['data-platform', 'trino-worker', 0.62, 0.84],
  ['ml-platform', 'ray-head', 0.35, 0.5],
  ['kong', 'postgresql', 0.25, 0.6],
  ['dolphinscheduler', 'dolphinscheduler-api', 0.4, 0.78],
  ['redis', 'redis', 0.1, 0.4],
];

/**
 * Loads the runbook's platform into an empty store: nodes, namespaces, config, workloads and their
 * pods. The nodes carry the sandbox's `speed` (`SIMULATED_SPEED_LABEL`).
 */
export function seedPlatform(store: SeedTarget, speed = 1): void {
  for (const [i, name] of NODES.entries()) store.put(node(name, i, speed));
  for (const name of NAMESPACES) store.put(namespace(name));
  for (const obj of configObjects()) store.put(obj);
  for (const obj of workloads()) store.put(obj);
  for (const [ns, name, cpu, memory] of PROFILES) store.setUsageProfile(ns, name, { cpu, memory });
  store.volumes.push(...volumes());
}

/** The ConfigMaps and the Secret the knobs and probes read. */
function configObjects(): KubeObject[] {
  return [
    configMap('data-platform', 'trino', { 'jvm.config': TRINO_JVM, 'config.properties': TRINO_CONFIG }),
    configMap('kong', 'postgresql-configuration', { 'postgresql.conf': POSTGRES_CONF }),
    configMap('redis', 'redis-configuration', {
      'redis.conf': 'maxmemory 512mb\nmaxmemory-policy noeviction\n',
    }),
    {
      kind: 'Secret',
      metadata: { name: 'postgresql', namespace: 'kong' },
      type: 'Opaque',
      data: { password: b64('sandbox-kong-pw'), 'postgres-password': b64('sandbox-admin-pw') },
    },
  ];
}

function volumes(): SandboxVolume[] {
  return [
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
  ];
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
