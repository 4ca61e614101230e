/**
 * How the simulated coordinator reads SQL: it recognises the statements perfbot sends
 * (`src/probes/trino/sql.ts`) plus `SELECT 1`, and answers anything else the way Trino would answer
 * a statement it cannot run (SYNTAX_ERROR for an unknown first word, NOT_SUPPORTED otherwise).
 */

export type QueryKind = 'count' | 'aggregate' | 'join';

export interface TableRef {
  catalog: string;
  schema: string;
  table: string;
  /** 1-based position of the name in the SQL, for Trino's `line L:C:` prefix. */
  line: number;
  column: number;
}

export type SimStatement =
  | { kind: 'select1' }
  | { kind: 'nodes' }
  | { kind: 'queries' }
  | { kind: 'createSchema'; catalog: string; schema: string; ifNotExists: boolean; at: TableRef }
  | { kind: 'createTable'; ref: TableRef; rows: number; ifNotExists: boolean }
  | { kind: 'query'; query: QueryKind; ref: TableRef }
  | { kind: 'showStats'; ref: TableRef }
  | { kind: 'analyze'; ref: TableRef }
  | { kind: 'error'; errorName: string; message: string };

export interface Session {
  catalog: string | undefined;
  schema: string | undefined;
}

const STATEMENT_WORDS = ['ALTER', 'ANALYZE', 'CALL', 'COMMENT', 'COMMIT', 'CREATE', 'DEALLOCATE', 'DELETE']
  .concat(['DENY', 'DESC', 'DESCRIBE', 'DROP', 'EXECUTE', 'EXPLAIN', 'GRANT', 'INSERT', 'MERGE', 'PREPARE'])
  .concat(['REFRESH', 'RESET', 'REVOKE', 'ROLLBACK', 'SET', 'SHOW', 'START', 'TRUNCATE', 'UPDATE', 'USE'])
  .concat(['VALUES', 'WITH', 'SELECT', 'TABLE']);

const PART = `(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`;
const NAME = `(${PART}(?:\\s*\\.\\s*${PART}){0,2})`;

