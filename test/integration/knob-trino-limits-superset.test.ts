import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KnobContext } from '../../src/changes/knob.js';
import { invertPlan, planAccepted } from '../../src/changes/plan.js';
import { parseProperties, setProperties, trinoHeapBytes } from '../../src/changes/sets/trino-limits.js';
import { applyWrites, expectPerfError, knobContext, mustKnobSet, specAndData } from '../helpers/knobs.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

// `trino limits` and `superset cache` through the real Kubernetes client against the sandbox.
let sb: TestSandbox;
let ctx: KnobContext;
const limits = mustKnobSet('trino', 'limits');
const superset = mustKnobSet('superset', 'cache');

beforeAll(async () => {
  sb = await startTestSandbox();
  ctx = knobContext(sb.kube);
});
afterAll(async () => {
  await sb?.close();
});

describe('trino limits', () => {
  it('refuses a removed key with its replacement, an unknown one with the nearest, and limits above the heap', async () => {
    await expectPerfError(
      limits.propose(ctx, { 'query.max-total-memory-per-node': '2GB' }),
      'usage',
      /removed from Trino: use query.max-memory-per-node/,
    );
    await expectPerfError(
      limits.propose(ctx, { 'query.max-memory-per-nod': '2GB' }),
      'usage',
      /did you mean `query.max-memory-per-node`/,
    );
    // The seeded heap is -Xmx4G: 3GB + the default headroom (0.3 × heap) does not fit.
    await expectPerfError(
      limits.propose(ctx, { 'query.max-memory-per-node': '3GB' }),
      'usage',
      /must stay below the heap \(-Xmx 4GB\)/,
    );
  });

  it('sets one property in its line, rolls the workers then the coordinator, and the new pods read it', async () => {
    const refs = ['trino', 'trino-worker', 'trino-coordinator'];
    const before = await Promise.all(
      refs.map(async (name, i) =>
        specAndData(
          await sb.kube.getObject({
            apiVersion: i === 0 ? 'v1' : 'apps/v1',
            kind: i === 0 ? 'ConfigMap' : 'Deployment',
            namespace: 'data-platform',
            name,
          }),
        ),
      ),
    );
    const plan = await limits.propose(ctx, {});
    expect(plan.settings).toEqual({ 'query.max-memory-per-node': '2GB' });
    expect(planAccepted(plan)).toBe(true);
    expect(plan).toMatchObject({ risk: 'high', riskReason: 'memory limits (query.max-memory-per-node)' });
    expect(plan.diff[0]?.after).toContain('query.max-memory=4GB\nquery.max-memory-per-node=2GB\n');
    expect(plan.restart?.workloads.map((w) => w.name)).toEqual(['trino-worker', 'trino-coordinator']);
    await applyWrites(sb.kube, plan);
    const v = await limits.verify(ctx, plan);
    expect(v).toMatchObject({ ok: true });
    expect(v.lines.join('\n')).toMatch(/\/etc\/trino\/config.properties reads the new text/);
    await applyWrites(sb.kube, plan, 'restores');
    const after = await Promise.all(
      refs.map(async (name, i) =>
        specAndData(
          await sb.kube.getObject({
            apiVersion: i === 0 ? 'v1' : 'apps/v1',
            kind: i === 0 ? 'ConfigMap' : 'Deployment',
            namespace: 'data-platform',
            name,
          }),
        ),
      ),
    );
    expect(after).toEqual(before);
    expect((await limits.verify(ctx, invertPlan(plan, 'c'))).ok).toBe(true);
  });

  it('a duration is low risk', async () => {
    const plan = await limits.propose(ctx, { 'query.max-execution-time': '30m' });
    expect(plan).toMatchObject({ risk: 'low' });
    expect(plan.diff[0]?.after).toMatch(/\nquery.max-execution-time=30m$/);
  });
});

describe('config.properties and the heap', () => {
  it('reads and writes properties in place', () => {
    const text = '# c\ncoordinator=true\nquery.max-memory: 4GB\n';
    expect(parseProperties(text)).toEqual({ coordinator: 'true', 'query.max-memory': '4GB' });
    expect(setProperties(text, { 'query.max-memory': '8GB', 'query.max-history': '50' })).toBe(
      '# c\ncoordinator=true\nquery.max-memory=8GB\nquery.max-history=50\n',
    );
  });
  it('takes -Xmx, else MaxRAMPercentage of the limit', () => {
    expect(trinoHeapBytes('-server\n-Xmx4G', 8 * 1024 ** 3)).toBe(4 * 1024 ** 3);
    expect(trinoHeapBytes('-XX:MaxRAMPercentage=80', 10 * 1024 ** 3)).toBe(8 * 1024 ** 3);
    expect(trinoHeapBytes('-server', undefined)).toBeUndefined();
  });
});

describe('superset cache', () => {
  const ref = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'superset', name: 'superset' };

  it('validates host and port', async () => {
    await expectPerfError(superset.propose(ctx, { redis: 'redis;rm -rf /:6379' }), 'usage', /DNS name/);
    await expectPerfError(superset.propose(ctx, { redis: 'redis:70000' }), 'usage', /port 1–65535/);
    await expectPerfError(superset.propose(ctx, { redis: 'redis' }), 'usage', /host:port/);
  });

  it('points Superset at another Redis (low risk), the new pods carry it, and a restore puts it back', async () => {
    const snapshot = specAndData(await sb.kube.getObject(ref));
    const plan = await superset.propose(ctx, { redis: 'cache.redis.svc.cluster.local:6380' });
    expect(plan).toMatchObject({ risk: 'low', undoable: true });
    expect(plan.diff.map((d) => [d.field, d.before, d.after])).toEqual([
      [
        'container superset env REDIS_HOST',
        'redis-master.redis.svc.cluster.local',
        'cache.redis.svc.cluster.local',
      ],
      ['container superset env REDIS_PORT', '6379', '6380'],
    ]);
    await applyWrites(sb.kube, plan);
    expect(await superset.verify(ctx, plan)).toMatchObject({ ok: true });
    await applyWrites(sb.kube, plan, 'restores');
    expect(specAndData(await sb.kube.getObject(ref))).toEqual(snapshot);
    const recommended = await superset.propose(ctx, {});
    expect(recommended.notes.join('\n')).toMatch(/already points there/);
  });
});
