import type { KubeObject } from '../../kube/port.js';
import { formatKibibytes, formatNanocores, toBytes, toMillicores } from '../../kube/quantity.js';
import type { UsageProfile } from './seed.js';

/** What metrics.k8s.io reads of the store (its own type would make the two modules import each other). */
export interface MetricsSource {
  list(kind: string, namespace?: string): KubeObject[];
  /** The pods as stored (read only): `SandboxStore.readPods`. */
  readPods(namespace?: string): readonly KubeObject[];
  readonly usage: ReadonlyMap<string, UsageProfile>;
  random(): number;
  now(): number;
}

interface ContainerSpec {
  name: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

/** Parsed quantities by parser and text: a platform of 5,000 pods has a handful of distinct ones. */
const parsed = new Map<typeof toMillicores, Map<string, number | undefined>>();

const quantity = (parse: typeof toMillicores, text: string | undefined) => {
  if (text === undefined) return undefined;
  const known = parsed.get(parse) ?? new Map<string, number | undefined>();
  parsed.set(parse, known);
  if (known.has(text)) return known.get(text);
  const r = parse(text);
  const value = r.ok ? r.value : undefined;
  if (known.size < 10_000) known.set(text, value);
  return value;
};

/** One container's usage: its profile's share of its limit (else 1.5 × its request), ±5 % CPU and ±2 % memory. */
function containerUsage(
  store: MetricsSource,
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

const running = (store: MetricsSource, namespace?: string) =>
  [...store.readPods(namespace)]
    .filter((p) => (p.status as { phase?: string } | undefined)?.phase === 'Running')
    .map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p] as const)
    // Key order, as the API server lists (byte order; `localeCompare` costs more than the rest here).
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, p]) => p);
const containersOf = (pod: KubeObject) => (pod.spec as { containers?: ContainerSpec[] }).containers ?? [];
const stamp = (store: MetricsSource) => new Date(store.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** `metrics.k8s.io/v1beta1` PodMetrics of the running pods (of one namespace, if given). */
export function podMetrics(store: MetricsSource, namespace?: string): Record<string, unknown>[] {
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
export function nodeMetrics(store: MetricsSource): Record<string, unknown>[] {
  const byNode = new Map<string, KubeObject[]>();
  for (const pod of running(store)) {
    const name = (pod.spec as { nodeName?: string }).nodeName ?? '';
    const on = byNode.get(name);
    if (on) on.push(pod);
    else byNode.set(name, [pod]);
  }
  return store.list('Node').map((node) => {
    const allocatable = (node.status as { allocatable?: Record<string, string> }).allocatable ?? {};
    let cpu = 350 * (1 + (store.random() - 0.5) * 0.2);
    let memory = 1.8 * 1024 ** 3 * (1 + (store.random() - 0.5) * 0.05);
    for (const pod of byNode.get(node.metadata.name) ?? []) {
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
