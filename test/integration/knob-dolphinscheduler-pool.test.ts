import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KnobContext } from '../../src/changes/knob.js';
import { invertPlan, planAccepted } from '../../src/changes/plan.js';
import { psqlTools } from '../../src/sim/tools/psql.js';
import { applyWrites, expectPerfError, knobContext, mustKnobSet, specAndData } from '../helpers/knobs.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

// `dolphinscheduler pool` through the real Kubernetes client against the sandbox; max_connections is
// read through the postgres probe's own session (psql by exec in the database pod).
let sb: TestSandbox;
let ctx: KnobContext;
const knob = mustKnobSet('dolphinscheduler', 'pool');
const ref = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  namespace: 'dolphinscheduler',
  name: 'dolphinscheduler-api',
};

beforeAll(async () => {
  sb = await startTestSandbox({ tools: psqlTools });
  ctx = knobContext(sb.kube);
});
afterAll(async () => {
  await sb?.close();
});

describe('dolphinscheduler pool', () => {
  it("refuses pools that would exhaust the database's max_connections, with the largest that fits", async () => {
    const plan = await knob.propose(ctx, { maximum_pool_size: '200' });
    expect(planAccepted(plan)).toBe(false);
    expect(plan.checks.find((c) => c.name === 'connections')).toEqual({
      name: 'connections',
      outcome: 'fail',
      detail: expect.stringMatching(
        /1 pod × 200 = 200 connections; PostgreSQL \(pod postgresql-0\) max_connections = 100/,
      ),
      suggestion: expect.stringMatching(/^maximum_pool_size=97 /),
    });
    expect(plan).toMatchObject({ risk: 'high', riskReason: 'connection limits (maximum_pool_size)' });
  });

  it("refuses values outside Hikari's ranges and minimum_idle above the pool, naming the keys", async () => {
    await expectPerfError(
      knob.propose(ctx, { minimum_idle: '60' }),
      'usage',
      /minimum_idle \(60\) must be at most maximum_pool_size \(50\)/,
    );
    await expectPerfError(
      knob.propose(ctx, { connection_timeout: '100' }),
      'usage',
      /connection_timeout.*250/,
    );
    await expectPerfError(
      knob.propose(ctx, { idle_timeout: '5000' }),
      'usage',
      /0 \(off\) or at least 10000 ms/,
    );
    await expectPerfError(
      knob.propose(ctx, { maximum_pool_size: 'lots' }),
      'usage',
      /whole number.*`maximum_pool_size`/s,
    );
    await expectPerfError(knob.propose(ctx, { pool_size: '5' }), 'usage', /unknown key `pool_size`/);
  });

  it('a timeout alone is low risk; adding a variable is restored by deleting it', async () => {
    const snapshot = specAndData(await sb.kube.getObject(ref));
    const plan = await knob.propose(ctx, { max_lifetime: '900000' });
    expect(plan).toMatchObject({ risk: 'low' });
    expect(plan.diff).toEqual([
      {
        object: 'Deployment dolphinscheduler/dolphinscheduler-api',
        field: 'container dolphinscheduler-api env SPRING_DATASOURCE_HIKARI_MAX_LIFETIME',
        before: null,
        after: '900000',
      },
    ]);
    await applyWrites(sb.kube, plan);
    expect(await knob.verify(ctx, plan)).toMatchObject({
      ok: true,
      lines: [expect.stringMatching(/SPRING_DATASOURCE_HIKARI_MAX_LIFETIME=900000$/)],
    });
    await applyWrites(sb.kube, plan, 'restores');
    expect(specAndData(await sb.kube.getObject(ref))).toEqual(snapshot);
    expect(await knob.verify(ctx, invertPlan(plan, 'chg-1'))).toMatchObject({
      ok: true,
      lines: [expect.stringMatching(/=\(not set\)$/)],
    });
  });

  it('proposes the recommended values without any, and the new pods carry them', async () => {
    const plan = await knob.propose(ctx, {});
    expect(plan.settings).toEqual({
      maximum_pool_size: '50',
      minimum_idle: '10',
      connection_timeout: '30000',
    });
    expect(plan.notes[0]).toMatch(/Recommended values/);
    expect(planAccepted(plan)).toBe(true);
    await applyWrites(sb.kube, plan);
    const v = await knob.verify(ctx, plan);
    expect(v.ok).toBe(true);
    expect(v.lines.join('\n')).toMatch(/SPRING_DATASOURCE_HIKARI_MINIMUM_IDLE=10/);
  });
});

describe('dolphinscheduler pool without a readable database', () => {
  it('warns that max_connections could not be read, and does not block', async () => {
    const bare = await startTestSandbox();
    try {
      const plan = await mustKnobSet('dolphinscheduler', 'pool').propose(knobContext(bare.kube), {
        maximum_pool_size: '40',
      });
      expect(plan.checks.find((c) => c.name === 'connections')).toMatchObject({
        outcome: 'warn',
        detail: expect.stringMatching(/could not read the database's max_connections.*unchecked/),
      });
      expect(planAccepted(plan)).toBe(true);
    } finally {
      await bare.close();
    }
  });
});
