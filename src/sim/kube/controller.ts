import type { KubeObject } from '../../kube/port.js';

/**
 * The simulated controller: the pods a workload's template gives, and the status of its rollout
 * (formats.md, "Rollouts"). Pure: ids, time and noise come in through `PodContext`.
 */
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

/** The template hash a pod runs (its `pod-template-hash`, or its `controller-revision-hash` without the name). */
export function podHash(pod: KubeObject): string {
  const labels = (pod.metadata.labels ?? {}) as Record<string, string>;
  const revision = labels['controller-revision-hash'];
  if (revision !== undefined) return revision.slice(revision.lastIndexOf('-') + 1);
  return labels['pod-template-hash'] ?? '';
}

/** Ready: Running and every container ready, as the kubelet reports it. */
export function podReady(pod: KubeObject): boolean {
  const status = (pod.status ?? {}) as { phase?: string; containerStatuses?: { ready?: boolean }[] };
  return status.phase === 'Running' && (status.containerStatuses ?? []).every((c) => c.ready === true);
}

/** How far a pod has come: created (its containers starting), running but not ready, or ready. */
export type PodPhase = 'starting' | 'unready' | 'ready';

/** The pods a workload runs once its rollout is complete: one per replica, from the current template. */
export function buildPods(
  kind: string,
  workload: KubeObject,
  nodes: string[],
  ctx: PodContext,
): KubeObject[] {
  const spec = workload.spec as { replicas?: number };
  return Array.from({ length: spec.replicas ?? 1 }, (_, i) => buildPod(kind, workload, i, nodes, ctx));
}

/**
 * Replica `i` of a workload's current template: its name (a StatefulSet's ordinal, a Deployment's
 * ReplicaSet hash and a random suffix), labels, owner, node (kept across rollouts) and status.
 */
