import { z } from 'zod';
import type { KubeObject } from '../../kube/port.js';
import type { SandboxState, SimExecContext } from '../types.js';

/**
 * The simulated Kafka cluster behind the tools: its topics and a simulated wall clock (for the
 * consumer's timestamps), kept per sandbox state, and the broker settings read from the StatefulSet
 * (heap, thread counts, replicas, image version) that the numbers respond to.
 */
export interface SimTopic {
  partitions: number;
  replicationFactor: number;
  /** Records produced so far: what a consumer from the earliest offset can read. */
  records: number;
  recordSize: number;
}

export interface SimCluster {
  topics: Map<string, SimTopic>;
  /** Simulated epoch ms, advanced by each tool run's duration. */
  nowMs: number;
}

const clusters = new WeakMap<SandboxState, SimCluster>();
/** Where the simulated clock starts: a fixed instant, so the output is reproducible. */
const EPOCH_MS = Date.UTC(2024, 5, 27, 9, 44, 58, 834);

export function clusterOf(state: SandboxState): SimCluster {
  let cluster = clusters.get(state);
  if (cluster === undefined) {
    cluster = { topics: new Map(), nowMs: EPOCH_MS };
    clusters.set(state, cluster);
  }
  return cluster;
}

export interface BrokerSettings {
  brokers: number;
  heapBytes: number;
  networkThreads: number;
  ioThreads: number;
  autoCreateTopics: boolean;
  /** From the image tag (`apache/kafka:3.7.0` → 3.7); decides which flags the tools accept. */
  version: { major: number; minor: number };
}

const Env = z.array(z.looseObject({ name: z.string(), value: z.string().optional() })).optional();
const Container = z.looseObject({ name: z.string(), image: z.string().optional(), env: Env });
const PodSpec = z.looseObject({ containers: z.array(Container).default([]) });
const StatefulSet = z.looseObject({
  spec: z
    .looseObject({
      replicas: z.number().int().min(0).optional(),
      template: z.looseObject({ spec: PodSpec.optional() }).optional(),
    })
    .optional(),
});
const Pod = z.looseObject({
  metadata: z.looseObject({
    ownerReferences: z.array(z.looseObject({ kind: z.string(), name: z.string() })).optional(),
  }),
  spec: PodSpec.optional(),
});

/** Kafka's defaults (`num.network.threads=3`, `num.io.threads=8`, `KAFKA_HEAP_OPTS=-Xmx1G -Xms1G`). */
const DEFAULTS: BrokerSettings = {
  brokers: 3,
  heapBytes: 1024 ** 3,
  networkThreads: 3,
  ioThreads: 8,
  autoCreateTopics: true,
  version: { major: 3, minor: 7 },
};

export function readBrokerSettings(ctx: SimExecContext): BrokerSettings {
  const pod = Pod.safeParse(ctx.pod);
  const owner = pod.success
    ? pod.data.metadata.ownerReferences?.find((o) => o.kind === 'StatefulSet')?.name
    : undefined;
  const sts = StatefulSet.safeParse(ctx.state.get('StatefulSet', ctx.namespace, owner ?? 'kafka') ?? {});
  const stsSpec = sts.success ? sts.data.spec : undefined;
  const containers =
    stsSpec?.template?.spec?.containers ?? (pod.success ? pod.data.spec?.containers : undefined) ?? [];
  const container = containers.find((c) => c.name === ctx.container) ?? containers[0];
  const env = new Map((container?.env ?? []).map((e) => [e.name, e.value ?? '']));
  const setting = (name: string) => env.get(`KAFKA_${name}`) ?? env.get(`KAFKA_CFG_${name}`);
  return {
    brokers: stsSpec?.replicas ?? DEFAULTS.brokers,
    heapBytes: readXmx(env.get('KAFKA_HEAP_OPTS')) ?? DEFAULTS.heapBytes,
    networkThreads: positive(setting('NUM_NETWORK_THREADS')) ?? DEFAULTS.networkThreads,
    ioThreads: positive(setting('NUM_IO_THREADS')) ?? DEFAULTS.ioThreads,
    autoCreateTopics: setting('AUTO_CREATE_TOPICS_ENABLE') !== 'false',
    version: readVersion(container?.image ?? imageOf(ctx.pod)) ?? DEFAULTS.version,
  };
}

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** `-Xmx4G` / `-Xmx4096m` → bytes; the last `-Xmx` wins, as in the JVM. */
export function readXmx(opts: string | undefined): number | undefined {
  const all = [...(opts ?? '').matchAll(/-Xmx(\d+)([kKmMgG]?)(?=\s|$)/g)];
  const last = all.at(-1);
  if (!last) return undefined;
  return Number(last[1]) * (UNITS[(last[2] ?? '').toLowerCase()] ?? 1);
}

/** The tag's last dotted version: `3.7.0`, `3.7.0-debian-12-r0`, and `2.12-2.4.1` (Scala first) → 2.4. */
function readVersion(image: string | undefined): BrokerSettings['version'] | undefined {
  const name = image ?? '';
  const tag = name.slice(name.lastIndexOf('/') + 1).split(':')[1] ?? '';
  const m = [...tag.matchAll(/(\d+)\.(\d+)(?:\.\d+)?/g)].at(-1);
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

function imageOf(pod: KubeObject): string | undefined {
  const parsed = Pod.safeParse(pod);
  return parsed.success ? parsed.data.spec?.containers[0]?.image : undefined;
}

function positive(text: string | undefined): number | undefined {
  const n = Number(text);
  return text !== undefined && Number.isInteger(n) && n > 0 ? n : undefined;
}

/** At least `major.minor`. */
export function versionAtLeast(v: BrokerSettings['version'], major: number, minor: number): boolean {
  return v.major > major || (v.major === major && v.minor >= minor);
}

/** `yyyy-MM-dd HH:mm:ss:SSS`, ConsumerPerformance's default `--date-format` (in UTC here). */
export function formatConsumerDate(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}:${iso.slice(20, 23)}`;
}

/** log4j's `[yyyy-MM-dd HH:mm:ss,SSS]` prefix for the simulated client log lines. */
export function formatLogDate(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `[${iso.slice(0, 10)} ${iso.slice(11, 19)},${iso.slice(20, 23)}]`;
}
