import type { KubeObject } from '../../kube/port.js';
import { SIMULATED_LABEL, SIMULATED_SPEED_LABEL } from '../../kube/port.js';

/** Builders for the seeded objects: the shapes `kubectl get -o json` shows for a node, a workload, a ConfigMap. */
interface Resources {
  cpu: string;
  memory: string;
}

export interface ContainerDef {
  name: string;
  image: string;
  env?: Record<string, string>;
  requests?: Resources;
  limits?: Resources;
  mounts?: Record<string, string>;
  port?: number;
}

export interface WorkloadMeta {
  namespace: string;
  name: string;
  replicas: number;
  labels: Record<string, string>;
}

function container(def: ContainerDef): Record<string, unknown> {
  const resources: Record<string, Resources> = {};
  if (def.requests) resources.requests = def.requests;
  if (def.limits) resources.limits = def.limits;
  return {
    name: def.name,
    image: def.image,
    ...(def.port ? { ports: [{ name: 'http', containerPort: def.port, protocol: 'TCP' }] } : {}),
    env: Object.entries(def.env ?? {}).map(([name, value]) => ({ name, value })),
    resources,
    volumeMounts: Object.entries(def.mounts ?? {}).map(([name, mountPath]) => ({ name, mountPath })),
  };
}

export function workload(
  kind: 'Deployment' | 'StatefulSet',
  meta: WorkloadMeta,
  containers: ContainerDef[],
  volumes: Record<string, unknown>[] = [],
): KubeObject {
  return {
    kind,
    metadata: { name: meta.name, namespace: meta.namespace, labels: meta.labels },
    spec: {
      replicas: meta.replicas,
      selector: { matchLabels: meta.labels },
      ...(kind === 'StatefulSet'
        ? { serviceName: meta.name, updateStrategy: { type: 'RollingUpdate' } }
        : {}),
      template: {
        metadata: { labels: meta.labels },
        spec: { containers: containers.map(container), volumes, restartPolicy: 'Always' },
      },
    },
  };
}

export const configMap = (namespace: string, name: string, data: Record<string, string>): KubeObject => ({
  kind: 'ConfigMap',
  metadata: { name, namespace },
  data,
});
export const pvc = (name: string) => ({ name, persistentVolumeClaim: { claimName: name } });
export const fromConfigMap = (name: string) => ({ name: 'config', configMap: { name } });

/** The labels the platform's charts put on a workload: `app.kubernetes.io/name` and any extra. */
export const sel = (name: string, extra: Record<string, string> = {}) => ({
  'app.kubernetes.io/name': name,
  ...extra,
});

export function node(name: string, index: number, speed = 1): KubeObject {
  const resources = { cpu: '16', memory: '65842516Ki', pods: '110' };
  return {
    kind: 'Node',
    metadata: {
      name,
      // Says, from the cluster itself, that figures measured here are simulated (see SIMULATED_LABEL).
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        [SIMULATED_LABEL]: 'true',
        // And how its clock relates to real time (see SIMULATED_SPEED_LABEL).
        [SIMULATED_SPEED_LABEL]: String(speed),
      },
    },
    spec: {},
    status: {
      capacity: resources,
      allocatable: { cpu: '15890m', memory: '64691540Ki', pods: '110' },
      conditions: [
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
      ],
      addresses: [
        { type: 'InternalIP', address: `10.0.0.${11 + index}` },
        { type: 'Hostname', address: name },
      ],
      nodeInfo: {
        kubeletVersion: 'v1.30.4',
        osImage: 'Ubuntu 22.04.4 LTS',
        containerRuntimeVersion: 'containerd://1.7.19',
      },
    },
  };
}

export const namespace = (name: string): KubeObject => ({
  kind: 'Namespace',
  metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
  spec: {},
  status: { phase: 'Active' },
});