export function buildPod(
  kind: string,
  workload: KubeObject,
  i: number,
  nodes: string[],
  ctx: PodContext,
  phase: PodPhase = 'ready',
): KubeObject {
  const template = templateOf(workload) ?? {};
  const hash = templateHash(template);
  const { name } = workload.metadata;
  const namespace = workload.metadata.namespace ?? 'default';
  const owner =
    kind === 'StatefulSet'
      ? { apiVersion: 'apps/v1', kind: 'StatefulSet', name, controller: true }
      : { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${name}-${hash}`, controller: true };
  const labels = ((template.metadata as Obj | undefined)?.labels ?? {}) as Record<string, string>;
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
    status: podStatus(template, phase, ctx.timestamp, hashIndex(podName, 250) + 2),
  };
}

/** A pod's status in a phase: Pending with its containers creating, Running not ready, or Running ready. */
export function podStatus(template: Obj, phase: PodPhase, timestamp: string, ip: number): Obj {
  const containers = ((template.spec as Obj | undefined)?.containers ?? []) as {
    name: string;
    image: string;
  }[];
  const ready = phase === 'ready';
  const conditions = ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({
    type,
    status: ready || type === 'Initialized' || type === 'PodScheduled' ? 'True' : 'False',
    lastTransitionTime: timestamp,
  }));
  const state =
    phase === 'starting'
      ? { waiting: { reason: 'ContainerCreating' } }
      : { running: { startedAt: timestamp } };
  return {
    phase: phase === 'starting' ? 'Pending' : 'Running',
    conditions,
    ...(phase === 'starting' ? {} : { podIP: `10.244.1.${ip}` }),
    startTime: timestamp,
    containerStatuses: containers.map((c) => ({
      name: c.name,
      image: c.image,
      ready,
      started: phase !== 'starting',
      restartCount: 0,
      state,
    })),
  };
}

/**
 * A pod whose container `container` exits at every start: Running, not ready, the container waiting in
 * `CrashLoopBackOff` after `restarts` restarts, its last run terminated with `exitCode`, as the kubelet
 * shows it between two back-offs.
 */
export function crashLoopStatus(
  pod: KubeObject,
  container: string,
  restarts: number,
  exitCode: number,
  timestamp: string,
): Obj {
  const status = structuredClone((pod.status ?? {}) as Obj);
  const statuses = (status.containerStatuses ?? []) as Obj[];
  const backOff = Math.min(10 * 2 ** (restarts - 1), 300);
  status.phase = 'Running';
  status.conditions = ((status.conditions ?? []) as Obj[]).map((c) =>
    c.type === 'Ready' || c.type === 'ContainersReady'
      ? { ...c, status: 'False', reason: 'ContainersNotReady' }
      : c,
  );
  status.containerStatuses = statuses.map((c) =>
    c.name !== container
      ? c
      : {
          ...c,
          ready: false,
          started: false,
          restartCount: restarts,
          state: {
            waiting: {
              reason: 'CrashLoopBackOff',
              message: `back-off ${backOff}s restarting failed container=${container} pod=${pod.metadata.name}_${pod.metadata.namespace}(${String(pod.metadata.uid)})`,
            },
          },
          lastState: {
            terminated: { exitCode, reason: 'Error', startedAt: timestamp, finishedAt: timestamp },
          },
        },
  );
  return status;
}

type RolloutPhase = 'progressing' | 'complete' | 'failed';

/**
 * A workload's `status` (formats.md, "Rollouts"), counted from its pods as the controllers count
 * them: `updatedReplicas` those of the current template, `readyReplicas` the ready ones; a
 * StatefulSet's `currentRevision` stays the one its old pods run (`stableHash`) until it completes.
 */
export function rolloutStatus(
  workload: KubeObject,
  pods: readonly KubeObject[],
  phase: RolloutPhase,
  timestamp: string,
  stableHash?: string,
): Obj {
  const replicas = (workload.spec as { replicas?: number }).replicas ?? 1;
  const hash = templateHash(templateOf(workload));
  const updated = pods.filter((p) => podHash(p) === hash).length;
  const ready = pods.filter(podReady).length;
  const base = {
    observedGeneration: workload.metadata.generation ?? 1,
    replicas: pods.length,
    updatedReplicas: updated,
    readyReplicas: ready,
    availableReplicas: ready,
  };
  if (workload.kind === 'StatefulSet') {
    const update = `${workload.metadata.name}-${hash}`;
    const current = phase === 'complete' ? hash : (stableHash ?? hash);
    return {
      ...base,
      currentReplicas: pods.filter((p) => podHash(p) === current).length,
      currentRevision: `${workload.metadata.name}-${current}`,
      updateRevision: update,
    };
  }
  return {
    ...base,
    ...(ready < replicas ? { unavailableReplicas: replicas - ready } : {}),
    conditions: deploymentConditions(`${workload.metadata.name}-${hash}`, phase, timestamp),
  };
}

/** A Deployment's Available and Progressing conditions; the ReplicaSet is named by the template hash. */
function deploymentConditions(replicaSet: string, phase: RolloutPhase, timestamp: string): Obj[] {
  const done = phase === 'complete';
  const progressing =
    phase === 'failed'
      ? {
          status: 'False',
          reason: 'ProgressDeadlineExceeded',
          message: `ReplicaSet "${replicaSet}" has timed out progressing.`,
        }
      : {
          status: 'True',
          reason: done ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated',
          message: `ReplicaSet "${replicaSet}" ${done ? 'has successfully progressed' : 'is progressing'}.`,
        };
  return [
    {
      type: 'Available',
      status: 'True',
      reason: 'MinimumReplicasAvailable',
      message: 'Deployment has minimum availability.',
      lastUpdateTime: timestamp,
      lastTransitionTime: timestamp,
    },
    { type: 'Progressing', ...progressing, lastUpdateTime: timestamp, lastTransitionTime: timestamp },
  ];
}

function suffix(random: () => number): string {
  return Array.from({ length: 5 }, () => SAFE[Math.floor(random() * SAFE.length)]).join('');
}

function hashIndex(text: string, modulo: number): number {
  let h = 0;
  for (const char of text) h = (Math.imul(h, 31) + char.charCodeAt(0)) >>> 0;
  return modulo > 0 ? h % modulo : 0;
}
