/**
 * The SQL the Trino probe sends, as pure functions of the config. It targets a real Trino with the
 * memory connector (`catalog: memory`): the test table is generated, so no other catalog (tpch,
 * hive) needs to be installed. The simulated coordinator (`src/sim/trino/sql.ts`) recognises
 * these shapes.
 */

export const TABLE_NAME = 'perfbot_orders';

/** The runbook's three queries, in the order they run. */
export const QUERY_STEPS = ['count', 'aggregate', 'join'] as const;
export type QueryStep = (typeof QUERY_STEPS)[number];

/** Trino folds unquoted names to lower case; anything else is quoted (`"` doubled inside). */
export function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

export function qualifiedSchema(catalog: string, schema: string): string {
  return `${quoteIdent(catalog)}.${quoteIdent(schema)}`;
}

export function qualifiedTable(catalog: string, schema: string): string {
  return `${qualifiedSchema(catalog, schema)}.${TABLE_NAME}`;
}

/** Lists the active nodes (coordinator included): the environment a result was measured in. */
export const NODES_SQL =
  "SELECT count(*) AS nodes, max(node_version) AS version FROM system.runtime.nodes WHERE state = 'active'";

export function createSchemaSql(catalog: string, schema: string): string {
  return `CREATE SCHEMA IF NOT EXISTS ${qualifiedSchema(catalog, schema)}`;
}

/**
 * An orders-like table of `rows` rows, generated in SQL. `sequence()` returns at most 10,000
 * elements, so the keys are the cross product of two sequences (high part × 10,000 + low part),
 * cut at `rows`; `rows` ≤ 100,000,000 keeps the high sequence within the limit too. The memory
 * connector keeps the table in the workers' memory (`memory.max-data-per-node`, 128MB by default,
 * holds about 3M rows per worker).
 */
export function createTableSql(catalog: string, schema: string, rows: number): string {
  if (!Number.isInteger(rows) || rows < 1 || rows > 100_000_000) {
    throw new RangeError(`rows must be an integer in 1..100000000, got ${rows}`);
  }
  const high = Math.ceil(rows / 10_000) - 1;
  return [
    `CREATE TABLE IF NOT EXISTS ${qualifiedTable(catalog, schema)} AS`,
    'SELECT orderkey,',
    '  orderkey % 10007 AS custkey,',
    "  element_at(ARRAY['F', 'O', 'P'], orderkey % 3 + 1) AS orderstatus,",
    '  CAST(orderkey % 100000 AS double) / 100 + 900 AS totalprice,',
    "  date_add('day', orderkey % 2406, DATE '1992-01-01') AS orderdate",
    'FROM (',
    '  SELECT hi * 10000 + lo AS orderkey',
    `  FROM UNNEST(sequence(0, ${high})) AS h (hi)`,
    '  CROSS JOIN UNNEST(sequence(0, 9999)) AS l (lo)',
    ') AS g',
    `WHERE orderkey < ${rows}`,
  ].join('\n');
}

/** The runbook's queries: a full count, a group-by aggregate (10,007 groups), a self-join. */
export function querySql(step: QueryStep, catalog: string, schema: string): string {
  const t = qualifiedTable(catalog, schema);
  switch (step) {
    case 'count':
      return `SELECT count(*) FROM ${t}`;
    case 'aggregate':
      return `SELECT custkey, count(*) AS orders, sum(totalprice) AS revenue FROM ${t} GROUP BY custkey ORDER BY revenue DESC LIMIT 10`;
    case 'join':
      return `SELECT count(*) AS pairs, sum(a.totalprice - b.totalprice) AS delta FROM ${t} a JOIN ${t} b ON b.orderkey = a.orderkey + 1`;
  }
}
