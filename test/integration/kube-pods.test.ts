import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PerfError } from '../../src/errors.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

let t: TestSandbox;
beforeAll(async () => {
  t = await startTestSandbox();
});
afterAll(() => t.close());

describe('kube adapter: pods and nodes', () => {
  it('finds a ready Kafka broker by label selector', async () => {
    const pod = await t.kube.findReadyPod('kafka', 'app.kubernetes.io/name=kafka');
    expect(pod).toMatchObject({ namespace: 'kafka', name: 'kafka-0', phase: 'Running', ready: true });
    expect(pod.labels['app.kubernetes.io/name']).toBe('kafka');
    expect(pod.nodeName).toMatch(/^k8s-worker-\d$/);
    expect(pod.containers).toEqual([
      {
        name: 'kafka',
        image: 'apache/kafka:3.7.0',
        requests: { cpuMilli: 1000, memoryBytes: 2 * 1024 ** 3 },
        limits: { cpuMilli: 2000, memoryBytes: 4 * 1024 ** 3 },
        restarts: 0,
      },
    ]);
    expect(pod.podIP).toMatch(/^10\.244\.\d+\.\d+$/);
  });

  it('filters by every term of the selector', async () => {
    const workers = await t.kube.listPods(
      'data-platform',
      'app.kubernetes.io/name=trino,app.kubernetes.io/component=worker',
    );
    expect(workers).toHaveLength(2);
    expect(workers.every((p) => p.name.startsWith('trino-worker-'))).toBe(true);
    const all = await t.kube.listPods('data-platform');
    expect(all).toHaveLength(3);
  });

  it('reports a container without limits as having none', async () => {
    const [minio] = await t.kube.listPods('minio', 'app.kubernetes.io/name=minio');
    expect(minio?.containers[0]?.limits).toEqual({});
    expect(minio?.containers[0]?.requests).toEqual({ cpuMilli: 500, memoryBytes: 2 * 1024 ** 3 });
  });

  it('throws probe_failed naming the namespace and selector when no pod matches', async () => {
    const error = await t.kube
      .findReadyPod('kafka', 'app.kubernetes.io/name=zookeeper')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PerfError);
    const perf = error as PerfError;
    expect(perf.code).toBe('probe_failed');
    expect(perf.userMessage).toContain('`kafka`');
    expect(perf.userMessage).toContain('app.kubernetes.io/name=zookeeper');
    expect(perf.userMessage).toContain('no pod matches');
  });

  it('says what it found when the matching pods are not ready', async () => {
    const pod = t.sandbox.state.list('Pod', 'redis')[0];
    if (!pod) throw new Error('seed has no redis pod');
    t.sandbox.state.put({
      ...pod,
      status: { ...(pod.status as object), phase: 'Pending', containerStatuses: [] },
    });
    const error = (await t.kube
      .findReadyPod('redis', 'app.kubernetes.io/name=redis')
      .catch((e: unknown) => e)) as PerfError;
    expect(error.code).toBe('probe_failed');
    expect(error.userMessage).toContain('redis-master-0 (Pending, 0/1 ready)');
    expect(error.retryable).toBe(true);
  });

  it('lists nodes with allocatable and capacity', async () => {
    const nodes = await t.kube.listNodes();
    expect(nodes).toHaveLength(4);
    for (const node of nodes) {
      expect(node.ready).toBe(true);
      expect(node.allocatable.cpuMilli).toBe(15_890);
      expect(node.allocatable.memoryBytes).toBe(64_691_540 * 1024);
      expect(node.capacity.cpuMilli).toBe(16_000);
    }
  });

  it('maps an unknown namespace to an empty list, as the API does', async () => {
    expect(await t.kube.listPods('nowhere')).toEqual([]);
  });
});
