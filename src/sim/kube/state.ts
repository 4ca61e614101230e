import { fail, ok, type Result } from '../../errors.js';
import type { KubeObject, PatchType } from '../../kube/port.js';
import { mulberry32 } from '../random.js';
import type { SandboxState } from '../types.js';
import { ownedBy, templateOf } from './controller.js';
import { MemoryFaultSet } from './faults.js';
import { healthyProblems, type SimProblems } from './problems.js';
import { conflict, notFound, resourceFor, type StoreError } from './resources.js';
import { type RolloutHost, Rollouts, type TemplateCheck } from './rollouts.js';
import type { SandboxVolume, UsageProfile } from './seed.js';
import { applyPatch, validate } from './store-patch.js';

export { mulberry32 } from '../random.js';
/**
 * The sandbox's state. The object store is here; the kinds it serves are in `resources.ts`, the
 * simulated controller in `controller.ts`, discovery in `discovery.ts` and metrics.k8s.io in
 * `metrics.ts`, all re-exported so that this stays the one module to import.
 */
export { discovery } from './discovery.js';
export { type MetricsSource, nodeMetrics, podMetrics } from './metrics.js';
export { failureStatus, RESOURCES, type ResourceType, resourceFor, type StoreError } from './resources.js';
export type { StartFailure, TemplateCheck } from './rollouts.js';
export type { SandboxVolume, UsageProfile };

export interface StoreOptions {
  seed: number;
  /** How long a workload's rollout takes once its pod template changed. */
  rolloutDelayMs: number;
  /**
   * What stands for a Deployment's default progress deadline (600 s); default 20 × the rollout delay
   * (a rollout that takes ~30 s against Kubernetes's 600 s).
   */
  progressDeadlineMs?: number;
  /** Whether a new template's containers start (the real JVM on its options); unset: they all do. */
  checkTemplate?: TemplateCheck;
  now?: () => number;
  faults?: MemoryFaultSet;
}

const WORKLOADS = new Set(['Deployment', 'StatefulSet']);
const keyOf = (kind: string, namespace: string | undefined, name: string) =>
  `${kind}/${namespace ?? ''}/${name}`;
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const clone = <T>(value: T): T => structuredClone(value);

/** The sandbox's object store: the objects, their versions, and the rollouts that pod-template changes start. */
export class SandboxStore implements SandboxState {
  readonly faults: MemoryFaultSet;
  readonly now: () => number;
  readonly random: () => number;
  readonly #objects = new Map<string, KubeObject>();
  readonly #rollouts: Rollouts;
  /** Container logs by `namespace/pod/container`: the current run's and the previous one's. */
  readonly #logs = new Map<string, { current: string; previous?: string }>();
  #version = 1000;
  #uid = 0;
  /** Per `namespace/container`: how busy it runs, as a fraction of its limit (else of its request). */
  readonly usage = new Map<string, UsageProfile>();
  /** Data volumes, read by the simulated `df`. */
  readonly volumes: SandboxVolume[] = [];
  /** Sessions, consumer groups, broker latency: what psql, the Kafka tools and ping answer. */
  readonly problems: SimProblems = healthyProblems();

