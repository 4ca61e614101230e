import { describe, expect, it } from 'vitest';
import { rolloutVerdict, workloadSelector } from '../../../src/changes/rollout.js';
import type { KubeObject, PodInfo } from '../../../src/kube/port.js';

/** Statuses as the controllers write them (formats.md, "Rollouts"; `kubectl get deploy -o json`). */
const deploy = (generation: number, status: Record<string, unknown>, replicas = 2): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'trino-worker', namespace: 'data-platform', generation },
  spec: { replicas, selector: { matchLabels: { app: 'trino', component: 'worker' } } },
  status,
});
const progressing = (reason: string, status = 'True') => [
  { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
  { type: 'Progressing', status, reason, message: 'ReplicaSet "trino-worker-6b7f9c" is progressing.' },
];
const sts = (status: Record<string, unknown>, partition?: number): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'postgresql', namespace: 'kong', generation: 3 },
  spec: {
    replicas: 1,
    updateStrategy: { type: 'RollingUpdate', ...(partition ? { rollingUpdate: { partition } } : {}) },
  },
  status,
});
const pod = (name: string, labels: Record<string, string>, extra: Partial<PodInfo> = {}): PodInfo => ({
  namespace: 'data-platform',
  name,
  labels,
  nodeName: 'k8s-worker-1',
  phase: 'Running',
  ready: true,
  containers: [{ name: 'trino-worker', image: 'trinodb/trino:450', requests: {}, limits: {} }],
  restarts: 0,
  ...extra,
});
const old = (n: number, extra: Partial<PodInfo> = {}) =>
  pod(`trino-worker-5d8c-${n}`, { 'pod-template-hash': '5d8c' }, extra);
const fresh = (n: number, extra: Partial<PodInfo> = {}) =>
  pod(`trino-worker-6b7f-${n}`, { 'pod-template-hash': '6b7f' }, extra);
const baseline = { revisions: ['5d8c'] };

