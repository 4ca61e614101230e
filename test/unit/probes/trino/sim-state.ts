import type { KubeObject } from '../../../../src/kube/port.js';
import type { FaultSet, FaultSpec, SandboxState } from '../../../../src/sandbox/types.js';

/**
 * A small in-memory `SandboxState` for the Trino simulator's tests: the objects the simulator reads
 * (the `trino` ConfigMap and the `trino-worker` Deployment), seeded noise, and faults with `peek`.
 * It stands in for the sandbox's own store so that these tests depend only on the contract.
 */
export interface TestState extends SandboxState {
  put(object: KubeObject): void;
  faults: FaultSet & { peek(name: string): FaultSpec | undefined };
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function createFaults(): TestState['faults'] {
  const faults = new Map<string, FaultSpec>();
  return {
    set: (name, spec = {}) => void faults.set(name, { ...spec }),
    clear: (name) => (name === undefined ? faults.clear() : void faults.delete(name)),
    has: (name) => faults.has(name),
    peek: (name) => faults.get(name),
    take(name) {
      const spec = faults.get(name);
      if (spec?.times !== undefined) {
        if (spec.times <= 1) faults.delete(name);
        else faults.set(name, { ...spec, times: spec.times - 1 });
      }
      return spec;
    },
  };
}

export function trinoConfigMap(jvm: string, properties: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'trino', namespace: 'data-platform' },
    data: { 'jvm.config': jvm, 'config.properties': properties },
  };
}

export function workerDeployment(replicas: number, cpu = '4'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'trino-worker', namespace: 'data-platform' },
    spec: {
      replicas,
      template: { spec: { containers: [{ name: 'trino-worker', resources: { limits: { cpu } } }] } },
    },
  };
}

/** The runbook platform's Trino: two 4-core workers, 4G heaps, 1GB per node. */
export const DEFAULT_JVM = '-server\n-Xmx4G\n-XX:+UseG1GC\n-XX:+ExitOnOutOfMemoryError';
export const DEFAULT_PROPERTIES =
  'coordinator=true\nnode-scheduler.include-coordinator=false\nquery.max-memory=4GB\nquery.max-memory-per-node=1GB';

export function createTestState(seed = 42, withObjects = true): TestState {
  const objects = new Map<string, KubeObject>();
  const key = (kind: string, ns: string | undefined, name: string) => `${kind}/${ns ?? ''}/${name}`;
  const state: TestState = {
    get: (kind, ns, name) => structuredClone(objects.get(key(kind, ns, name))),
    list: (kind, ns) =>
      [...objects.entries()].filter(([k]) => k.startsWith(`${kind}/${ns ?? ''}`)).map(([, v]) => v),
    random: mulberry32(seed),
    faults: createFaults(),
    put: (o) =>
      void objects.set(key(o.kind ?? '', o.metadata.namespace, o.metadata.name), structuredClone(o)),
  };
  if (withObjects) {
    state.put(trinoConfigMap(DEFAULT_JVM, DEFAULT_PROPERTIES));
    state.put(workerDeployment(2));
  }
  return state;
}
