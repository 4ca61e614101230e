import { simError } from './errors.js';
import type { SimColumn, SimOutcome } from './pages.js';
import type { TableRef } from './sql.js';

/**
 * Table statistics in the simulated coordinator: `SHOW STATS FOR t` and `ANALYZE t`. Besides the
 * memory catalog perfbot's probe writes to, the sandbox has a `hive` catalog over the platform's
 * object store with one table, `hive.lake.orders` (TPC-H SF1's 1,500,000 orders), whose statistics are
 * unknown until it is analyzed, as a Hive table written without them. The memory connector cannot
 * analyze (Trino: NOT_SUPPORTED), and reports no statistics.
 */
export interface ExternalTable {
  rows: number;
  analyzed: boolean;
}

/** The hive catalog's tables, as a fresh coordinator knows them. */
export function createExternalTables(): Map<string, ExternalTable> {
  return new Map([['hive.lake.orders', { rows: 1_500_000, analyzed: false }]]);
}

/** TPC-H SF1 orders' columns as ANALYZE measures them: name, distinct values, low, high, bytes (varchar). */
const ORDERS: [string, number, string | null, string | null, number | null][] = [
  ['orderkey', 1_500_000, '1', '6000000', null],
  ['custkey', 99_996, '1', '149999', null],
  ['orderstatus', 3, null, null, 1_500_000],
  ['totalprice', 1_464_556, '857.71', '555285.16', null],
  ['orderdate', 2_406, '1992-01-01', '1998-08-02', null],
];

const STATS_COLUMNS: SimColumn[] = [
  { name: 'column_name', type: 'varchar' },
  { name: 'data_size', type: 'double' },
  { name: 'distinct_values_count', type: 'double' },
  { name: 'nulls_fraction', type: 'double' },
  { name: 'row_count', type: 'double' },
  { name: 'low_value', type: 'varchar' },
  { name: 'high_value', type: 'varchar' },
];

const ZERO_FIGURES = {
  queuedMs: 1,
  elapsedMs: 15,
  cpuMs: 0,
  wallMs: 0,
  peakMemoryBytes: 0,
  spilledBytes: 0,
  processedRows: 0,
  processedBytes: 0,
  nodes: 1,
  totalSplits: 0,
};

const keyOf = (ref: TableRef) => `${ref.catalog}.${ref.schema}.${ref.table}`;
const notFound = (ref: TableRef): SimOutcome => ({
  ok: false,
  error: simError('TABLE_NOT_FOUND', `line ${ref.line}:${ref.column}: Table '${keyOf(ref)}' does not exist`),
  figures: ZERO_FIGURES,
});

/** `SHOW STATS FOR t`: one row per column, then the summary row (column_name NULL) with the row count. */
export function showStats(
  external: ReadonlyMap<string, ExternalTable>,
  memory: ReadonlyMap<string, number>,
  ref: TableRef,
): SimOutcome {
  const table = external.get(keyOf(ref));
  if (table === undefined) {
    if (!memory.has(keyOf(ref))) return notFound(ref);
    return {
      ok: true,
      columns: STATS_COLUMNS,
      data: [[null, null, null, null, null, null, null]],
      figures: ZERO_FIGURES,
    };
  }
  const known = table.analyzed;
  const rows = ORDERS.map(([name, ndv, low, high, size]) =>
    known ? [name, size, ndv, 0, null, low, high] : [name, null, null, null, null, null, null],
  );
  return {
    ok: true,
    columns: STATS_COLUMNS,
    data: [...rows, [null, null, null, null, known ? table.rows : null, null, null]],
    figures: ZERO_FIGURES,
  };
}

/** `ANALYZE t`: reads the whole table (its cost: a full scan) and stores the statistics. */
export function analyze(
  external: Map<string, ExternalTable>,
  memory: ReadonlyMap<string, number>,
  ref: TableRef,
): SimOutcome {
  const table = external.get(keyOf(ref));
  if (table === undefined) {
    if (!memory.has(keyOf(ref))) return notFound(ref);
    return {
      ok: false,
      error: simError('NOT_SUPPORTED', 'This connector does not support analyze'),
      figures: ZERO_FIGURES,
    };
  }
  table.analyzed = true;
  // A full scan: about 1 µs of CPU a row spread over the workers, 60 bytes a row read.
  const figures = {
    ...ZERO_FIGURES,
    elapsedMs: Math.round(table.rows / 1000),
    cpuMs: Math.round(table.rows / 500),
    wallMs: Math.round(table.rows / 1000),
    processedRows: table.rows,
    processedBytes: table.rows * 60,
    totalSplits: 16,
  };
  return {
    ok: true,
    columns: [{ name: 'rows', type: 'bigint' }],
    data: [[table.rows]],
    figures,
    updateType: 'ANALYZE',
    updateCount: table.rows,
  };
}