describe('rolloutVerdict', () => {
  it('is complete when every replica is updated, available and ready, and the generation observed', () => {
    const done = deploy(4, {
      observedGeneration: 4,
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      conditions: progressing('NewReplicaSetAvailable'),
    });
    expect(rolloutVerdict(done, [fresh(1), fresh(2)], baseline)).toEqual({
      state: 'complete',
      progress: 'trino-worker: 2 of 2 pods updated, 2 ready',
    });
  });

  it('is progressing while an old pod is still there (status.replicas above updated), counting only new pods as ready', () => {
    const surge = deploy(4, {
      observedGeneration: 4,
      replicas: 3,
      updatedReplicas: 1,
      readyReplicas: 2,
      availableReplicas: 2,
      unavailableReplicas: 1,
      conditions: progressing('ReplicaSetUpdated'),
    });
    const verdict = rolloutVerdict(
      surge,
      [old(1), old(2), fresh(1, { ready: false, phase: 'Pending' })],
      baseline,
    );
    expect(verdict).toEqual({ state: 'progressing', progress: 'trino-worker: 1 of 2 pods updated, 0 ready' });
    const lastOld = deploy(4, {
      observedGeneration: 4,
      replicas: 3,
      updatedReplicas: 2,
      readyReplicas: 3,
      availableReplicas: 3,
    });
    expect(rolloutVerdict(lastOld, [old(1), fresh(1), fresh(2)], baseline).state).toBe('progressing');
  });

  it('ignores the conditions of a generation the controller has not observed yet (a restore right after a failure)', () => {
    const stale = deploy(5, {
      observedGeneration: 4,
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      conditions: progressing('ProgressDeadlineExceeded', 'False'),
    });
    expect(rolloutVerdict(stale, [old(1), old(2)], baseline).state).toBe('progressing');
  });

  it('fails on ProgressDeadlineExceeded, naming the new pods that are not ready', () => {
    const exceeded = deploy(4, {
      observedGeneration: 4,
      replicas: 3,
      updatedReplicas: 1,
      readyReplicas: 2,
      availableReplicas: 2,
      conditions: progressing('ProgressDeadlineExceeded', 'False').map((c) =>
        c.type === 'Progressing'
          ? { ...c, message: 'ReplicaSet "trino-worker-6b7f" has timed out progressing.' }
          : c,
      ),
    });
    const verdict = rolloutVerdict(exceeded, [old(1), old(2), fresh(1, { ready: false })], baseline);
    expect(verdict).toMatchObject({
      state: 'failed',
      reason: 'ProgressDeadlineExceeded: ReplicaSet "trino-worker-6b7f" has timed out progressing.',
    });
    expect(verdict.state === 'failed' && verdict.pods.map((p) => p.name)).toEqual(['trino-worker-6b7f-1']);
  });

  it.each([
    ['CrashLoopBackOff', { waiting: 'CrashLoopBackOff', restarts: 3, ready: false }, 'CrashLoopBackOff'],
    ['ImagePullBackOff', { waiting: 'ImagePullBackOff', ready: false, phase: 'Pending' }, 'ImagePullBackOff'],
    [
      'CreateContainerConfigError',
      { waiting: 'CreateContainerConfigError', ready: false },
      'CreateContainerConfigError',
    ],
    ['a restart while running', { restarts: 1 }, 'restarted 1 time'],
  ])('fails at once on a new pod in %s', (_name, extra, why) => {
    const surge = deploy(4, {
      observedGeneration: 4,
      replicas: 3,
      updatedReplicas: 1,
      readyReplicas: 2,
      availableReplicas: 2,
    });
    const verdict = rolloutVerdict(surge, [old(1), old(2), fresh(1, extra)], baseline);
    expect(verdict).toMatchObject({ state: 'failed', reason: `pod trino-worker-6b7f-1: ${why}` });
  });

  it('does not blame the change for an old pod that restarted before it', () => {
    const surge = deploy(4, {
      observedGeneration: 4,
      replicas: 3,
      updatedReplicas: 1,
      readyReplicas: 2,
      availableReplicas: 2,
    });
    const verdict = rolloutVerdict(
      surge,
      [old(1, { restarts: 7 }), old(2), fresh(1, { ready: false })],
      baseline,
    );
    expect(verdict.state).toBe('progressing');
  });

  it('tells a StatefulSet complete only once currentRevision caught up with updateRevision', () => {
    const rolling = {
      observedGeneration: 3,
      replicas: 1,
      readyReplicas: 1,
      updatedReplicas: 1,
      currentRevision: 'postgresql-7f9',
      updateRevision: 'postgresql-8a1',
    };
    const podOf = (rev: string, extra: Partial<PodInfo> = {}) =>
      pod('postgresql-0', { 'controller-revision-hash': rev }, { namespace: 'kong', ...extra });
    expect(rolloutVerdict(sts(rolling), [podOf('postgresql-8a1')]).state).toBe('progressing');
    const done = { ...rolling, currentRevision: 'postgresql-8a1' };
    expect(rolloutVerdict(sts(done), [podOf('postgresql-8a1')])).toEqual({
      state: 'complete',
      progress: 'postgresql: 1 of 1 pod updated, 1 ready',
    });
    // Its new pods are those of updateRevision, without a baseline.
    const crash = rolloutVerdict(sts(rolling), [
      podOf('postgresql-8a1', { waiting: 'CrashLoopBackOff', ready: false, restarts: 2 }),
    ]);
    expect(crash).toMatchObject({ state: 'failed', reason: 'pod postgresql-0: CrashLoopBackOff' });
    // A partitioned update stops at the partition, its revisions never equal.
    const partitioned = { ...rolling, replicas: 1, updatedReplicas: 0 };
    expect(rolloutVerdict(sts(partitioned, 1), [podOf('postgresql-7f9')]).state).toBe('complete');
  });

  it('builds the label selector from matchLabels', () => {
    expect(workloadSelector(deploy(1, {}))).toBe('app=trino,component=worker');
  });
});
