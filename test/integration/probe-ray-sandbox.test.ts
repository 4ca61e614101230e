import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PerfError } from '../../src/errors.js';
import { rayProbe } from '../../src/probes/ray/run.js';
import type { ProbeDeps } from '../../src/probes/types.js';
import { rayTools } from '../../src/sim/tools/ray.js';
import { probeDeps } from '../helpers/probe-deps.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

let sb: TestSandbox;
beforeEach(async () => {
  sb = await startTestSandbox({ tools: rayTools, seed: 5 });
});
afterEach(async () => {
  await sb.close();
});

function deps(): ProbeDeps {
  return probeDeps({ kube: sb.kube });
}

describe('rayProbe through the Kubernetes adapter and the sandbox', () => {
  it('runs the benchmark on the head pod and reads its JSON line', async () => {
    const d = deps();
    const prepared = await rayProbe.prepare(d, {});
    expect(prepared.context).toMatchObject({
      namespace: 'ml-platform',
      nodeCount: 3,
      settings: { cluster_cpus: '12' },
    });
    expect(prepared.context.pod).toMatch(/^ray-head-/);
    const out = await rayProbe.runOnce(d, prepared, 0);
    expect(out.samples.cluster_cpus).toBe(12);
    expect(out.samples.tiny_tasks_per_sec).toBeGreaterThan(1000);
    expect(out.samples.cpu_tasks_per_sec).toBeGreaterThan(0);
    expect(out.samples.io_tasks_per_sec).toBeGreaterThan(0);
    expect(out.raw).toContain('Connecting to existing Ray cluster');
  });

  it('gets more throughput when the workers are scaled out', async () => {
    const d = deps();
    const two = await rayProbe.runOnce(d, await rayProbe.prepare(d, {}), 0);
    await sb.kube.patchObject(
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'ml-platform', name: 'ray-worker' },
      { spec: { replicas: 5 } },
      { type: 'merge' },
    );
    const five = await rayProbe.runOnce(d, await rayProbe.prepare(d, {}), 0);
    expect(five.samples.cluster_cpus).toBe(24);
    expect(five.samples.cpu_tasks_per_sec).toBeGreaterThan(
      two.samples.cpu_tasks_per_sec ?? Number.POSITIVE_INFINITY,
    );
  });

  it('fails clearly when ray.bad-output leaves no result line', async () => {
    const d = deps();
    const prepared = await rayProbe.prepare(d, {});
    sb.sandbox.faults.set('ray.bad-output', { times: 1 });
    const error = await rayProbe.runOnce(d, prepared, 0).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PerfError);
    expect(error).toMatchObject({ code: 'probe_failed', context: { service: 'ray', step: 'parse' } });
  });
});
