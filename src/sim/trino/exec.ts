import { simError } from './errors.js';
import type { TrinoKnobs } from './knobs.js';
import { costQuery, type FinalFigures } from './model.js';
import type { SimColumn, SimOutcome } from './pages.js';
import type { QueryKind, SimStatement, TableRef } from './sql.js';
import { analyze, createExternalTables, type ExternalTable, showStats } from './stats.js';

/** The coordinator's catalogs: schemas by `catalog.schema`, memory tables by `catalog.schema.table` → rows. */
export interface SimCatalogs {
  schemas: Set<string>;
  tables: Map<string, number>;
  /** Statement shapes already planned once: later runs skip the compile cost. */
  warm: Set<string>;
  /** The hive catalog's tables (stats.ts). */
  external: Map<string, ExternalTable>;
}

export const SIM_VERSION = '476';
const CATALOGS = new Set(['memory', 'system', 'tpch', 'hive']);

export function createCatalogs(): SimCatalogs {
  return {
    schemas: new Set([
      'memory.default',
      'system.runtime',
      'system.information_schema',
      'tpch.tiny',
      'tpch.sf1',
      'hive.lake',
    ]),
    tables: new Map(),
    warm: new Set(),
    external: createExternalTables(),
  };
}

export interface ExecContext {
  catalogs: SimCatalogs;
  knobs: TrinoKnobs;
  random: () => number;
  slowFactor: number;
}

/** The figures of a statement that does no work (DDL, metadata, an early failure). */
export const ZERO: FinalFigures = {
  queuedMs: 1,
  elapsedMs: 12,
  cpuMs: 0,
  wallMs: 0,
  peakMemoryBytes: 0,
  spilledBytes: 0,
  processedRows: 0,
  processedBytes: 0,
  nodes: 1,
  totalSplits: 0,
};

function failed(errorName: string, message: string): SimOutcome {
  return { ok: false, error: simError(errorName, message), figures: ZERO };
}

function done(columns: SimColumn[], data: unknown[][], figures: FinalFigures = ZERO): SimOutcome {
  return { ok: true, columns, data, figures };
}

function at(ref: TableRef): string {
  return `line ${ref.line}:${ref.column}: `;
}

/** CATALOG_NOT_FOUND / SCHEMA_NOT_FOUND, as the analyzer reports them, or undefined. */
function missingSchema(c: SimCatalogs, ref: TableRef): SimOutcome | undefined {
  if (!CATALOGS.has(ref.catalog))
    return failed('CATALOG_NOT_FOUND', `${at(ref)}Catalog '${ref.catalog}' not found`);
  if (!c.schemas.has(`${ref.catalog}.${ref.schema}`)) {
    return failed('SCHEMA_NOT_FOUND', `${at(ref)}Schema '${ref.schema}' does not exist`);
  }
  return undefined;
}

function createSchema(ctx: ExecContext, s: Extract<SimStatement, { kind: 'createSchema' }>): SimOutcome {
  const key = `${s.catalog}.${s.schema}`;
  if (!CATALOGS.has(s.catalog))
    return failed('CATALOG_NOT_FOUND', `${at(s.at)}Catalog '${s.catalog}' not found`);
  if (s.catalog !== 'memory')
    return failed('NOT_SUPPORTED', 'This connector does not support creating schemas');
  if (ctx.catalogs.schemas.has(key) && !s.ifNotExists) {
    return failed('SCHEMA_ALREADY_EXISTS', `${at(s.at)}Schema '${key}' already exists`);
  }
  ctx.catalogs.schemas.add(key);
  return {
    ok: true,
    columns: [{ name: 'result', type: 'boolean' }],
    data: [[true]],
    figures: ZERO,
    updateType: 'CREATE SCHEMA',
  };
}

function storedRows(c: SimCatalogs): number {
  let rows = 0;
  for (const n of c.tables.values()) rows += n;
  return rows;
}

function cost(ctx: ExecContext, kind: QueryKind | 'ctas', rows: number, shape: string) {
  const cold = !ctx.catalogs.warm.has(shape);
  ctx.catalogs.warm.add(shape);
  const input = { kind, rows, storedRows: storedRows(ctx.catalogs), knobs: ctx.knobs, random: ctx.random };
  return costQuery({ ...input, cold, slowFactor: ctx.slowFactor });
}

