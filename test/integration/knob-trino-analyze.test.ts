import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KnobContext } from '../../src/changes/knob.js';
import { planAccepted } from '../../src/changes/plan.js';
import { quotedTable, TableNameSchema } from '../../src/changes/sets/trino-analyze.js';
import { runQuery } from '../../src/probes/trino/client.js';
import { createSchemaSql, createTableSql, TABLE_NAME } from '../../src/probes/trino/sql.js';
import { createTrinoRoute } from '../../src/sim/trino/route.js';
import { expectPerfError, knobContext, mustKnobSet } from '../helpers/knobs.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

// `trino analyze` through the Trino client the probe uses, to the sandbox's coordinator behind the
// API server's service proxy (services.trino's default), through the real Kubernetes client.
let sb: TestSandbox;
let ctx: KnobContext;
const knob = mustKnobSet('trino', 'analyze');

beforeAll(async () => {
  sb = await startTestSandbox({ routes: [createTrinoRoute()] });
  ctx = knobContext(sb.kube);
});
afterAll(async () => {
  await sb?.close();
});

describe('trino analyze', () => {
  it('takes only catalog.schema.table of plain names, and quotes every part', async () => {
    await expectPerfError(
      knob.propose(ctx, { table: 'hive.lake.orders; DROP TABLE x' }),
      'usage',
      /plain name/,
    );
    await expectPerfError(knob.propose(ctx, { table: 'orders' }), 'usage', /catalog.schema.table/);
    await expectPerfError(knob.propose(ctx, {}), 'usage', /table/);
    const t = TableNameSchema.parse('hive.lake.orders');
    expect(quotedTable(t)).toBe('"hive"."lake"."orders"');
  });

  it('refuses a table that does not exist, in Trino’s words', async () => {
    const plan = await knob.propose(ctx, { table: 'hive.lake.nope' });
    expect(planAccepted(plan)).toBe(false);
    expect(plan.checks[0]).toMatchObject({
      outcome: 'fail',
      detail: expect.stringMatching(/Table 'hive.lake.nope' does not exist/),
    });
  });

  it('shows the statistics before, runs ANALYZE, and the row count is known after', async () => {
    const plan = await knob.propose(ctx, { table: 'hive.lake.orders' });
    expect(planAccepted(plan)).toBe(true);
    expect(plan).toMatchObject({ risk: 'low', undoable: false, writes: [], targets: [] });
    expect(plan.checks[0]?.detail).toMatch(/row count unknown, distinct values known for 0 of 5 columns/);
    const before = await knob.verify(ctx, plan);
    expect(before.ok).toBe(false);
    await knob.live?.(ctx, plan.live?.apply, plan);
    const after = await knob.verify(ctx, plan);
    expect(after).toEqual({
      ok: true,
      lines: [
        'SHOW STATS FOR hive.lake.orders: row count 1500000, distinct values known for 5 of 5 columns',
        'before: row count unknown, distinct values known for 0 of 5 columns',
      ],
    });
  });

  it("passes on the connector's refusal: the memory connector cannot analyze", async () => {
    // The probe's own table, made as the probe makes it, in the memory catalog.
    const config = ctx.platform.services.trino;
    const fetch = sb.kube.serviceFetch({
      namespace: config.namespace,
      name: config.service.name,
      port: config.service.port,
    });
    const options = {
      baseUrl: 'http://trino.data-platform.svc:8080',
      user: 'perfbot',
      fetch,
      timeoutMs: 10_000,
    };
    await runQuery(createSchemaSql('memory', 'perfbot'), options);
    await runQuery(createTableSql('memory', 'perfbot', 1000), options);
    const plan = await knob.propose(ctx, { table: `memory.perfbot.${TABLE_NAME}` });
    expect(plan.checks[0]).toMatchObject({
      outcome: 'pass',
      detail: expect.stringMatching(/row count unknown/),
    });
    await expect(knob.live?.(ctx, plan.live?.apply, plan)).rejects.toMatchObject({
      userMessage: expect.stringMatching(/This connector does not support analyze/),
    });
  });
});
