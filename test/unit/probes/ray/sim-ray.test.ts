import { describe, expect, it } from 'vitest';
import { PerfError } from '../../../../src/errors.js';
import { loadRayBenchScript, rayProbe } from '../../../../src/probes/ray/run.js';
import { rayTools } from '../../../../src/sim/tools/ray.js';
import { createTimeoutTool } from '../../../../src/sim/tools/timeout.js';
import { probeDeps, stateClock } from '../../../helpers/probe-deps.js';
import { aPod, createTestState, simKube, type TestState } from '../postgres/sim-state.js';

function rayState(workers: number, seed = 3): TestState {
  const pods = [aPod('ml-platform', 'ray-head-0', { 'ray.io/node-type': 'head' }, '4')];
  for (let i = 0; i < workers; i++) {
    pods.push(aPod('ml-platform', `ray-worker-${i}`, { 'ray.io/node-type': 'worker' }, '4000m'));
  }
  return createTestState(pods, seed);
}

function depsFor(state: TestState, ray: Record<string, unknown> = {}) {
  // The probe runs the benchmark under coreutils `timeout` (services.ray.inPodTimeout).
  const { kube, calls } = simKube(state, { ...rayTools, timeout: createTimeoutTool(rayTools) });
  const deps = probeDeps({ kube, platform: { services: { ray } }, clock: stateClock(state) });
  return { deps, calls };
}

async function baseline(state: TestState) {
  const { deps, calls } = depsFor(state);
  const prepared = await rayProbe.prepare(deps, {});
  const out = await rayProbe.runOnce(deps, prepared, 0);
  return { prepared, out, calls };
}

describe('simulated Ray benchmark through the Ray probe', () => {
  it('runs the repo script as an argument vector and reads its JSON line', async () => {
    const { prepared, out, calls } = await baseline(rayState(2));
    const script = await loadRayBenchScript();
    expect(calls[0]?.command).toEqual(['timeout', '-k', '10', '585', 'python', '-c', script, '--info-only']);
    expect(calls[1]?.command).toEqual([
      'timeout',
      '-k',
      '10',
      '585',
      'python',
      '-c',
      script,
      '--tiny',
      '10000',
      '--cpu',
      '200',
      '--io',
      '200',
    ]);
    expect(prepared.context).toMatchObject({
      pod: 'ray-head-0',
      nodeCount: 3,
      settings: { ray_version: '2.9.3', cluster_cpus: '12' },
    });
    expect(prepared.params).toEqual({ tinyTasks: 10000, cpuTasks: 200, ioTasks: 200 });
    expect(out.samples.cluster_cpus).toBe(12);
    expect(out.samples.tiny_tasks_per_sec).toBeGreaterThan(1000);
    expect(out.samples.cpu_tasks_per_sec).toBeGreaterThan(0);
    expect(out.samples.io_tasks_per_sec).toBeGreaterThan(0);
    expect(out.raw).toContain('Connected to Ray cluster');
  });

  it('gets faster with more workers', async () => {
    const two = await baseline(rayState(2));
    const six = await baseline(rayState(6));
    expect(six.out.samples.cluster_cpus).toBe(28);
    for (const key of ['tiny_tasks_per_sec', 'cpu_tasks_per_sec', 'io_tasks_per_sec']) {
      expect(six.out.samples[key]).toBeGreaterThan(two.out.samples[key] ?? Number.POSITIVE_INFINITY);
    }
  });

  it('counts workers from a worker Deployment when no worker pod is listed', async () => {
    const state = rayState(0);
    state.put({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'ray-worker', namespace: 'ml-platform' },
      spec: {
        replicas: 3,
        template: { spec: { containers: [{ name: 'w', resources: { limits: { cpu: '2' } } }] } },
      },
    });
    const { out } = await baseline(state);
    expect(out.samples.cluster_cpus).toBe(10);
  });

  it('fails with a clear message when ray.bad-output leaves no result line', async () => {
    const state = rayState(1);
    const { deps } = depsFor(state);
    const prepared = await rayProbe.prepare(deps, {});
    state.faults.set('ray.bad-output', { times: 1 });
    const error = await rayProbe.runOnce(deps, prepared, 0).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PerfError);
    expect((error as PerfError).code).toBe('probe_failed');
    expect((error as PerfError).userMessage).toMatch(/printed no result line/);
    // The fault is consumed: the next run answers again.
    expect((await rayProbe.runOnce(deps, prepared, 1)).samples.cluster_cpus).toBe(8);
  });

  it('maps a benchmark stopped at its in-pod deadline (exit 124) to a non-retryable timeout', async () => {
    const state = rayState(1);
    const { deps } = depsFor(state, { timeoutSeconds: 10, tinyTasks: 1_000_000, cpuTasks: 10_000 });
    const error = await rayProbe
      .prepare(deps, {})
      .then((prepared) => rayProbe.runOnce(deps, prepared, 0))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PerfError);
    expect(error).toMatchObject({
      code: 'timeout',
      retryable: false,
      context: { service: 'ray', exitCode: 124, deadlineSeconds: 8 },
    });
    expect((error as PerfError).userMessage).toMatch(/services\.ray\.timeoutSeconds is 10 s/);
  });

  it('runs the bare benchmark when inPodTimeout is off', async () => {
    const { deps, calls } = depsFor(rayState(1), { inPodTimeout: false });
    await rayProbe.prepare(deps, {});
    expect(calls[0]?.command[0]).toBe('python');
  });

  it('refuses to run any other python text', async () => {
    const state = rayState(1);
    const { kube } = simKube(state, rayTools);
    const result = await kube.exec({
      namespace: 'ml-platform',
      pod: 'ray-head-0',
      command: ['python3', '-c', 'print(1)'],
      timeoutMs: 1000,
    });
    expect(result.exitCode).toBe(1);
  });
});