function createTable(ctx: ExecContext, s: Extract<SimStatement, { kind: 'createTable' }>): SimOutcome {
  const missing = missingSchema(ctx.catalogs, s.ref);
  if (missing !== undefined) return missing;
  const key = `${s.ref.catalog}.${s.ref.schema}.${s.ref.table}`;
  if (s.ref.catalog !== 'memory')
    return failed('NOT_SUPPORTED', 'This connector does not support creating tables with data');
  const rowsColumn = [{ name: 'rows', type: 'bigint' }];
  if (ctx.catalogs.tables.has(key)) {
    if (!s.ifNotExists)
      return failed('TABLE_ALREADY_EXISTS', `${at(s.ref)}Destination table '${key}' already exists`);
    return {
      ok: true,
      columns: rowsColumn,
      data: [[0]],
      figures: ZERO,
      updateType: 'CREATE TABLE',
      updateCount: 0,
    };
  }
  const costed = cost(ctx, 'ctas', s.rows, 'ctas');
  if (!costed.ok) return { ok: false, error: costed.error, figures: ZERO };
  ctx.catalogs.tables.set(key, s.rows);
  const figures = costed.figures;
  return {
    ok: true,
    columns: rowsColumn,
    data: [[s.rows]],
    figures,
    updateType: 'CREATE TABLE',
    updateCount: s.rows,
  };
}

/** Plausible rows for each of perfbot's queries over a table of `n` generated orders. */
function resultOf(kind: QueryKind, n: number): { columns: SimColumn[]; data: unknown[][] } {
  if (kind === 'count') return { columns: [{ name: '_col0', type: 'bigint' }], data: [[n]] };
  if (kind === 'join') {
    return {
      columns: [
        { name: 'pairs', type: 'bigint' },
        { name: 'delta', type: 'double' },
      ],
      data: [[Math.max(0, n - 1), -0.01 * Math.max(0, n - 1)]],
    };
  }
  const perCustomer = Math.ceil(n / 10007);
  const data = Array.from({ length: Math.min(10, n) }, (_, i) => [
    10006 - i,
    perCustomer,
    perCustomer * (1399.99 - i),
  ]);
  const columns = [
    { name: 'custkey', type: 'bigint' },
    { name: 'orders', type: 'bigint' },
    { name: 'revenue', type: 'double' },
  ];
  return { columns, data };
}

function query(ctx: ExecContext, s: Extract<SimStatement, { kind: 'query' }>): SimOutcome {
  const missing = missingSchema(ctx.catalogs, s.ref);
  if (missing !== undefined) return missing;
  const key = `${s.ref.catalog}.${s.ref.schema}.${s.ref.table}`;
  const rows = ctx.catalogs.tables.get(key);
  if (rows === undefined) return failed('TABLE_NOT_FOUND', `${at(s.ref)}Table '${key}' does not exist`);
  const costed = cost(ctx, s.query, rows, `${s.query}:${key}`);
  if (!costed.ok) return { ok: false, error: costed.error, figures: ZERO };
  return { ok: true, ...resultOf(s.query, rows), figures: costed.figures };
}

/** Runs one statement against the simulated catalogs; DDL changes them. */
export function executeStatement(ctx: ExecContext, s: SimStatement): SimOutcome {
  switch (s.kind) {
    case 'error':
      return failed(s.errorName, s.message);
    case 'select1':
      return done([{ name: '_col0', type: 'integer' }], [[1]]);
    case 'nodes':
      return done(
        [
          { name: 'nodes', type: 'bigint' },
          { name: 'version', type: 'varchar' },
        ],
        [[ctx.knobs.workers + 1, SIM_VERSION]],
      );
    case 'queries':
      // The coordinator's recent history: two finished queries of a quiet platform (the asking
      // query itself is left out, as the caller filters its own id).
      return done(
        [
          { name: 'query_id', type: 'varchar' },
          { name: 'state', type: 'varchar' },
          { name: '_col2', type: 'bigint' },
          { name: '_col3', type: 'varchar' },
        ],
        [
          ['20240627_094458_00011_k3v8d', 'FINISHED', 1240, 'SELECT count(*) FROM hive.sales.orders'],
          [
            '20240627_094502_00012_k3v8d',
            'FINISHED',
            830,
            'SELECT region, sum(total) FROM hive.sales.orders GROUP BY 1',
          ],
        ],
      );
    case 'createSchema':
      return createSchema(ctx, s);
    case 'createTable':
      return createTable(ctx, s);
    case 'query':
      return query(ctx, s);
    case 'showStats':
      return (
        missingSchema(ctx.catalogs, s.ref) ?? showStats(ctx.catalogs.external, ctx.catalogs.tables, s.ref)
      );
    case 'analyze':
      return missingSchema(ctx.catalogs, s.ref) ?? analyze(ctx.catalogs.external, ctx.catalogs.tables, s.ref);
  }
}