function position(sql: string, index: number): { line: number; column: number } {
  const before = sql.slice(0, index).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

function nameParts(name: string): string[] {
  return (name.match(new RegExp(PART, 'g')) ?? []).map((p) =>
    p.startsWith('"') ? p.slice(1, -1).replaceAll('""', '"').toLowerCase() : p.toLowerCase(),
  );
}

function err(errorName: string, where: { line: number; column: number }, text: string): SimStatement {
  return { kind: 'error', errorName, message: `line ${where.line}:${where.column}: ${text}` };
}

/** Resolves a 1-, 2- or 3-part name against the session's catalog and schema headers. */
function resolveTable(sql: string, name: string, index: number, session: Session): TableRef | SimStatement {
  const at = position(sql, index);
  const parts = nameParts(name);
  const table = parts.at(-1) ?? '';
  const schema = parts.length >= 2 ? parts.at(-2) : session.schema;
  const catalog = parts.length === 3 ? parts[0] : session.catalog;
  if (catalog === undefined) {
    return err('MISSING_CATALOG_NAME', at, 'Catalog must be specified when session catalog is not set');
  }
  if (schema === undefined) {
    return err('MISSING_SCHEMA_NAME', at, 'Schema must be specified when session schema is not set');
  }
  return { catalog, schema, table, ...at };
}

function isRef(v: TableRef | SimStatement): v is TableRef {
  return 'table' in v;
}

function classifyCreate(sql: string, session: Session): SimStatement | undefined {
  const schemaM = new RegExp(`^create\\s+schema\\s+(if\\s+not\\s+exists\\s+)?${NAME}$`, 'i').exec(sql);
  if (schemaM !== null) {
    const name = schemaM[2] ?? '';
    const parts = nameParts(name);
    const at = position(sql, sql.indexOf(name));
    const catalog = parts.length === 2 ? parts[0] : session.catalog;
    if (catalog === undefined)
      return err('MISSING_CATALOG_NAME', at, 'Catalog must be specified when session catalog is not set');
    const schema = parts.at(-1) ?? '';
    return {
      kind: 'createSchema',
      catalog,
      schema,
      ifNotExists: schemaM[1] !== undefined,
      at: { catalog, schema, table: '', ...at },
    };
  }
  const tableM = new RegExp(`^create\\s+table\\s+(if\\s+not\\s+exists\\s+)?${NAME}\\s+as\\s`, 'i').exec(sql);
  if (tableM === null) return undefined;
  const ref = resolveTable(sql, tableM[2] ?? '', sql.indexOf(tableM[2] ?? ''), session);
  if (!isRef(ref)) return ref;
  const rows = /where\s+orderkey\s*<\s*(\d+)\s*$/i.exec(sql);
  if (rows === null) return undefined;
  return { kind: 'createTable', ref, rows: Number(rows[1]), ifNotExists: tableM[1] !== undefined };
}

function classifySelect(sql: string, session: Session): SimStatement | undefined {
  if (/^select\s+1$/i.test(sql)) return { kind: 'select1' };
  if (/\bfrom\s+system\s*\.\s*runtime\s*\.\s*nodes\b/i.test(sql)) return { kind: 'nodes' };
  if (/\bfrom\s+system\s*\.\s*runtime\s*\.\s*queries\b/i.test(sql)) return { kind: 'queries' };
  const from = new RegExp(`\\bfrom\\s+${NAME}`, 'i').exec(sql);
  if (from === null) return undefined;
  const query: QueryKind | undefined = /\bjoin\b/i.test(sql)
    ? 'join'
    : /\bgroup\s+by\b/i.test(sql)
      ? 'aggregate'
      : /^select\s+count\(\s*\*\s*\)\s+from\s/i.test(sql)
        ? 'count'
        : undefined;
  if (query === undefined) return undefined;
  const name = from[1] ?? '';
  const ref = resolveTable(sql, name, from.index + from[0].length - name.length, session);
  return isRef(ref) ? { kind: 'query', query, ref } : ref;
}

/** `SHOW STATS FOR <table>` and `ANALYZE <table>` (no WITH properties). */
function classifyStats(sql: string, session: Session): SimStatement | undefined {
  const m = new RegExp(`^(show\\s+stats\\s+for|analyze)\\s+${NAME}$`, 'i').exec(sql);
  if (m === null) return undefined;
  const name = m[2] ?? '';
  const ref = resolveTable(sql, name, sql.length - name.length, session);
  if (!isRef(ref)) return ref;
  return { kind: /^show/i.test(m[1] ?? '') ? 'showStats' : 'analyze', ref };
}

/** Reads one statement as the coordinator's parser and analyzer would, to the extent perfbot needs. */
export function classifyStatement(text: string, session: Session): SimStatement {
  const sql = text.trim();
  const first = /^[A-Za-z]+/.exec(sql)?.[0]?.toUpperCase();
  if (first === undefined || !STATEMENT_WORDS.includes(first)) {
    const token = first ?? (sql === '' ? '<EOF>' : sql[0]);
    return err(
      'SYNTAX_ERROR',
      { line: 1, column: 1 },
      `mismatched input '${token}'. Expecting: ${STATEMENT_WORDS.map((w) => `'${w}'`).join(', ')}, <query>`,
    );
  }
  if (sql.endsWith(';')) {
    return err('SYNTAX_ERROR', position(sql, sql.length - 1), "mismatched input ';'. Expecting: <EOF>");
  }
  const found =
    first === 'CREATE'
      ? classifyCreate(sql, session)
      : first === 'SELECT'
        ? classifySelect(sql, session)
        : first === 'SHOW' || first === 'ANALYZE'
          ? classifyStats(sql, session)
          : undefined;
  return (
    found ?? {
      kind: 'error',
      errorName: 'NOT_SUPPORTED',
      message:
        'This simulated Trino coordinator runs only the statements perfbot sends (see src/probes/trino/sql.ts)',
    }
  );
}
