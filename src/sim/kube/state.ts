import { fail, ok, type Result } from '../../errors.js';
import type { KubeObject, PatchType } from '../../kube/port.js';
import { mulberry32 } from '../random.js';
import type { SandboxState } from '../types.js';
import { buildPods, ownedBy, rolloutStatus, templateOf } from './controller.js';
import { MemoryFaultSet, SandboxFault } from './faults.js';
import { conflict, notFound, resourceFor, type StoreError } from './resources.js';
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
export type { SandboxVolume, UsageProfile };

export interface StoreOptions {
  seed: number;
  /** How long a workload's rollout takes once its pod template changed. */
  rolloutDelayMs: number;
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
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #rolloutDelayMs: number;
  #version = 1000;
  #uid = 0;
  /** Per `namespace/container`: how busy it runs, as a fraction of its limit (else of its request). */
  readonly usage = new Map<string, UsageProfile>();
  /** Data volumes, read by the simulated `df`. */
  readonly volumes: SandboxVolume[] = [];

  constructor(options: StoreOptions) {
    this.faults = options.faults ?? new MemoryFaultSet();
    this.now = options.now ?? Date.now;
    this.random = mulberry32(options.seed);
    this.#rolloutDelayMs = options.rolloutDelayMs;
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

  list(kind: string, namespace?: string): KubeObject[] {
    const type = resourceFor(kind);
    if (!type) return [];
    const prefix =
      type.namespaced && namespace !== undefined ? `${type.kind}/${namespace}/` : `${type.kind}/`;
    return [...this.#objects.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .map(([, obj]) => clone(obj))
      .sort((a, b) =>
        keyOf('', a.metadata.namespace, a.metadata.name).localeCompare(
          keyOf('', b.metadata.namespace, b.metadata.name),
        ),
      );
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
      this.#completeRollout(type.kind, next.metadata.namespace, next.metadata.name);
    return this.get(type.kind, stored.metadata.namespace, stored.metadata.name) ?? stored;
  }

  remove(kind: string, namespace: string | undefined, name: string): boolean {
    const type = resourceFor(kind);
    return type
      ? this.#objects.delete(keyOf(type.kind, type.namespaced ? namespace : undefined, name))
      : false;
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

  setUsageProfile(namespace: string, container: string, profile: UsageProfile): void {
    this.usage.set(`${namespace}/${container}`, profile);
  }

  /** Fills (or empties) a data volume; `df` in its pods reports the new usage. */
  setVolumeUsage(namespace: string, mountPath: string, usedBytes: number): void {
    const volume = this.volumes.find((v) => v.namespace === namespace && v.mountPath === mountPath);
    if (!volume) throw new Error(`no sandbox volume ${mountPath} in ${namespace}`);
    volume.usedBytes = Math.min(volume.sizeBytes, Math.max(0, usedBytes));
  }

  /** Stops pending rollouts (the server calls this on close). */
  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  /** A patched workload: a new template starts a rollout; another spec change (replicas) applies at once. */
  #reconcile(
    kind: string,
    namespace: string | undefined,
    name: string,
    stored: KubeObject,
    current: KubeObject,
  ): void {
    if (!same(templateOf(stored), templateOf(current))) this.#startRollout(kind, stored);
    else if (!same(stored.spec, current.spec)) this.#completeRollout(kind, namespace, name);
  }

  /** A workload changed its template: status shows the rollout in progress, then completes after the delay. */
  #startRollout(kind: string, workload: KubeObject): void {
    const { namespace, name } = workload.metadata;
    const fault = this.faults.peek(SandboxFault.rolloutFail);
    const failing = fault !== undefined && (fault.name === undefined || fault.name === name);
    if (failing) this.faults.take(SandboxFault.rolloutFail);
    this.#setStatus(kind, namespace, name, (obj) =>
      rolloutStatus(obj, failing ? 'failed' : 'progressing', this.#timestamp()),
    );
    if (failing) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#completeRollout(kind, namespace, name);
    }, this.#rolloutDelayMs);
    timer.unref();
    this.#timers.add(timer);
  }

  #completeRollout(kind: string, namespace: string | undefined, name: string): void {
    const workload = this.#objects.get(keyOf(kind, namespace, name));
    if (!workload) return;
    const pods = buildPods(
      kind,
      workload,
      this.list('Node').map((n) => n.metadata.name),
      {
        uid: () => this.#nextUid(),
        timestamp: this.#timestamp(),
        random: this.random,
        existing: (podName) => this.#objects.get(keyOf('Pod', namespace, podName)),
      },
    );
    for (const pod of this.list('Pod', namespace)) {
      if (ownedBy(pod, kind, name)) this.#objects.delete(keyOf('Pod', namespace, pod.metadata.name));
    }
    for (const pod of pods) this.#store(pod);
    this.#setStatus(kind, namespace, name, (obj) => rolloutStatus(obj, 'complete', this.#timestamp()));
  }

  #setStatus(
    kind: string,
    namespace: string | undefined,
    name: string,
    change: (obj: KubeObject) => unknown,
  ): void {
    const obj = this.#objects.get(keyOf(kind, namespace, name));
    if (!obj) return;
    const next = clone(obj);
    next.status = change(next);
    this.#store(next);
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
