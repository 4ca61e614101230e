import { fail, ok, type Result } from '../errors.js';
import type { KubeObject, PatchType } from '../kube/port.js';
import { formatKibibytes, formatNanocores, toBytes, toMillicores } from '../kube/quantity.js';
import { MemoryFaultSet, SandboxFault } from './faults.js';
import { type Json, jsonPatch, mergePatch, strategicMergePatch } from './patch.js';
import {
  buildPods,
  ownedBy,
  rolloutStatus,
  type SandboxVolume,
  templateOf,
  type UsageProfile,
} from './seed.js';
import type { SandboxState } from './types.js';

export type { SandboxVolume, UsageProfile };

/** One kind the simulated API serves, as listed by discovery (`/api/v1`, `/apis/apps/v1`). */
export interface ResourceType {
  kind: string;
  plural: string;
  /** '' for the core group. */
  group: string;
  version: string;
  namespaced: boolean;
  shortNames: string[];
}

export const RESOURCES: readonly ResourceType[] = [
  {
    kind: 'Namespace',
    plural: 'namespaces',
    group: '',
    version: 'v1',
    namespaced: false,
    shortNames: ['ns'],
  },
  { kind: 'Node', plural: 'nodes', group: '', version: 'v1', namespaced: false, shortNames: ['no'] },
  { kind: 'Pod', plural: 'pods', group: '', version: 'v1', namespaced: true, shortNames: ['po'] },
  { kind: 'ConfigMap', plural: 'configmaps', group: '', version: 'v1', namespaced: true, shortNames: ['cm'] },
  { kind: 'Secret', plural: 'secrets', group: '', version: 'v1', namespaced: true, shortNames: [] },
  {
    kind: 'Deployment',
    plural: 'deployments',
    group: 'apps',
    version: 'v1',
    namespaced: true,
    shortNames: ['deploy'],
  },
  {
    kind: 'StatefulSet',
    plural: 'statefulsets',
    group: 'apps',
    version: 'v1',
    namespaced: true,
    shortNames: ['sts'],
  },
];

/** Finds a kind by its name (`Deployment`), plural (`deployments`), singular or short name (`deploy`). */
export function resourceFor(name: string): ResourceType | undefined {
  const n = name.toLowerCase();
  return RESOURCES.find((r) => r.kind.toLowerCase() === n || r.plural === n || r.shortNames.includes(n));
}

/** A failed store operation, shaped for a Kubernetes `Status`. */
export interface StoreError {
  code: 400 | 404 | 409 | 422;
  reason: 'BadRequest' | 'NotFound' | 'Conflict' | 'Invalid';
  message: string;
  details?: { name: string; group?: string; kind: string };
}

/** mulberry32: a tiny seeded PRNG, so that the sandbox's noise is the same for the same seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
    if (WORKLOADS.has(type.kind) && !same(templateOf(next), templateOf(current))) {
      this.#startRollout(type.kind, stored);
    } else if (WORKLOADS.has(type.kind) && !same(next.spec, current.spec)) {
      this.#completeRollout(type.kind, namespace, name);
    }
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

function notFound(plural: string, group: string, name: string): StoreError {
  const resource = group ? `${plural}.${group}` : plural;
  return {
    code: 404,
    reason: 'NotFound',
    message: `${resource} "${name}" not found`,
    details: { name, group, kind: plural },
  };
}

function conflict(type: ResourceType, name: string): StoreError {
  const resource = type.group ? `${type.plural}.${type.group}` : type.plural;
  return {
    code: 409,
    reason: 'Conflict',
    message: `Operation cannot be fulfilled on ${resource} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    details: { name, group: type.group, kind: type.plural },
  };
}

function applyPatch(current: KubeObject, body: unknown, type: PatchType): Result<KubeObject, string> {
  let result: Result<Json, string>;
  if (type === 'json') result = jsonPatch(current, body);
  else if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return fail('the patch must be a JSON object');
  } else result = ok(type === 'merge' ? mergePatch(current, body) : strategicMergePatch(current, body));
  if (!result.ok) return result;
  const next = result.value as unknown as KubeObject;
  if (
    typeof next !== 'object' ||
    next === null ||
    typeof next.metadata !== 'object' ||
    next.metadata === null
  ) {
    return fail('the patched object has no metadata');
  }
  return ok(next);
}

/** What the API server would refuse: identity changes and ill-typed fields perfbot's knobs touch. */
function validate(next: KubeObject, current: KubeObject): string | undefined {
  for (const field of ['name', 'namespace', 'uid'] as const) {
    if (next.metadata[field] !== current.metadata[field])
      return `metadata.${field}: Invalid value: field is immutable`;
  }
  if (next.kind !== current.kind || next.apiVersion !== current.apiVersion)
    return 'kind and apiVersion are immutable';
  for (const section of ['data', 'stringData'] as const) {
    const data = next[section];
    if (data === undefined) continue;
    if (typeof data !== 'object' || data === null)
      return `${section}: Invalid value: must be a map of strings`;
    for (const [key, value] of Object.entries(data)) {
      if (typeof value !== 'string') return `${section}[${key}]: Invalid value: must be a string`;
    }
  }
  const spec = templateOf(next)?.spec as { containers?: unknown } | undefined;
  return spec ? validateContainers(spec.containers, 'spec.template.spec.containers') : undefined;
}