  constructor(options: StoreOptions) {
    this.faults = options.faults ?? new MemoryFaultSet();
    this.now = options.now ?? Date.now;
    this.random = mulberry32(options.seed);
    this.#rollouts = new Rollouts(this.#rolloutHost(), {
      rolloutDelayMs: options.rolloutDelayMs,
      progressDeadlineMs: options.progressDeadlineMs ?? 20 * options.rolloutDelayMs,
      ...(options.checkTemplate ? { check: options.checkTemplate } : {}),
    });
  }

  /** The resourceVersion of the latest write, as a list's `metadata.resourceVersion`. */
  get version(): string {
    return String(this.#version);
  }

  get(kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const type = resourceFor(kind);
    const found = type && this.#objects.get(keyOf(type.kind, type.namespaced ? namespace : undefined, name));
    return found ? clone(found) : undefined;
  }

  /**
   * Copies of the objects of a kind (in a namespace), those `keep` accepts only (a label selector: it
   * sees the stored object and must not change it), in key order as etcd lists them (byte order of
   * `namespace/name`). Copied after the selection: a list of 5,000 pods copies only what it returns.
   */
  list(kind: string, namespace?: string, keep?: (obj: KubeObject) => boolean): KubeObject[] {
    const type = resourceFor(kind);
    if (!type) return [];
    const prefix =
      type.namespaced && namespace !== undefined ? `${type.kind}/${namespace}/` : `${type.kind}/`;
    const found: [string, KubeObject][] = [];
    for (const entry of this.#objects) {
      if (entry[0].startsWith(prefix) && (keep === undefined || keep(entry[1]))) found.push(entry);
    }
    found.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return found.map(([, obj]) => clone(obj));
  }

  /** Creates or replaces an object as it is given (seeding, simulated controllers); a workload gets its pods. */
  put(obj: KubeObject): KubeObject {
    const type = resourceFor(obj.kind ?? '');
    if (!type) throw new Error(`the sandbox does not serve kind ${String(obj.kind)}`);
    const next = clone(obj);
    next.apiVersion = type.group ? `${type.group}/${type.version}` : type.version;
    if (!type.namespaced) delete next.metadata.namespace;
    const prev = this.#objects.get(keyOf(type.kind, next.metadata.namespace, next.metadata.name));
    next.metadata.uid = prev?.metadata.uid ?? this.#nextUid();
    next.metadata.creationTimestamp = prev?.metadata.creationTimestamp ?? this.#timestamp();
    if (WORKLOADS.has(type.kind)) next.metadata.generation = prev?.metadata.generation ?? 1;
    const stored = this.#store(next);
    if (WORKLOADS.has(type.kind) && !prev)
      this.#rollouts.settle(type.kind, next.metadata.namespace ?? 'default', next.metadata.name);
    return this.get(type.kind, stored.metadata.namespace, stored.metadata.name) ?? stored;
  }

  remove(kind: string, namespace: string | undefined, name: string): boolean {
    const type = resourceFor(kind);
    this.#podIndex = undefined;
    return type
      ? this.#objects.delete(keyOf(type.kind, type.namespaced ? namespace : undefined, name))
      : false;
  }

  /**
   * DELETE of a pod, as the API server does it (at once, no grace period): the pod goes, and the
   * workload that owned it is told (its controller makes a new pod from its current template).
   */
  deletePod(namespace: string, name: string): Result<KubeObject, StoreError> {
    const pod = this.#objects.get(keyOf('Pod', namespace, name));
    if (!pod) return fail(notFound('pods', '', name));
    this.#removeObject('Pod', namespace, name);
    for (const kind of WORKLOADS) {
      const owner = this.list(kind, namespace).find((w) => ownedBy(pod, kind, w.metadata.name));
      if (owner) this.#rollouts.podDeleted(kind, namespace, owner.metadata.name);
    }
    return ok(clone(pod));
  }

  /** PATCH as the API server does it: the patch type's semantics, optimistic locking, dry run, generation. */
  patch(
    kind: string,
    namespace: string | undefined,
    name: string,
    body: unknown,
    options: { type: PatchType; dryRun?: boolean },
  ): Result<KubeObject, StoreError> {
    const type = resourceFor(kind);
    const current =
      type && this.#objects.get(keyOf(type.kind, type.namespaced ? namespace : undefined, name));
    if (!type || !current) return fail(notFound(type?.plural ?? kind, type?.group ?? '', name));
    const patched = applyPatch(current, body, options.type);
    if (!patched.ok) return fail({ code: 422, reason: 'Invalid', message: patched.error });
    const next = patched.value;
    const invalid = validate(next, current);
    if (invalid) return fail({ code: 422, reason: 'Invalid', message: invalid });
    if (next.metadata.resourceVersion !== current.metadata.resourceVersion) {
      return fail(conflict(type, name));
    }
    if (WORKLOADS.has(type.kind) && !same(next.spec, current.spec)) {
      next.metadata.generation = (current.metadata.generation ?? 1) + 1;
    }
    if (options.dryRun) return ok(next);
    const stored = this.#store(next);
    if (WORKLOADS.has(type.kind)) this.#reconcile(type.kind, namespace, name, stored, current);
    return ok(clone(this.#objects.get(keyOf(type.kind, namespace, name)) ?? stored));
  }

  /** Pods by node and by namespace, as stored, rebuilt after any write (see `readPods`). */
  #podIndex:
    | { version: number; byNode: Map<string, KubeObject[]>; byNamespace: Map<string, KubeObject[]> }
    | undefined;

  #pods() {
    if (this.#podIndex && this.#podIndex.version === this.#version) return this.#podIndex;
    const byNode = new Map<string, KubeObject[]>();
    const byNamespace = new Map<string, KubeObject[]>();
    for (const [key, obj] of this.#objects) {
      if (!key.startsWith('Pod/')) continue;
      const node = (obj.spec as { nodeName?: string } | undefined)?.nodeName ?? '';
      const ns = obj.metadata.namespace ?? '';
      const onNode = byNode.get(node);
      if (onNode) onNode.push(obj);
      else byNode.set(node, [obj]);
      const inNs = byNamespace.get(ns);
      if (inNs) inNs.push(obj);
      else byNamespace.set(ns, [obj]);
    }
    this.#podIndex = { version: this.#version, byNode, byNamespace };
    return this.#podIndex;
  }

  /**
   * The pods (of one namespace), as stored: not copies, so read only. For the routes that read
   * every pod on each request (metrics.k8s.io, the kubelets' cAdvisor metrics), which would
   * otherwise copy the whole store each time; a real API server serves these from its cache too.
   */
  readPods(namespace?: string): readonly KubeObject[] {
    const index = this.#pods();
    return namespace === undefined
      ? [...index.byNamespace.values()].flat()
      : (index.byNamespace.get(namespace) ?? []);
  }

  /** The pods on one node, as stored (read only, as `readPods`). */
  podsOnNode(node: string): readonly KubeObject[] {
    return this.#pods().byNode.get(node) ?? [];
  }

  setUsageProfile(namespace: string, container: string, profile: UsageProfile): void {
    this.usage.set(`${namespace}/${container}`, profile);
  }

  /** Fills (or empties) a data volume; `df` in its pods reports the new usage. */
  setVolumeUsage(namespace: string, mountPath: string, usedBytes: number): void {
    const volume = this.volumes.find((v) => v.namespace === namespace && v.mountPath === mountPath);
    if (!volume) throw new Error(`no sandbox volume ${mountPath} in ${namespace}`);
    volume.usedBytes = Math.min(volume.sizeBytes, Math.max(0, usedBytes));
  }

  /**
   * The last `tailLines` lines of a container's log (`previous`: of its last terminated run), or the
   * API server's refusal: an unknown pod or container, or no previous run.
   */
  podLog(
    namespace: string,
    pod: string,
    options: { container?: string; previous?: boolean; tailLines?: number },
  ): Result<string, StoreError> {
    const found = this.#objects.get(keyOf('Pod', namespace, pod));
    if (!found) return fail(notFound('pods', '', pod));
    const containers = (
      (found.spec as { containers?: { name: string }[] } | undefined)?.containers ?? []
    ).map((c) => c.name);
    const container = options.container ?? containers[0] ?? '';
    if (!containers.includes(container)) {
      const message = `container ${container} is not valid for pod ${pod}`;
      return fail({ code: 400, reason: 'BadRequest', message });
    }
    const logs = this.#logs.get(`${namespace}/${pod}/${container}`);
    const text = options.previous ? logs?.previous : (logs?.current ?? '');
    if (text === undefined) {
      const message = `previous terminated container "${container}" in pod "${pod}" not found`;
      return fail({ code: 400, reason: 'BadRequest', message });
    }
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    const tail = options.tailLines === undefined ? lines : lines.slice(-options.tailLines);
    return ok(tail.map((l) => `${l}\n`).join(''));
  }

  /** Stops pending rollouts (the server calls this on close). */
  close(): void {
    this.#rollouts.close();
  }

  /** A patched workload: a new template starts a rollout; another spec change (replicas) applies at once. */
  #reconcile(
    kind: string,
    namespace: string | undefined,
    name: string,
    stored: KubeObject,
    current: KubeObject,
  ): void {
    const ns = namespace ?? 'default';
    if (!same(templateOf(stored), templateOf(current))) this.#rollouts.start(kind, ns, name);
    else if (!same(stored.spec, current.spec)) this.#rollouts.settle(kind, ns, name);
  }

  /** What the simulated controllers may do to the objects (see `rollouts.ts`). */
  #rolloutHost(): RolloutHost {
    return {
      read: (kind, namespace, name) => this.get(kind, namespace, name),
      write: (obj) => {
        this.#store(clone(obj));
      },
      remove: (kind, namespace, name) => this.#removeObject(kind, namespace, name),
      pods: (kind, namespace, name) => this.list('Pod', namespace).filter((p) => ownedBy(p, kind, name)),
      nodes: () => this.list('Node').map((n) => n.metadata.name),
      uid: () => this.#nextUid(),
      timestamp: () => this.#timestamp(),
      random: () => this.random(),
      faults: this.faults,
      event: (pod, event) => this.#event(pod, event),
      log: (pod, container, text) => {
        const k = `${pod.metadata.namespace ?? ''}/${pod.metadata.name}/${container}`;
        this.#logs.set(k, { current: text, previous: text });
      },
    };
  }

  /** Removes an object; a pod's logs go with it. */
  #removeObject(kind: string, namespace: string, name: string): void {
    this.#podIndex = undefined;
    this.#objects.delete(keyOf(kind, namespace, name));
    if (kind === 'Pod') {
      for (const k of [...this.#logs.keys()]) if (k.startsWith(`${namespace}/${name}/`)) this.#logs.delete(k);
    }
  }

  /** Records an Event about a pod; the same reason again counts up, as the API server aggregates them. */
  #event(pod: KubeObject, event: { type: string; reason: string; message: string }): void {
    const namespace = pod.metadata.namespace ?? 'default';
    const name = `${pod.metadata.name}.${event.reason.toLowerCase()}`;
    const previous = this.#objects.get(keyOf('Event', namespace, name));
    const at = this.#timestamp();
    this.#store({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace, uid: previous?.metadata.uid ?? this.#nextUid(), creationTimestamp: at },
      involvedObject: {
        apiVersion: 'v1',
        kind: 'Pod',
        name: pod.metadata.name,
        namespace,
        uid: pod.metadata.uid,
      },
      reason: event.reason,
      message: event.message,
      type: event.type,
      source: { component: 'kubelet', host: (pod.spec as { nodeName?: string } | undefined)?.nodeName },
      firstTimestamp: (previous?.firstTimestamp as string | undefined) ?? at,
      lastTimestamp: at,
      count: ((previous?.count as number | undefined) ?? 0) + 1,
    });
  }

  #store(obj: KubeObject): KubeObject {
    this.#version += 1;
    obj.metadata.resourceVersion = String(this.#version);
    this.#objects.set(keyOf(obj.kind ?? '', obj.metadata.namespace, obj.metadata.name), obj);
    return obj;
  }

  #nextUid(): string {
    this.#uid += 1;
    const hex = Math.floor(this.random() * 0xffffffff)
      .toString(16)
      .padStart(8, '0');
    return `${hex}-5b1d-4c3e-9a7f-${this.#uid.toString(16).padStart(12, '0')}`;
  }

  #timestamp(): string {
    return new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
}
