import { describe, expect, it } from 'vitest';
import { stuckPods, updateRevision } from '../../../src/changes/forced-rollback.js';
import type { KubeObject, PodInfo } from '../../../src/kube/port.js';

const workload = (status: Record<string, unknown>, generation = 3): KubeObject => ({
  kind: 'StatefulSet',
  metadata: { name: 'kafka', generation },
  status,
});
const pod = (name: string, revision: string, ready: boolean): PodInfo => ({
  namespace: 'kafka',
  name,
  labels: { 'controller-revision-hash': revision },
  nodeName: 'k8s-worker-1',
  phase: 'Running',
  ready,
  containers: [],
  restarts: ready ? 0 : 3,
  ...(ready ? {} : { waiting: 'CrashLoopBackOff' }),
});

describe('stuckPods', () => {
  const pods = [
    pod('kafka-0', 'kafka-old', true),
    pod('kafka-1', 'kafka-new', true),
    pod('kafka-2', 'kafka-new', false),
  ];

  it('names the pods of the failed revision that are not ready, once the restore is observed', () => {
    const restored = workload({
      observedGeneration: 3,
      currentRevision: 'kafka-old',
      updateRevision: 'kafka-old',
    });
    expect(stuckPods(restored, pods, 'kafka-new')).toEqual([pods[2]]);
  });

  it('waits while the controller has not seen the restored template', () => {
    const behind = workload({
      observedGeneration: 2,
      currentRevision: 'kafka-old',
      updateRevision: 'kafka-new',
    });
    expect(stuckPods(behind, pods, 'kafka-new')).toBe('not observed yet');
  });

  it('deletes nothing while the workload still rolls the failed revision (nothing was restored)', () => {
    const same = workload({
      observedGeneration: 3,
      currentRevision: 'kafka-old',
      updateRevision: 'kafka-new',
    });
    expect(stuckPods(same, pods, 'kafka-new')).toEqual([]);
  });
});

describe('updateRevision', () => {
  it("is a StatefulSet's status.updateRevision, and nothing for a Deployment", () => {
    expect(updateRevision(workload({ updateRevision: 'kafka-new' }))).toBe('kafka-new');
    expect(updateRevision({ kind: 'Deployment', metadata: { name: 'x' }, status: {} })).toBeUndefined();
  });
});