function validateContainers(containers: unknown, path: string): string | undefined {
  if (!Array.isArray(containers) || containers.length === 0) return `${path}: Required value`;
  for (const [i, c] of containers.entries()) {
    if (typeof c?.name !== 'string' || c.name === '') return `${path}[${i}].name: Required value`;
    if (typeof c.image !== 'string' || c.image === '') return `${path}[${i}].image: Required value`;
    for (const [j, env] of (Array.isArray(c.env) ? c.env : []).entries()) {
      if (typeof env?.name !== 'string' || env.name === '')
        return `${path}[${i}].env[${j}].name: Required value`;
      if (env.value !== undefined && typeof env.value !== 'string') {
        return `${path}[${i}].env[${j}].value: Invalid value: must be a string`;
      }
    }
  }
  return undefined;
}

/** The `Status` body the API server sends with an error (k8s.io/apimachinery metav1.Status). */
export function failureStatus(error: {
  code: number;
  reason: string;
  message: string;
  details?: StoreError['details'];
}): Record<string, unknown> {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: error.message,
    reason: error.reason,
    ...(error.details ? { details: error.details } : {}),
    code: error.code,
  };
}

// ---- What the API reads from the store: discovery documents and metrics.k8s.io usage. ----

const METRICS_GV = 'metrics.k8s.io/v1beta1';
const VERBS = ['get', 'list', 'patch'];

