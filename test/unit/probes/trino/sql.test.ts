import { describe, expect, it } from 'vitest';
import {
  createSchemaSql,
  createTableSql,
  NODES_SQL,
  QUERY_STEPS,
  querySql,
  quoteIdent,
} from '../../../../src/probes/trino/sql.js';
import { classifyStatement } from '../../../../src/sim/trino/sql.js';

const session = { catalog: 'memory', schema: 'perfbot' };

describe('probe SQL', () => {
  it('quotes only names Trino would fold or reject', () => {
    expect(quoteIdent('perfbot')).toBe('perfbot');
    expect(quoteIdent('Perf-Bot')).toBe('"Perf-Bot"');
    expect(quoteIdent('a"b')).toBe('"a""b"');
  });

  it('generates the table within the 10,000-element limit of sequence()', () => {
    const sql = createTableSql('memory', 'perfbot', 1_000_000);
    expect(sql).toMatch(/^CREATE TABLE IF NOT EXISTS memory\.perfbot\.perfbot_orders AS/);
    expect(sql).toContain('UNNEST(sequence(0, 99)) AS h (hi)');
    expect(sql).toContain('UNNEST(sequence(0, 9999)) AS l (lo)');
    expect(sql).toMatch(/WHERE orderkey < 1000000$/);
    expect(createTableSql('memory', 'perfbot', 100_000_000)).toContain('sequence(0, 9999)) AS h');
    expect(createTableSql('memory', 'perfbot', 1001)).toContain('sequence(0, 0)) AS h');
  });

  it('refuses a row count outside what it can generate', () => {
    expect(() => createTableSql('memory', 'perfbot', 100_000_001)).toThrowError(RangeError);
    expect(() => createTableSql('memory', 'perfbot', 1.5)).toThrowError(RangeError);
  });

  it('runs a count, a group-by aggregate and a self-join', () => {
    expect(querySql('count', 'memory', 'perfbot')).toBe('SELECT count(*) FROM memory.perfbot.perfbot_orders');
    expect(querySql('aggregate', 'memory', 'perfbot')).toContain('GROUP BY custkey');
    expect(querySql('join', 'memory', 'perfbot')).toMatch(
      /perfbot_orders a JOIN memory\.perfbot\.perfbot_orders b/,
    );
  });
});

describe('the simulated coordinator reads the probe SQL', () => {
  it.each(QUERY_STEPS)('recognises the %s query', (step) => {
    expect(classifyStatement(querySql(step, 'memory', 'perfbot'), session)).toMatchObject({
      kind: 'query',
      query: step,
      ref: { catalog: 'memory', schema: 'perfbot', table: 'perfbot_orders' },
    });
  });

  it('recognises the set-up statements and reads the row count', () => {
    expect(classifyStatement(NODES_SQL, session)).toEqual({ kind: 'nodes' });
    expect(classifyStatement(createSchemaSql('memory', 'perfbot'), session)).toMatchObject({
      kind: 'createSchema',
      catalog: 'memory',
      schema: 'perfbot',
      ifNotExists: true,
    });
    expect(classifyStatement(createTableSql('memory', 'perfbot', 250_000), session)).toMatchObject({
      kind: 'createTable',
      rows: 250_000,
      ifNotExists: true,
    });
  });

  it('resolves quoted and unqualified names with the session headers', () => {
    expect(classifyStatement('SELECT count(*) FROM "Orders"', session)).toMatchObject({
      ref: { catalog: 'memory', schema: 'perfbot', table: 'orders', line: 1, column: 22 },
    });
    expect(
      classifyStatement('SELECT count(*) FROM orders', { catalog: undefined, schema: undefined }),
    ).toMatchObject({
      kind: 'error',
      errorName: 'MISSING_CATALOG_NAME',
    });
  });

  it('answers what it does not know like Trino', () => {
    expect(classifyStatement('FOO BAR', session)).toMatchObject({ kind: 'error', errorName: 'SYNTAX_ERROR' });
    expect(classifyStatement('SELECT 1;', session)).toMatchObject({
      errorName: 'SYNTAX_ERROR',
      message: "line 1:9: mismatched input ';'. Expecting: <EOF>",
    });
    expect(classifyStatement('DROP TABLE x', session)).toMatchObject({ errorName: 'NOT_SUPPORTED' });
    expect(classifyStatement('select 1', session)).toEqual({ kind: 'select1' });
  });
});
