import { PerfError } from '../../../../src/errors.js';
import type { ExecRequest, KubeObject, KubePort, PodInfo } from '../../../../src/kube/port.js';
import { createTimeoutTool } from '../../../../src/sim/tools/timeout.js';
import type { SandboxState, SimExecOutcome, SimTool } from '../../../../src/sim/types.js';
import { createSimState, type SimState } from '../../../helpers/sim-state.js';

/**
 * A small in-memory sandbox for the Kafka tools' unit tests: a `kafka` StatefulSet and its pods, a
 * seeded random source and a fault set. The integration test uses the real sandbox server instead.
 */
export interface KafkaSetup {
  heapOpts?: string;
  env?: Record<string, string>;
  replicas?: number;
  image?: string;
  seed?: number;
}

export function createKafkaState(setup: KafkaSetup = {}): SimState & { objects: KubeObject[] } {
  const env = { KAFKA_HEAP_OPTS: setup.heapOpts ?? '-Xmx1G -Xms1G', ...setup.env };
  const container = {
    name: 'kafka',
    image: setup.image ?? 'apache/kafka:3.7.0',
    env: Object.entries(env).map(([name, value]) => ({ name, value })),
  };
  const replicas = setup.replicas ?? 3;
  const sts: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'kafka', namespace: 'kafka' },
    spec: { replicas, template: { spec: { containers: [container] } } },
  };
  const pods: KubeObject[] = Array.from({ length: replicas }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `kafka-${i}`,
      namespace: 'kafka',
      labels: { 'app.kubernetes.io/name': 'kafka' },
      ownerReferences: [{ kind: 'StatefulSet', name: 'kafka' }],
    },
    spec: { containers: [container] },
  }));
  const objects = [sts, ...pods];
  return Object.assign(createSimState(objects, setup.seed ?? 42), { objects });
}

/** Runs one simulated tool as the sandbox's exec would: by the basename of argv[0]. */
export async function runTool(
  tools: Record<string, SimTool>,
  state: SandboxState,
  command: readonly string[],
  podName = 'kafka-0',
): Promise<SimExecOutcome> {
  const name = (command[0] ?? '').split('/').at(-1) ?? '';
  const tool = tools[name];
  if (tool === undefined) return { stdout: '', stderr: `${name}: command not found\n`, exitCode: 127 };
  const pod = state.get('Pod', 'kafka', podName);
  if (pod === undefined) throw new Error(`no pod ${podName}`);
  return tool(command, { state, namespace: 'kafka', pod, container: 'kafka', stdin: '' });
}

/**
 * A `KubePort` over the in-memory state: pods, objects and exec into the simulated tools (and the
 * sandbox's `timeout` around them). A tool whose simulated duration exceeds the request's `timeoutMs`
 * fails with a `timeout` PerfError, as the real adapter does. Calls are recorded.
 */
export function createSimKube(state: ReturnType<typeof createKafkaState>, simTools: Record<string, SimTool>) {
  const tools = { timeout: createTimeoutTool(simTools), ...simTools };
  const execs: ExecRequest[] = [];
  const podInfo = (o: KubeObject): PodInfo => ({
    namespace: o.metadata.namespace ?? '',
    name: o.metadata.name,
    labels: (o.metadata.labels as Record<string, string>) ?? {},
    nodeName: 'k8s-worker-1',
    phase: 'Running',
    ready: true,
    containers: [{ name: 'kafka', image: 'apache/kafka:3.7.0', requests: {}, limits: {} }],
    restarts: 0,
  });
  const unsupported = () => Promise.reject(new Error('not used by the kafka probe'));
  const kube: KubePort = {
    listPods: async (namespace) => state.list('Pod', namespace).map(podInfo),
    async findReadyPod(namespace) {
      const pod = state.list('Pod', namespace)[0];
      if (pod === undefined) throw new PerfError('probe_failed', `no ready pod in ${namespace}`);
      return podInfo(pod);
    },
    async exec(request) {
      execs.push(request);
      const outcome = await runTool(tools, state, request.command, request.pod);
      if ((outcome.durationMs ?? 0) > request.timeoutMs) {
        throw new PerfError('timeout', `exec timed out after ${request.timeoutMs} ms`, { retryable: true });
      }
      return { stdout: outcome.stdout, stderr: outcome.stderr, exitCode: outcome.exitCode };
    },
    async getObject(ref) {
      const obj = state.get(ref.kind, ref.namespace, ref.name);
      if (obj === undefined) throw new PerfError('kube_api', `${ref.kind} ${ref.name} not found`);
      return obj;
    },
    patchObject: unsupported,
    listEvents: unsupported,
    podLogs: unsupported,
    deletePod: unsupported,
    listNodes: unsupported,
    nodeUsage: unsupported,
    podUsage: unsupported,
    serviceFetch: () => unsupported,
    cadvisorMetrics: unsupported,
  };
  return { kube, execs };
}
