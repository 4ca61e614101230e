import type {
  CoreV1Event,
  NodeMetric,
  PodMetric,
  V1Container,
  V1ContainerStatus,
  V1Node,
  V1Pod,
} from '@kubernetes/client-node';
import { PerfError } from '../errors.js';
import type { ContainerInfo, KubeEvent, NodeInfo, NodeUsage, PodInfo, PodUsage } from './port.js';
import { toBytes, toMillicores } from './quantity.js';

/** Pure conversions from the client's API types to the port's plain records (quantities in millicores/bytes). */

function quantity(parse: typeof toMillicores, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const result = parse(text);
  return result.ok ? result.value : undefined;
}

/** For usage figures a quantity that cannot be read is an error, never a silent zero. */
function required(parse: typeof toMillicores, text: string | undefined, where: string): number {
  const result = text === undefined ? undefined : parse(text);
  if (result?.ok) return result.value;
  throw new PerfError('kube_api', `unreadable quantity ${JSON.stringify(text)} in ${where}`, {
    userMessage: `Kubernetes returned an unreadable resource quantity (${JSON.stringify(text)}) in ${where}.`,
  });
}

function amounts(values: Record<string, string> | undefined): { cpuMilli?: number; memoryBytes?: number } {
  const cpuMilli = quantity(toMillicores, values?.cpu);
  const memoryBytes = quantity(toBytes, values?.memory);
  return {
    ...(cpuMilli === undefined ? {} : { cpuMilli }),
    ...(memoryBytes === undefined ? {} : { memoryBytes }),
  };
}

function containerInfo(c: V1Container, status: V1ContainerStatus | undefined): ContainerInfo {
  const terminated = status?.lastState?.terminated;
  const waiting = status?.state?.waiting?.reason;
  return {
    name: c.name,
    image: c.image ?? '',
    requests: amounts(c.resources?.requests),
    limits: amounts(c.resources?.limits),
    ...(status ? { restarts: status.restartCount ?? 0 } : {}),
    ...(terminated?.reason
      ? { lastTermination: { reason: terminated.reason, at: stamp(terminated.finishedAt ?? '') } }
      : {}),
    ...(waiting ? { waiting } : {}),
  };
}

/** Ready: Running, not being deleted, and every container reports ready. */
export function isPodReady(pod: V1Pod): boolean {
  const statuses = pod.status?.containerStatuses ?? [];
  const containers = pod.spec?.containers ?? [];
  return (
    pod.status?.phase === 'Running' &&
    pod.metadata?.deletionTimestamp === undefined &&
    statuses.length >= containers.length &&
    statuses.every((s) => s.ready)
  );
}

export function toPodInfo(pod: V1Pod): PodInfo {
  const statuses = pod.status?.containerStatuses ?? [];
  const waiting = statuses[0]?.state?.waiting?.reason;
  return {
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    labels: pod.metadata?.labels ?? {},
    nodeName: pod.spec?.nodeName,
    phase: pod.status?.phase ?? 'Unknown',
    ready: isPodReady(pod),
    containers: (pod.spec?.containers ?? []).map((c) =>
      containerInfo(
        c,
        statuses.find((s) => s.name === c.name),
      ),
    ),
    restarts: statuses.reduce((sum, s) => sum + (s.restartCount ?? 0), 0),
    ...(waiting ? { waiting } : {}),
    ...(pod.status?.podIP ? { podIP: pod.status.podIP } : {}),
  };
}

/** An Event's last time: `lastTimestamp`, else `eventTime` (events.k8s.io writers), else its creation. */
export function toKubeEvent(event: CoreV1Event): KubeEvent {
  const at =
    event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? event.metadata.creationTimestamp;
  return {
    type: event.type ?? '',
    reason: event.reason ?? '',
    message: event.message ?? '',
    object: `${event.involvedObject.kind ?? ''}/${event.involvedObject.name ?? ''}`,
    at: at === undefined ? '' : stamp(at),
  };
}

export function toNodeInfo(node: V1Node): NodeInfo {
  const name = node.metadata?.name ?? '';
  const pick = (values: Record<string, string> | undefined, what: string) => ({
    cpuMilli: required(toMillicores, values?.cpu, `node ${name} ${what}.cpu`),
    memoryBytes: required(toBytes, values?.memory, `node ${name} ${what}.memory`),
  });
  return {
    name,
    labels: { ...(node.metadata?.labels ?? {}) },
    ready: (node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    allocatable: pick(node.status?.allocatable, 'allocatable'),
    capacity: pick(node.status?.capacity, 'capacity'),
  };
}

const stamp = (value: unknown): string => (value instanceof Date ? value.toISOString() : String(value ?? ''));

export function toNodeUsage(metric: NodeMetric): NodeUsage {
  const where = `node metrics of ${metric.metadata.name}`;
  return {
    name: metric.metadata.name,
    cpuMilli: required(toMillicores, metric.usage.cpu, where),
    memoryBytes: required(toBytes, metric.usage.memory, where),
    timestamp: stamp(metric.timestamp),
  };
}

export function toPodUsage(metric: PodMetric): PodUsage {
  const where = `pod metrics of ${metric.metadata.namespace}/${metric.metadata.name}`;
  return {
    namespace: metric.metadata.namespace,
    name: metric.metadata.name,
    containers: metric.containers.map((c) => ({
      name: c.name,
      cpuMilli: required(toMillicores, c.usage.cpu, where),
      memoryBytes: required(toBytes, c.usage.memory, where),
    })),
    timestamp: stamp(metric.timestamp),
  };
}

/** A one-line description of what a selector found, for the "no ready pod" message. */
export function describePods(pods: V1Pod[]): string {
  if (pods.length === 0) return 'no pod matches';
  return pods
    .slice(0, 5)
    .map((p) => {
      const statuses = p.status?.containerStatuses ?? [];
      const ready = statuses.filter((s) => s.ready).length;
      return `${p.metadata?.name ?? '?'} (${p.status?.phase ?? 'Unknown'}, ${ready}/${p.spec?.containers.length ?? 0} ready)`;
    })
    .join(', ');
}
