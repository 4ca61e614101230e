import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KnobContext } from '../../src/changes/knob.js';
import { invertPlan, planAccepted } from '../../src/changes/plan.js';
import { psqlTools } from '../../src/sim/tools/psql.js';
import { applyWrites, expectPerfError, knobContext, mustKnobSet, specAndData } from '../helpers/knobs.js';
import { type PrivatePostgres, startPrivatePostgres } from '../helpers/private-postgres.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

const knob = mustKnobSet('postgres', 'pool');
const sts = { apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: 'kong', name: 'postgresql' };

// Against the sandbox: psql by exec in postgresql-0 (the sandbox's psql models ALTER SYSTEM, reload
// and restart); the StatefulSet's restart through the real Kubernetes client.
describe('postgres pool, in the sandbox', () => {
  let sb: TestSandbox;
  let ctx: KnobContext;
  beforeAll(async () => {
    sb = await startTestSandbox({ tools: psqlTools });
    ctx = knobContext(sb.kube);
  });
  afterAll(async () => {
    await sb?.close();
  });

  it("refuses what PostgreSQL would, and a shared_buffers the pod's memory cannot hold", async () => {
    await expectPerfError(
      knob.propose(ctx, { work_mem: '10kB' }),
      'usage',
      /work_mem = 10kB is outside the range PostgreSQL allows/,
    );
    await expectPerfError(
      knob.propose(ctx, { shared_bufers: '1GB' }),
      'usage',
      /did you mean `shared_buffers`/,
    );
    const plan = await knob.propose(ctx, { shared_buffers: '4GB' });
    expect(planAccepted(plan)).toBe(false);
    expect(plan.checks).toContainEqual(
      expect.objectContaining({
        name: 'shared_buffers',
        outcome: 'fail',
        suggestion: 'shared_buffers=512MB',
      }),
    );
  });

  it('a reload-only setting needs no restart and no object write', async () => {
    const plan = await knob.propose(ctx, { effective_cache_size: '1536MB' });
    expect(plan).toMatchObject({ risk: 'low', writes: [], targets: [] });
    expect(plan.restart).toBeUndefined();
    await knob.live?.(ctx, plan.live?.apply, plan);
    expect(await knob.verify(ctx, plan)).toEqual({
      ok: true,
      lines: [expect.stringMatching(/^effective_cache_size = 1536MB \(postgresql-0\), pending_restart = f$/)],
    });
    const back = invertPlan(plan, 'c');
    await knob.live?.(ctx, back.live?.apply, back);
    expect((await knob.verify(ctx, back)).ok).toBe(true);
  });

  it('applies by ALTER SYSTEM, is pending until the StatefulSet restarts, and a rollback restores both', async () => {
    const snapshot = specAndData(await sb.kube.getObject(sts));
    const plan = await knob.propose(ctx, {});
    expect(planAccepted(plan)).toBe(true);
    expect(plan.notes.join('\n')).toMatch(/replaces the container’s whole `env` list/);
    expect(plan.diff.slice(0, 3).map((d) => [d.object, d.field, d.before, d.after])).toEqual([
      ['PostgreSQL postgresql-0', 'ALTER SYSTEM max_connections', '100', '200'],
      ['PostgreSQL postgresql-0', 'ALTER SYSTEM shared_buffers', '128MB', '512MB'],
      ['PostgreSQL postgresql-0', 'ALTER SYSTEM effective_cache_size', '4GB', '1536MB'],
    ]);
    expect(plan).toMatchObject({
      risk: 'high',
      riskReason: 'connection limits, memory settings, restarts the stateful postgresql',
    });
    expect(plan.restart).toEqual({
      workloads: [sts],
      cost: expect.stringMatching(/^postgresql-0 restarts: /),
    });
    expect(plan.checks.find((c) => c.name === 'shared_buffers')).toMatchObject({
      outcome: 'pass',
      detail: expect.stringMatching(/25%/),
    });

    await knob.live?.(ctx, plan.live?.apply, plan);
    const pending = await knob.verify(ctx, plan);
    expect(pending.ok).toBe(false);
    expect(pending.lines).toContain('not yet: max_connections: 100, pending restart');
    await applyWrites(sb.kube, plan);
    expect(await knob.verify(ctx, plan)).toMatchObject({ ok: true });

    const back = invertPlan(plan, 'c');
    await knob.live?.(ctx, back.live?.apply, back);
    await applyWrites(sb.kube, back);
    expect(await knob.verify(ctx, back)).toMatchObject({ ok: true });
    expect(specAndData(await sb.kube.getObject(sts))).toEqual(snapshot);
  });
});

// The live part against a PostgreSQL of the test's own (a direct session, as `services.postgres.mode:
// direct` opens it), restarted by the test as the StatefulSet's rollout would restart the pod.
describe('postgres pool, against a real PostgreSQL', () => {
  let pg: PrivatePostgres;
  let sb: TestSandbox;
  let ctx: KnobContext;
  beforeAll(async () => {
    [pg, sb] = await Promise.all([startPrivatePostgres(), startTestSandbox()]);
    ctx = knobContext(
      sb.kube,
      { services: { postgres: { mode: 'direct' } } },
      { PERFBOT_POSTGRES_URL: pg.url },
    );
  }, 60_000);
  afterAll(async () => {
    await Promise.all([pg?.stop(), sb?.close()]);
  });

  it('ALTER SYSTEM and reload, pending_restart until the restart, then SHOW reads it; the rollback likewise', async () => {
    const plan = await knob.propose(ctx, { max_connections: '150', work_mem: '8MB' });
    expect(plan.diff.slice(0, 2).map((d) => [d.field, d.before, d.after])).toEqual([
      ['ALTER SYSTEM max_connections', '100', '150'],
      ['ALTER SYSTEM work_mem', '4MB', '8MB'],
    ]);
    await knob.live?.(ctx, plan.live?.apply, plan);
    const pending = await knob.verify(ctx, plan);
    expect(pending).toEqual({
      ok: false,
      lines: ['work_mem = 8MB, pending_restart = f', 'not yet: max_connections: 100, pending restart'],
    });
    await pg.restart();
    expect(await knob.verify(ctx, plan)).toMatchObject({ ok: true });
    const back = invertPlan(plan, 'c');
    await knob.live?.(ctx, back.live?.apply, back);
    await pg.restart();
    expect(await knob.verify(ctx, back)).toMatchObject({ ok: true });
  }, 60_000);
});
