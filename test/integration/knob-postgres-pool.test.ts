import postgresClient from 'pg';
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
    // Neither came from ALTER SYSTEM before the change: both were reset out of postgresql.auto.conf.
    expect(await autoConf()).toEqual([]);
    expect(await sourceOf(['max_connections', 'work_mem'])).toEqual([
      ['max_connections', '100', 'configuration file'],
      ['work_mem', '4096', 'default'],
    ]);
  }, 60_000);

  it("restores postgresql.auto.conf as it was: ALTER SYSTEM's own value kept, the others reset", async () => {
    await sql("ALTER SYSTEM SET work_mem = '6MB'");
    await sql('SELECT pg_reload_conf()');
    const plan = await knob.propose(ctx, { work_mem: '8MB', maintenance_work_mem: '128MB' });
    expect(plan.live?.restore).toEqual({
      set: [{ name: 'work_mem', value: '6MB' }],
      reset: [{ name: 'maintenance_work_mem', value: '64MB' }],
    });
    await knob.live?.(ctx, plan.live?.apply, plan);
    expect(await knob.verify(ctx, plan)).toMatchObject({ ok: true });
    expect(await autoConf()).toEqual([
      ['work_mem', '8MB'],
      ['maintenance_work_mem', '128MB'],
    ]);
    const back = invertPlan(plan, 'c');
    await knob.live?.(ctx, back.live?.apply, back);
    expect(await knob.verify(ctx, back)).toEqual({
      ok: true,
      lines: [
        'work_mem = 6MB, pending_restart = f',
        'maintenance_work_mem = 64MB, pending_restart = f',
        'maintenance_work_mem: not in postgresql.auto.conf, as before the change',
      ],
    });
    expect(await autoConf()).toEqual([['work_mem', '6MB']]);
    expect(await sourceOf(['maintenance_work_mem'])).toEqual([['maintenance_work_mem', '65536', 'default']]);
    await sql('ALTER SYSTEM RESET work_mem');
    await sql('SELECT pg_reload_conf()');
  }, 60_000);

  it('says so when a reset setting is still in postgresql.auto.conf', async () => {
    const plan = await knob.propose(ctx, { work_mem: '8MB' });
    await knob.live?.(ctx, plan.live?.apply, plan);
    const back = invertPlan(plan, 'c');
    // The restore did not run: auto.conf still has the change's line.
    expect(await knob.verify(ctx, back)).toMatchObject({
      ok: false,
      lines: expect.arrayContaining(['still in postgresql.auto.conf: work_mem = 8MB']),
    });
    await knob.live?.(ctx, back.live?.apply, back);
    expect(await knob.verify(ctx, back)).toMatchObject({ ok: true });
  }, 60_000);

  /** One statement on the private server, as its superuser. */
  async function sql(text: string): Promise<string[][]> {
    const client = new postgresClient.Client({ connectionString: pg.url });
    await client.connect();
    try {
      const result = await client.query({ text, rowMode: 'array' });
      return (result.rows as unknown[][]).map((r) => r.map(String));
    } finally {
      await client.end();
    }
  }
  const autoConf = () =>
    sql(
      "SELECT name, setting FROM pg_file_settings WHERE sourcefile LIKE '%postgresql.auto.conf' ORDER BY seqno",
    );
  const sourceOf = (names: string[]) =>
    sql(
      `SELECT name, setting, source FROM pg_settings WHERE name IN (${names.map((n) => `'${n}'`).join(', ')}) ORDER BY name`,
    );
});
