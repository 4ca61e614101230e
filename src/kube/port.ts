/**
 * What perfbot needs from Kubernetes, and nothing more. `kube/client.ts` implements it over
 * `@kubernetes/client-node` (the only importer of that package); the simulated platform in
 * `src/sim/kube` serves the same API over HTTP and WebSocket, so the real adapter is used in tests.
 */
export interface PodInfo {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  nodeName: string | undefined;
  phase: string;
  ready: boolean;
  containers: ContainerInfo[];
  /** The sum of its containers' `restartCount`s. */
  restarts: number;
  /** Why its first container is not running, when it waits: `CrashLoopBackOff`, `ImagePullBackOff`, … */
  waiting?: string;
  /** `status.podIP`, once the pod has one. */
  podIP?: string;
}

/** A core/v1 Event, flattened: `object` is the involved object as `Kind/name`, `at` its last time (ISO). */
export interface KubeEvent {
  /** `Normal` or `Warning`. */
  type: string;
  /** `BackOff`, `Failed`, `Pulled`, … */
  reason: string;
  message: string;
  object: string;
  at: string;
}

/** The log of one container; `previous`: of its last terminated run (a container that restarted). */
export interface PodLogRequest {
  namespace: string;
  pod: string;
  container?: string;
  tailLines: number;
  previous?: boolean;
}

export interface ContainerInfo {
  name: string;
  image: string;
  /** Millicores and bytes; undefined when the container sets none. */
  requests: { cpuMilli?: number; memoryBytes?: number };
  limits: { cpuMilli?: number; memoryBytes?: number };
  /** From its `containerStatuses` entry, when the kubelet reported one. */
  restarts?: number;
  /** Why its last run ended (`OOMKilled`, `Error`, …) and when (ISO): `lastState.terminated`. */
  lastTermination?: { reason: string; at: string };
  /** Why it is not running now, when it waits: `CrashLoopBackOff`, … */
  waiting?: string;
}

/** Nodes of perfbot's simulated platform carry this label; results measured there say so. */
export const SIMULATED_LABEL = 'perfbot.dev/simulated';

/**
 * And this one: the factor on the time its tools take against the time they report (`0.05`: 20×
 * faster than real tools; `0`: at once), so that a result can say how its two clocks relate.
 */
export const SIMULATED_SPEED_LABEL = 'perfbot.dev/simulated-speed';

export interface NodeInfo {
  name: string;
  labels: Record<string, string>;
  ready: boolean;
  allocatable: { cpuMilli: number; memoryBytes: number };
  capacity: { cpuMilli: number; memoryBytes: number };
}

export interface NodeUsage {
  name: string;
  cpuMilli: number;
  memoryBytes: number;
  timestamp: string;
}

export interface PodUsage {
  namespace: string;
  name: string;
  containers: { name: string; cpuMilli: number; memoryBytes: number }[];
  timestamp: string;
}

export interface ExecRequest {
  namespace: string;
  pod: string;
  container?: string;
  /** An argument vector; never a shell string built from user text. */
  command: readonly string[];
  /** The exec is abandoned (and the stream closed) after this long; a `timeout` PerfError is thrown. */
  timeoutMs: number;
  stdin?: string;
  /** Aborting closes the stream and throws a `cancelled` PerfError (the command may go on in the pod). */
  signal?: AbortSignal;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** From the Status object on the error channel: 0 on Success, the ExitCode cause otherwise. */
  exitCode: number;
}

/** Identifies one object; `apiVersion` + `kind` as in its manifest. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    generation?: number;
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

export type PatchType = 'merge' | 'strategic' | 'json';

/** A Service port, reached through the API server's service proxy. */
export interface ServiceRef {
  namespace: string;
  name: string;
  port: number;
}

export interface KubePort {
  listPods(namespace: string, labelSelector?: string): Promise<PodInfo[]>;
  /** The first Running pod whose containers are all ready; a `probe_failed` PerfError if none. */
  findReadyPod(namespace: string, labelSelector: string): Promise<PodInfo>;
  exec(request: ExecRequest): Promise<ExecResult>;
  getObject(ref: ObjectRef): Promise<KubeObject>;
  patchObject(
    ref: ObjectRef,
    patch: unknown,
    options: { type: PatchType; dryRun?: boolean },
  ): Promise<KubeObject>;
  /**
   * The events of a namespace, oldest first; `involvedObjectName` keeps those of one object
   * (fieldSelector `involvedObject.name=`). @example await kube.listEvents('superset', 'superset-7d9f-x2k4q')
   */
  listEvents(namespace: string, involvedObjectName?: string): Promise<KubeEvent[]>;
  /**
   * Deletes one pod (`kubectl delete pod`): its controller makes a new one from its current template.
   * How a StatefulSet's pod stuck on a failed revision is replaced (its "forced rollback"). A pod
   * already gone is a `kube_api` PerfError with `context.httpCode` 404.
   */
  deletePod(namespace: string, name: string): Promise<void>;
  /** The last `tailLines` lines of a container's log (`kubectl logs --tail`, `--previous`). */
  podLogs(request: PodLogRequest): Promise<string>;
  listNodes(): Promise<NodeInfo[]>;
  nodeUsage(): Promise<NodeUsage[]>;
  /** Pod usage in one namespace (metrics.k8s.io). */
  podUsage(namespace: string): Promise<PodUsage[]>;
  /**
   * A `fetch` to one Service through the API server's service proxy
   * (`/api/v1/namespaces/<ns>/services/<name>:<port>/proxy/<path>`), authenticated as the kubeconfig
   * is: how perfbot reaches a service from outside the cluster, as kubectl does. Only the path and
   * query of the URL it is given are used (a service's own absolute links, such as Trino's `nextUri`,
   * name a host that resolves only inside the cluster).
   */
  serviceFetch(service: ServiceRef): typeof fetch;
  /**
   * The kubelet's cAdvisor metrics of one node, as Prometheus text, through the API server's node
   * proxy (`/api/v1/nodes/<node>/proxy/metrics/cadvisor`; RBAC: `nodes/proxy` get).
   * @example const text = await kube.cadvisorMetrics('k8s-worker-1')
   */
  cadvisorMetrics(node: string, options?: { signal?: AbortSignal }): Promise<string>;
}
