import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PerfError } from '../../src/errors.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

let t: TestSandbox;
beforeAll(async () => {
  t = await startTestSandbox({ seed: 7 });
});
afterAll(() => t.close());

describe('kube adapter: metrics.k8s.io', () => {
  it('reads node usage below allocatable', async () => {
    const [nodes, usage] = await Promise.all([t.kube.listNodes(), t.kube.nodeUsage()]);
    expect(usage.map((u) => u.name).sort()).toEqual(nodes.map((n) => n.name).sort());
    for (const u of usage) {
      const node = nodes.find((n) => n.name === u.name);
      expect(u.cpuMilli).toBeGreaterThan(300);
      expect(u.cpuMilli).toBeLessThan(node?.allocatable.cpuMilli ?? 0);
      expect(u.memoryBytes).toBeGreaterThan(1024 ** 3);
      expect(u.memoryBytes).toBeLessThan(node?.allocatable.memoryBytes ?? 0);
      expect(Date.parse(u.timestamp)).not.toBeNaN();
    }
  });

  it('reads pod usage below limits, the Trino workers the closest to their memory limit', async () => {
    const [pods, usage] = await Promise.all([
      t.kube.listPods('data-platform'),
      t.kube.podUsage('data-platform'),
    ]);
    expect(usage).toHaveLength(3);
    let closest = 0;
    for (const u of usage) {
      const pod = pods.find((p) => p.name === u.name);
      for (const c of u.containers) {
        const limits = pod?.containers.find((x) => x.name === c.name)?.limits;
        expect(c.cpuMilli).toBeLessThan(limits?.cpuMilli ?? 0);
        expect(c.memoryBytes).toBeLessThan(limits?.memoryBytes ?? 0);
        if (u.name.startsWith('trino-worker'))
          closest = Math.max(closest, c.memoryBytes / (limits?.memoryBytes ?? 1));
      }
    }
    expect(closest).toBeGreaterThan(0.8);
  });

  it('varies a little from one read to the next', async () => {
    const a = await t.kube.podUsage('kafka');
    const b = await t.kube.podUsage('kafka');
    const cpu = (xs: typeof a) => xs.map((p) => p.containers[0]?.cpuMilli ?? 0);
    expect(cpu(a)).not.toEqual(cpu(b));
    for (const [i, x] of cpu(a).entries()) expect(Math.abs(x - (cpu(b)[i] ?? 0)) / x).toBeLessThan(0.12);
  });

  it('fails retryably while metrics-server is unavailable', async () => {
    t.sandbox.faults.set('metrics.unavailable', { times: 1 });
    const error = (await t.kube.nodeUsage().catch((e: unknown) => e)) as PerfError;
    expect(error.code).toBe('kube_api');
    expect(error.retryable).toBe(true);
    expect(error.userMessage).toContain('metrics.k8s.io');
    expect((await t.kube.nodeUsage()).length).toBe(4);
  });
});
