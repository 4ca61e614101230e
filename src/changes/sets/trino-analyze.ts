import { z } from 'zod';
import { asPerfError, PerfError } from '../../errors.js';
import { type QueryOutcome, runQuery } from '../../probes/trino/client.js';
import { trinoEndpoint } from '../../probes/trino/run.js';
import type { KnobContext, KnobSet, Verification } from '../knob.js';
import { finishPlan, parseSettings } from '../knob-plan.js';
import type { ChangePlan, Check } from '../plan.js';

/**
 * `/perf tune trino analyze table=<catalog.schema.table>`: an approved `ANALYZE` (a full scan: heavy
 * on a large table), through the same Trino client and endpoint the trino probe uses. The table is
 * checked to exist and its statistics read first (`SHOW STATS FOR`); after, they are read again and
 * the row count must be known. Statistics cannot be put back: not undoable.
 */

/** A plain identifier: letters, digits, `_`, not starting with a digit (what needs no quoting to Trino). */
const Ident = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a plain name (letters, digits, _)');

/** `catalog.schema.table`, each part a plain name. @example TableNameSchema.parse('hive.lake.orders') */
export const TableNameSchema = z
  .string()
  .max(3 * 128)
  .transform((s) => s.split('.'))
  .pipe(z.tuple([Ident, Ident, Ident], { message: 'catalog.schema.table, e.g. hive.lake.orders' }))
  .transform(([catalog, schema, table]) => ({ catalog, schema, table }));
export type TableName = z.infer<typeof TableNameSchema>;

/** The table as SQL names it: every part double-quoted (never interpolated bare). */
export const quotedTable = (t: TableName): string =>
  [t.catalog, t.schema, t.table].map((p) => `"${p.replaceAll('"', '""')}"`).join('.');

const SettingsSchema = z.strictObject({ table: TableNameSchema });
const KEYS = [{ name: 'table', description: 'catalog.schema.table, e.g. hive.lake.orders' }] as const;

const ActionSchema = z.strictObject({
  table: z.strictObject({ catalog: Ident, schema: Ident, table: Ident }),
});

/** What `SHOW STATS FOR` says of the table: the summary row's row count, and the columns with distinct counts. */
export interface TableStats {
  rowCount: number | null;
  columns: number;
  columnsWithNdv: number;
}

/** SHOW STATS' rows (column_name, data_size, distinct_values_count, nulls_fraction, row_count, low, high). */
export function readStats(outcome: QueryOutcome): TableStats {
  const idx = (name: string) => outcome.columns.findIndex((c) => c.name === name);
  const [name, ndv, count] = [idx('column_name'), idx('distinct_values_count'), idx('row_count')];
  const summary = outcome.rows.find((r) => r[name] === null);
  const columns = outcome.rows.filter((r) => r[name] !== null);
  const rc = summary?.[count];
  return {
    rowCount: typeof rc === 'number' ? rc : null,
    columns: columns.length,
    columnsWithNdv: columns.filter((r) => typeof r[ndv] === 'number').length,
  };
}

const describeStats = (s: TableStats) =>
  `row count ${s.rowCount === null ? 'unknown' : s.rowCount}, distinct values known for ${s.columnsWithNdv} of ${s.columns} columns`;

function trino(ctx: KnobContext, sql: string, step: string): Promise<QueryOutcome> {
  const config = ctx.platform.services.trino;
  const endpoint = trinoEndpoint({ fetch: ctx.fetch, kube: ctx.kube }, config);
  return runQuery(sql, {
    baseUrl: endpoint.baseUrl,
    setting: endpoint.setting,
    user: config.user,
    source: config.source,
    fetch: endpoint.fetch,
    timeoutMs: config.timeoutSeconds * 1000,
    step,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
}

async function propose(ctx: KnobContext, settings: Readonly<Record<string, string>>): Promise<ChangePlan> {
  const { table } = parseSettings(trinoAnalyze, SettingsSchema, settings);
  const name = `${table.catalog}.${table.schema}.${table.table}`;
  let check: Check;
  let before: TableStats | undefined;
  try {
    before = readStats(await trino(ctx, `SHOW STATS FOR ${quotedTable(table)}`, 'show stats'));
    check = {
      name: 'table',
      outcome: 'pass',
      detail: `${name} exists; statistics now: ${describeStats(before)}`,
    };
  } catch (error) {
    check = {
      name: 'table',
      outcome: 'fail',
      detail: `SHOW STATS FOR ${name}: ${asPerfError(error).userMessage}`,
    };
  }
  return finishPlan(ctx, {
    component: 'trino',
    knobSet: 'analyze',
    settings: { table: name },
    notes: [
      `ANALYZE reads all of ${name}${before?.rowCount ? ` (${before.rowCount} rows)` : ''} once: heavy on a large table, and it competes with the queries running meanwhile.`,
      'Statistics cannot be put back: this change is not undoable.',
    ],
    targets: [],
    writes: [],
    restores: [],
    live: { apply: { table } },
    diff: [
      {
        object: `Trino table ${name}`,
        field: 'statistics',
        before: before ? describeStats(before) : null,
        after: 'collected by ANALYZE',
      },
    ],
    checks: [check],
    risk: 'low',
    riskReason: 'collects statistics only; no setting or restart',
    undoable: false,
  });
}

async function live(ctx: KnobContext, action: unknown): Promise<void> {
  const parsed = ActionSchema.safeParse(action);
  if (!parsed.success)
    throw new PerfError('internal', `bad trino analyze action: ${z.prettifyError(parsed.error)}`);
  await trino(ctx, `ANALYZE ${quotedTable(parsed.data.table)}`, 'analyze');
}

async function verify(ctx: KnobContext, plan: ChangePlan): Promise<Verification> {
  const { table } = ActionSchema.parse(plan.live?.apply);
  const after = readStats(await trino(ctx, `SHOW STATS FOR ${quotedTable(table)}`, 'show stats'));
  const name = `${table.catalog}.${table.schema}.${table.table}`;
  return {
    ok: after.rowCount !== null,
    lines: [
      `SHOW STATS FOR ${name}: ${describeStats(after)}`,
      ...(plan.diff[0]?.before ? [`before: ${plan.diff[0].before}`] : []),
    ],
  };
}

export const trinoAnalyze: KnobSet = {
  component: 'trino',
  name: 'analyze',
  summary: 'ANALYZE one table (statistics for the planner; not undoable)',
  keys: KEYS,
  propose,
  live,
  verify,
};
