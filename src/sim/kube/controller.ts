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

/** The pods a workload runs once its rollout is complete: one per replica, from the current template. */
export function buildPods(
  kind: string,
  workload: KubeObject,
  nodes: string[],
  ctx: PodContext,
): KubeObject[] {
  const template = templateOf(workload) ?? {};
  const spec = workload.spec as { replicas?: number };
  const hash = templateHash(template);
  const { name } = workload.metadata;
  const owner =
    kind === 'StatefulSet'
      ? { apiVersion: 'apps/v1', kind: 'StatefulSet', name, controller: true }
      : { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${name}-${hash}`, controller: true };
  const pod = { kind, workload, template, hash, owner, nodes, ctx };
  return Array.from({ length: spec.replicas ?? 1 }, (_, i) => buildPod(pod, i));
}

interface PodSource {
  kind: string;
  workload: KubeObject;
  template: Obj;
  hash: string;
  owner: Obj;
  nodes: string[];
  ctx: PodContext;
}

/** Replica `i` of a workload: its name, labels, owner, node (kept across rollouts) and running status. */
function buildPod(p: PodSource, i: number): KubeObject {
  const { name } = p.workload.metadata;
  const namespace = p.workload.metadata.namespace ?? 'default';
  const labels = ((p.template.metadata as Obj | undefined)?.labels ?? {}) as Record<string, string>;
  const podName = p.kind === 'StatefulSet' ? `${name}-${i}` : `${name}-${p.hash}-${suffix(p.ctx.random)}`;
  const extra =
    p.kind === 'StatefulSet'
      ? { 'controller-revision-hash': `${name}-${p.hash}`, 'statefulset.kubernetes.io/pod-name': podName }
      : { 'pod-template-hash': p.hash };
  const previous = p.ctx.existing(podName)?.spec as { nodeName?: string } | undefined;
  const nodeName = previous?.nodeName ?? p.nodes[hashIndex(podName, p.nodes.length)] ?? 'k8s-worker-1';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: podName,
      namespace,
      labels: { ...labels, ...extra },
      ownerReferences: [p.owner],
      uid: p.ctx.uid(),
      creationTimestamp: p.ctx.timestamp,
    },
    spec: { ...structuredClone((p.template.spec ?? {}) as Obj), nodeName },
    status: runningStatus(p.template, p.ctx.timestamp, hashIndex(podName, 250) + 2),
  };
}

function runningStatus(template: Obj, timestamp: string, ip: number): Obj {
  const containers = ((template.spec as Obj | undefined)?.containers ?? []) as {
    name: string;
    image: string;
  }[];
  const conditions = ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({
    type,
    status: 'True',
    lastTransitionTime: timestamp,
  }));
  return {
    phase: 'Running',
    conditions,
    podIP: `10.244.1.${ip}`,
    startTime: timestamp,
    containerStatuses: containers.map((c) => ({
      name: c.name,
      image: c.image,
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: timestamp } },
    })),
  };
}

type RolloutPhase = 'progressing' | 'complete' | 'failed';

/** A workload's `status` in each phase of a rollout (formats.md, "Rollouts"). */
export function rolloutStatus(workload: KubeObject, phase: RolloutPhase, timestamp: string): Obj {
  const replicas = (workload.spec as { replicas?: number }).replicas ?? 1;
  const generation = workload.metadata.generation ?? 1;
  const done = phase === 'complete';
  const hash = templateHash(templateOf(workload));
  const previous = (workload.status ?? {}) as Obj;
  const base = {
    observedGeneration: generation,
    replicas,
    updatedReplicas: done ? replicas : phase === 'failed' ? 1 : 0,
    readyReplicas: done ? replicas : Math.max(replicas - 1, 0),
  };
  if (workload.kind === 'StatefulSet') {
    const update = `${workload.metadata.name}-${hash}`;
    return {
      ...base,
      currentReplicas: done ? replicas : replicas - base.updatedReplicas,
      availableReplicas: base.readyReplicas,
      currentRevision: done ? update : (previous.currentRevision ?? update),
      updateRevision: update,
    };
  }
  return {
    ...base,
    availableReplicas: base.readyReplicas,
    ...(done ? {} : { unavailableReplicas: replicas - base.readyReplicas }),
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
