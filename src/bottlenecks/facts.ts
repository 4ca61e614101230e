import type { ComponentName } from '../domain/components.js';

/**
 * What `/perf bottlenecks` reads from the cluster, once, in parallel (issue #17): each source either
 * answered (its value, where it came from and when) or did not (why). The rules (`rules.ts`) are pure
 * functions over these facts; a source that did not answer becomes a finding of its own, never a
 * silent pass.
 */
export type Source<T> =
  | { ok: true; value: T; from: string; at: string }
  | { ok: false; from: string; at: string; error: string };

export interface NodeFact {
  name: string;
  ready: boolean;
  allocatable: { cpuMilli: number; memoryBytes: number };
  usage?: { cpuMilli: number; memoryBytes: number };
}

export interface ContainerFact {
  name: string;
  requests: { cpuMilli?: number; memoryBytes?: number };
  limits: { cpuMilli?: number; memoryBytes?: number };
  usage?: { cpuMilli: number; memoryBytes: number };
  restarts: number;
  /** `OOMKilled`, `Error`, … of the last termination, with when it ended (ISO). */
  lastTermination?: { reason: string; at: string };
  /** `CrashLoopBackOff`, … while waiting. */
  waiting?: string;
  /**
   * From the kubelet's cAdvisor metrics: throttled CFS periods over all periods since the container
   * started (`container_cpu_cfs_throttled_periods_total` / `container_cpu_cfs_periods_total`).
   */
  throttling?: { throttled: number; periods: number };
  /**
   * The component whose knob set tunes what runs in this container (perfbot.yaml `tuning`): its
   * findings can offer that knob set as their fix (Redis's `maxmemory` for an OOM-killed Redis).
   */
  tunedAs?: 'redis';
}

export interface PodFact {
  namespace: string;
  name: string;
  node: string | undefined;
  containers: ContainerFact[];
}

export interface VolumeFact {
  namespace: string;
  pod: string;
  mountPath: string;
  usedBytes: number;
  sizeBytes: number;
}

export interface LatencyFact {
  from: string;
  to: string;
  /** Round trips in ms, as `ping` printed them. */
  rttMs: number[];
}

export interface KafkaFacts {
  underReplicated: { topic: string; partition: number }[];
  lag: { group: string; topic: string; lag: number }[];
}

export interface TrinoFacts {
  running: number;
  queued: number;
  slowest: { queryId: string; elapsedMs: number; state: string; query: string }[];
}

export interface PostgresFacts {
  connections: number;
  maxConnections: number;
  idleInTransaction: { pid: number; ageSeconds: number }[];
  longRunning: { pid: number; ageSeconds: number; query: string }[];
  cacheHitRatio: number | null;
  rollbackRatio: number | null;
}

/** A JVM service's heap (from its options) against its container's memory limit. */
export interface HeapFact {
  component: ComponentName;
  workload: string;
  heapBytes: number;
  limitBytes: number | undefined;
}

/** A Hikari pool (DolphinScheduler) against the database it draws on. */
export interface PoolFact {
  component: ComponentName;
  maximumPoolSize: number;
  replicas: number;
}

/** The last baseline of a service against a target. */
export interface BaselineFact {
  service: string;
  resultId: string;
  metric: string;
  label: string;
  median: number | null;
  target: { op: '>=' | '<='; value: number };
  met: boolean | null;
  finishedAt: string;
}

export interface Facts {
  nodes?: Source<NodeFact[]>;
  pods?: Source<PodFact[]>;
  /**
   * The parts joined into `nodes` and `pods`, read apart: when one fails the others are still judged
   * (without usage, or without throttling), and the failure is a finding of its own.
   */
  podUsage?: Source<{ pods: number }>;
  nodeUsage?: Source<{ nodes: number }>;
  /** The kubelets' cAdvisor metrics (CPU throttling), one call per node. */
  cadvisor?: Source<{ nodes: number; containers: number }>;
  volumes?: Source<VolumeFact[]>;
  network?: Source<LatencyFact[]>;
  kafka?: Source<KafkaFacts>;
  trino?: Source<TrinoFacts>;
  postgres?: Source<PostgresFacts>;
  heaps?: Source<HeapFact[]>;
  pools?: Source<PoolFact[]>;
  baselines?: Source<BaselineFact[]>;
}
