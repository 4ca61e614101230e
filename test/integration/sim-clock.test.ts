import { afterEach, describe, expect, it } from 'vitest';
import { createKubeClient } from '../../src/kube/client.js';
import { SIMULATED_SPEED_LABEL } from '../../src/kube/port.js';
import { trinoProbe } from '../../src/probes/trino/run.js';
import { type SimulatedPlatform, startSimulatedPlatform } from '../../src/sim/platform.js';
import { probeDeps } from '../helpers/probe-deps.js';

/** Issue 18, item 19: the simulated platform's clock is not visibly fake. */

const started: SimulatedPlatform[] = [];
async function platform(options: { speed?: number; seed?: number }): Promise<SimulatedPlatform> {
  const p = await startSimulatedPlatform({ speed: 0, ...options });
  started.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.close()));
});

describe('the simulated platform takes the time it reports, scaled by its speed', () => {
  it('a Trino run through the service proxy takes its queries’ elapsed time × the speed', async () => {
    const speed = 0.2;
    const sim = await platform({ speed, seed: 11 });
    const kube = createKubeClient({ kubeConfigYaml: sim.kubeconfig });
    const deps = probeDeps({ kube, platform: { services: { trino: { tableRows: 1_000_000 } } } });
    const prepared = await trinoProbe.prepare(deps, {});
    const t0 = Date.now();
    const out = await trinoProbe.runOnce(deps, prepared, 1);
    const wall = Date.now() - t0;
    const reported = ['count', 'aggregate', 'join']
      .map((step) => out.samples[`${step}.elapsed_ms`] ?? 0)
      .reduce((a, b) => a + b, 0);
    expect(reported).toBeGreaterThan(1_000);
    // Before: the coordinator answered at once, so a 1,903 ms self-join sat in a run "of 0 s".
    expect(wall).toBeGreaterThanOrEqual(reported * speed * 0.9);
    expect(wall).toBeLessThan(reported * speed + 3_000);
  }, 30_000);

  it('says its speed on its nodes, for results to carry', async () => {
    const sim = await platform({ speed: 0.05 });
    const nodes = await createKubeClient({ kubeConfigYaml: sim.kubeconfig }).listNodes();
    expect(nodes.length).toBeGreaterThan(0);
    for (const node of nodes) expect(node.labels[SIMULATED_SPEED_LABEL]).toBe('0.05');
  });
});

describe('each start of the simulated platform is a fresh draw, unless given a seed', () => {
  const usage = async (sim: SimulatedPlatform) =>
    (await createKubeClient({ kubeConfigYaml: sim.kubeconfig }).nodeUsage()).map((n) => n.cpuMilli);

  it('differs from one start to the next, and repeats with the same seed', async () => {
    const [a, b] = [await platform({}), await platform({})];
    expect(a.seed).not.toBe(b.seed);
    expect(await usage(a)).not.toEqual(await usage(b));
    const [c, d] = [await platform({ seed: a.seed }), await platform({ seed: a.seed })];
    expect(await usage(c)).toEqual(await usage(d));
  });
});
