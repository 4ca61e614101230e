import type { KubeObject } from '../../../../src/kube/port.js';
import { createSimState, type SimState } from '../../../helpers/sim-state.js';

/**
 * The in-memory `SandboxState` for the Trino simulator's tests, with the objects the simulator reads
 * (the `trino` ConfigMap and the `trino-worker` Deployment); its faults have `peek`.
 */
export type TestState = SimState;

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
  const objects = withObjects ? [trinoConfigMap(DEFAULT_JVM, DEFAULT_PROPERTIES), workerDeployment(2)] : [];
  return createSimState(objects, seed);
}