function resourceList(groupVersion: string): Record<string, unknown> | undefined {
  const resources: Record<string, unknown>[] = RESOURCES.filter(
    (r) => (r.group ? `${r.group}/${r.version}` : r.version) === groupVersion,
  ).map((r) => ({
    name: r.plural,
    singularName: r.kind.toLowerCase(),
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: VERBS,
    shortNames: r.shortNames,
  }));
  if (groupVersion === 'v1')
    resources.push({
      name: 'pods/exec',
      singularName: '',
      namespaced: true,
      kind: 'PodExecOptions',
      verbs: ['create', 'get'],
    });
  if (groupVersion === METRICS_GV) {
    resources.push(
      { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
      { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
    );
  }
  return resources.length
    ? { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources }
    : undefined;
}

const group = (name: string, version: string) => ({
  name,
  versions: [{ groupVersion: `${name}/${version}`, version }],
  preferredVersion: { groupVersion: `${name}/${version}`, version },
});

/** Discovery as clients walk it: `/version`, `/api`, `/apis`, a group, a group version's resource list. */
export function discovery(path: string): Record<string, unknown> | undefined {
  const groups = { apps: group('apps', 'v1'), 'metrics.k8s.io': group('metrics.k8s.io', 'v1beta1') };
  if (path === '/version') {
    return {
      major: '1',
      minor: '30',
      gitVersion: 'v1.30.4',
      gitCommit: 'sandbox',
      platform: 'linux/amd64',
      goVersion: 'go1.22.5',
      compiler: 'gc',
      buildDate: '2024-08-14T19:00:00Z',
      gitTreeState: 'clean',
    };
  }
  if (path === '/api')
    return {
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:443' }],
    };
  if (path === '/apis') return { kind: 'APIGroupList', apiVersion: 'v1', groups: Object.values(groups) };
  if (path === '/api/v1') return resourceList('v1');
  const m = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(path);
  const found = m && groups[m[1] as keyof typeof groups];
  if (!m || !found) return undefined;
  if (m[2] === undefined) return { kind: 'APIGroup', apiVersion: 'v1', ...found };
  return resourceList(`${m[1]}/${m[2]}`);
}

interface ContainerSpec {
  name: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

const quantity = (parse: typeof toMillicores, text: string | undefined) => {
  const r = text === undefined ? undefined : parse(text);
  return r?.ok ? r.value : undefined;
};

/** One container's usage: its profile's share of its limit (else 1.5 × its request), ±5 % CPU and ±2 % memory. */
function containerUsage(
  store: SandboxStore,
  namespace: string,
  c: ContainerSpec,
): { cpu: number; memory: number } {
  const profile = store.usage.get(`${namespace}/${c.name}`) ?? { cpu: 0.3, memory: 0.5 };
  const cpuLimit = quantity(toMillicores, c.resources?.limits?.cpu);
  const memLimit = quantity(toBytes, c.resources?.limits?.memory);
  const cpuBase = cpuLimit ?? 1.5 * (quantity(toMillicores, c.resources?.requests?.cpu) ?? 300);
  const memBase = memLimit ?? 1.5 * (quantity(toBytes, c.resources?.requests?.memory) ?? 512 * 1024 ** 2);
  const cpu = cpuBase * profile.cpu * (1 + (store.random() - 0.5) * 0.1);
  const memory = memBase * profile.memory * (1 + (store.random() - 0.5) * 0.04);
  return {
    cpu: Math.min(cpu, (cpuLimit ?? Number.POSITIVE_INFINITY) * 0.99),
    memory: Math.min(memory, (memLimit ?? Number.POSITIVE_INFINITY) * 0.99),
  };
}

const running = (store: SandboxStore, namespace?: string) =>
  store
    .list('Pod', namespace)
    .filter((p) => (p.status as { phase?: string } | undefined)?.phase === 'Running');
const containersOf = (pod: KubeObject) => (pod.spec as { containers?: ContainerSpec[] }).containers ?? [];
const stamp = (store: SandboxStore) => new Date(store.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** `metrics.k8s.io/v1beta1` PodMetrics of the running pods (of one namespace, if given). */
export function podMetrics(store: SandboxStore, namespace?: string): Record<string, unknown>[] {
  return running(store, namespace).map((pod) => ({
    metadata: {
      name: pod.metadata.name,
      namespace: pod.metadata.namespace,
      creationTimestamp: stamp(store),
      labels: pod.metadata.labels,
    },
    timestamp: stamp(store),
    window: '15s',
    containers: containersOf(pod).map((c) => {
      const usage = containerUsage(store, pod.metadata.namespace ?? '', c);
      return {
        name: c.name,
        usage: { cpu: formatNanocores(usage.cpu), memory: formatKibibytes(usage.memory) },
      };
    }),
  }));
}

/** NodeMetrics: the node's pods plus the system's share (kubelet, runtime, OS), kept below allocatable. */
export function nodeMetrics(store: SandboxStore): Record<string, unknown>[] {
  const pods = running(store);
  return store.list('Node').map((node) => {
    const allocatable = (node.status as { allocatable?: Record<string, string> }).allocatable ?? {};
    let cpu = 350 * (1 + (store.random() - 0.5) * 0.2);
    let memory = 1.8 * 1024 ** 3 * (1 + (store.random() - 0.5) * 0.05);
    for (const pod of pods.filter((p) => (p.spec as { nodeName?: string }).nodeName === node.metadata.name)) {
      for (const c of containersOf(pod)) {
        const usage = containerUsage(store, pod.metadata.namespace ?? '', c);
        cpu += usage.cpu;
        memory += usage.memory;
      }
    }
    const maxCpu = 0.95 * (quantity(toMillicores, allocatable.cpu) ?? cpu);
    const maxMemory = 0.95 * (quantity(toBytes, allocatable.memory) ?? memory);
    return {
      metadata: { name: node.metadata.name, creationTimestamp: stamp(store), labels: node.metadata.labels },
      timestamp: stamp(store),
      window: '15s',
      usage: {
        cpu: formatNanocores(Math.min(cpu, maxCpu)),
        memory: formatKibibytes(Math.min(memory, maxMemory)),
      },
    };
  });
}
