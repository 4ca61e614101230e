import type { KubeObject } from '../../src/kube/port.js';
import { MemoryFaultSet } from '../../src/sim/kube/faults.js';
import { mulberry32 } from '../../src/sim/random.js';
import type { SandboxState } from '../../src/sim/types.js';

/**
 * A small in-memory `SandboxState` for the simulated tools' unit tests: objects in a map, the
 * sandbox's own seeded PRNG and fault set. It stands in for the sandbox's store (which also runs
 * rollouts and builds pods) so that these tests depend only on the contract. Objects are copied in
 * and out, as the store does, so a test cannot change the state by holding on to one.
 */
export interface SimState extends SandboxState {
  faults: MemoryFaultSet;
  put(object: KubeObject): void;
}

const keyOf = (kind: string, namespace: string | undefined, name: string) =>
  `${kind}/${namespace ?? ''}/${name}`;

export function createSimState(objects: readonly KubeObject[] = [], seed = 42): SimState {
  const store = new Map<string, KubeObject>();
  const state: SimState = {
    get: (kind, namespace, name) => structuredClone(store.get(keyOf(kind, namespace, name))),
    list: (kind, namespace) => {
      const prefix = namespace === undefined ? `${kind}/` : `${kind}/${namespace}/`;
      return [...store.entries()].filter(([k]) => k.startsWith(prefix)).map(([, o]) => structuredClone(o));
    },
    random: mulberry32(seed),
    faults: new MemoryFaultSet(),
    put: (o) =>
      void store.set(keyOf(o.kind ?? '', o.metadata.namespace, o.metadata.name), structuredClone(o)),
  };
  for (const object of objects) state.put(object);
  return state;
}
