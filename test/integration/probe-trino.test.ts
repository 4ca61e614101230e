import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Progress } from '../../src/jobs/contracts.js';
import { trinoProbe } from '../../src/probes/trino/run.js';
import type { Prepared, ProbeDeps } from '../../src/probes/types.js';
import { rejection } from '../helpers/errors.js';
import { probeDeps } from '../helpers/probe-deps.js';
import { fakeClock, startTrinoSim, type TrinoSim } from '../unit/probes/trino/sim-server.js';
import {
  createTestState,
  DEFAULT_JVM,
  DEFAULT_PROPERTIES,
  type TestState,
  trinoConfigMap,
  workerDeployment,
} from '../unit/probes/trino/sim-state.js';

let state: TestState;
let sim: TrinoSim;
let progress: Progress[];

beforeEach(async () => {
  state = createTestState(7);
  sim = await startTrinoSim(state);
  progress = [];
});
afterEach(() => sim.close());

/** Trino needs no Kubernetes access: probeDeps' default KubePort fails the test on any call. */
function deps(): ProbeDeps {
  return probeDeps({
    platform: { services: { trino: { url: sim.url, tableRows: 1_000_000 } } },
    clock: fakeClock(),
    progress: (update) => progress.push(update),
  });
}

/** A warm-up run, then `runs` measured ones: the samples of each. */
async function measure(d: ProbeDeps, prepared: Prepared, runs: number): Promise<Record<string, number>[]> {
  await trinoProbe.runOnce(d, prepared, 0);
  const out: Record<string, number>[] = [];
  for (let i = 1; i <= runs; i++) out.push((await trinoProbe.runOnce(d, prepared, i)).samples);
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const joinElapsed = (runs: Record<string, number>[]) =>
  median(runs.map((s) => s['join.elapsed_ms'] ?? Number.NaN));

describe('trinoProbe against the simulated coordinator', () => {
  it('prepares the table and records every metric from the server stats', async () => {
    const d = deps();
    const prepared = await trinoProbe.prepare(d, {});
    expect(prepared.params).toEqual({
      host: new URL(sim.url).host,
      catalog: 'memory',
      schema: 'perfbot',
      tableRows: 1_000_000,
    });
    expect(prepared.context).toMatchObject({
      namespace: 'data-platform',
      nodeCount: 3,
      settings: { trinoVersion: '476' },
    });
    expect(progress.map((p) => p.message)).toContain('Ensuring memory.perfbot.perfbot_orders (1000000 rows)');

    const run = await trinoProbe.runOnce(d, prepared, 0);
    expect(Object.keys(run.samples).sort()).toEqual(trinoProbe.metrics.map((m) => m.key).sort());
    for (const value of Object.values(run.samples)) expect(Number.isFinite(value)).toBe(true);
    expect(run.samples['count.processed_rows']).toBe(1_000_000);
    expect(run.samples['join.processed_rows']).toBe(2_000_000);
    expect(run.samples['join.elapsed_ms']).toBeGreaterThan(
      run.samples['count.elapsed_ms'] ?? Number.POSITIVE_INFINITY,
    );
    const raw = JSON.parse(run.raw) as Record<
      string,
      { queryId: string; stats: { state: string; elapsedTimeMillis: number } }
    >;
    expect(raw.join?.stats.state).toBe('FINISHED');
    expect(raw.join?.stats.elapsedTimeMillis).toBe(run.samples['join.elapsed_ms']);
    expect(trinoProbe.runs({}, d.platform)).toBe(3);
    expect(trinoProbe.runs({ runs: 5 }, d.platform)).toBe(5);
  });

  it('is slower on its first run, which the warm-up discards', async () => {
    const d = deps();
    const prepared = await trinoProbe.prepare(d, {});
    const first = (await trinoProbe.runOnce(d, prepared, 0)).samples;
    const later = await measure(d, prepared, 3);
    expect(trinoProbe.warmup).toBe(true);
    expect(first['count.elapsed_ms']).toBeGreaterThan(median(later.map((s) => s['count.elapsed_ms'] ?? 0)));
  });

  it('keeps an existing table when prepared again', async () => {
    const d = deps();
    await trinoProbe.prepare(d, {});
    const again = await trinoProbe.prepare(d, {});
    expect(again.params.tableRows).toBe(1_000_000);
  });

  it("fails a run with Trino's error name when a query fails", async () => {
    const d = deps();
    const prepared = await trinoProbe.prepare(d, {});
    state.faults.set('trino.error', { times: 1, match: 'JOIN', errorName: 'REMOTE_TASK_ERROR' });
    const error = await rejection(trinoProbe.runOnce(d, prepared, 0));
    expect(error.code).toBe('probe_failed');
    expect(error.context).toMatchObject({ service: 'trino', step: 'join', errorName: 'REMOTE_TASK_ERROR' });
    expect(error.userMessage).toContain('REMOTE_TASK_ERROR (INTERNAL_ERROR)');
  });

  it('reports EXCEEDED_LOCAL_MEMORY_LIMIT when the per-node memory is too small', async () => {
    const d = deps();
    const prepared = await trinoProbe.prepare(d, {});
    state.put(trinoConfigMap(DEFAULT_JVM, 'query.max-memory=4GB\nquery.max-memory-per-node=128MB'));
    const error = await rejection(trinoProbe.runOnce(d, prepared, 0));
    expect(error.context).toMatchObject({ step: 'join', errorName: 'EXCEEDED_LOCAL_MEMORY_LIMIT' });
    expect(error.userMessage).toContain('per-node memory limit of 128MB');
  });

  it('rides out a coordinator that answers 503 a few times', async () => {
    const d = deps();
    const prepared = await trinoProbe.prepare(d, {});
    state.faults.set('trino.unavailable', { times: 2 });
    const run = await trinoProbe.runOnce(d, prepared, 0);
    expect(run.samples['aggregate.elapsed_ms']).toBeGreaterThan(0);
  });

  it('runs faster with more workers and a larger heap, slower with a small one (medians)', async () => {
    const d = deps();
    const prepared = await trinoProbe.prepare(d, {});
    const baseline = joinElapsed(await measure(d, prepared, 5));
    state.put(workerDeployment(4));
    const moreWorkers = joinElapsed(await measure(d, prepared, 5));
    state.put(workerDeployment(2));
    state.put(trinoConfigMap('-server\n-Xmx16G', DEFAULT_PROPERTIES));
    const largerHeap = joinElapsed(await measure(d, prepared, 5));
    state.put(trinoConfigMap('-server\n-Xmx2G', DEFAULT_PROPERTIES));
    const smallerHeap = joinElapsed(await measure(d, prepared, 5));
    expect(moreWorkers).toBeLessThan(baseline * 0.8);
    expect(largerHeap).toBeLessThan(baseline);
    expect(smallerHeap).toBeGreaterThan(baseline);
  });

  it('spills when spilling is enabled and memory per node is short', async () => {
    const d = deps();
    const prepared = await trinoProbe.prepare(d, {});
    const baseline = await measure(d, prepared, 3);
    state.put(trinoConfigMap(DEFAULT_JVM, 'query.max-memory-per-node=128MB\nspill-enabled=true'));
    const spilling = await measure(d, prepared, 3);
    expect(baseline.every((s) => s['join.spilled_bytes'] === 0)).toBe(true);
    expect(spilling.every((s) => (s['join.spilled_bytes'] ?? 0) > 0)).toBe(true);
    expect(joinElapsed(spilling)).toBeGreaterThan(joinElapsed(baseline));
  });

  it('stops in prepare with a clear error when the coordinator is unavailable', async () => {
    state.faults.set('trino.unavailable');
    const error = await rejection(trinoProbe.prepare(deps(), {}));
    expect(error.context).toMatchObject({ service: 'trino', step: 'prepare.nodes', status: 503 });
    expect(error.retryable).toBe(true);
  });
});
