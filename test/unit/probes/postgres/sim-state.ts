import type { ExecRequest, ExecResult, KubeObject, KubePort, PodInfo } from '../../../../src/kube/port.js';
import type { SimTool } from '../../../../src/sim/types.js';
import { createSimState, type SimState } from '../../../helpers/sim-state.js';

/**
 * The in-memory SandboxState (test/helpers/sim-state.ts) for the simulated tools' round-trip tests,
 * with a clock the test moves (read by the tools as the store's `now`).
 */
export interface TestState extends SimState {
  now(): number;
  advance(ms: number): void;
}

export function createTestState(objects: KubeObject[] = [], seed = 42): TestState {
  let t = Date.UTC(2026, 0, 5, 9, 0, 0);
  return Object.assign(createSimState(objects, seed), {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  });
}

export function aPod(namespace: string, name: string, labels: Record<string, string>, cpu?: string) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels },
    spec: {
      containers: [{ name: 'main', image: 'img:1', resources: cpu === undefined ? {} : { limits: { cpu } } }],
    },
  };
}

/**
 * A KubePort whose exec runs simulated tools in-process (by program basename) over `state`; every
 * call is recorded. The real adapter over HTTP is exercised by the integration tests.
 */
export function simKube(state: TestState, tools: Record<string, SimTool>) {
  const calls: ExecRequest[] = [];
  const podInfo = (o: KubeObject): PodInfo => ({
    namespace: o.metadata.namespace ?? '',
    name: o.metadata.name,
    labels: (o.metadata.labels ?? {}) as Record<string, string>,
    nodeName: 'node-1',
    phase: 'Running',
    ready: true,
    containers: [{ name: 'main', image: 'img:1', requests: {}, limits: {} }],
    restarts: 0,
  });
  const matches = (o: KubeObject, selector: string) =>
    selector.split(',').every((kv) => {
      const [k, v] = kv.split('=');
      return (o.metadata.labels as Record<string, string> | undefined)?.[k ?? ''] === v;
    });
  const unsupported = () => Promise.reject(new Error('not used by these probes'));
  const kube: KubePort = {
    listPods: async (ns, selector) =>
      state
        .list('Pod', ns)
        .filter((p) => selector === undefined || matches(p, selector))
        .map(podInfo),
    async findReadyPod(ns, selector) {
      const pod = state.list('Pod', ns).find((p) => matches(p, selector));
      if (pod === undefined) throw new Error(`no pod for ${selector} in ${ns}`);
      return podInfo(pod);
    },
    async exec(request): Promise<ExecResult> {
      calls.push(request);
      const pod = state.get('Pod', request.namespace, request.pod);
      const program = (request.command[0] ?? '').split('/').pop() ?? '';
      const tool = tools[program];
      if (pod === undefined || tool === undefined)
        return { stdout: '', stderr: `${program}: not found\n`, exitCode: 127 };
      const out = await tool(request.command, {
        state,
        namespace: request.namespace,
        pod,
        container: request.container,
        stdin: request.stdin ?? '',
      });
      state.advance(out.durationMs ?? 0);
      return { stdout: out.stdout, stderr: out.stderr, exitCode: out.exitCode };
    },
    getObject: async (ref) => {
      const obj = state.get(ref.kind, ref.namespace, ref.name);
      if (obj === undefined) throw new Error(`${ref.kind} ${ref.name} not found`);
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
  return { kube, calls };
}
