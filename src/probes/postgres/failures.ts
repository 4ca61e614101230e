import { PerfError } from '../../errors.js';
import { lastLines as lastLinesOf } from '../output.js';

/**
 * Turns what psql or the `pg` client reports into a `probe_failed` PerfError whose userMessage says
 * what to check. Classification is by SQLSTATE / errno when there is one (direct mode) and by the
 * server's and libpq's fixed texts otherwise (psql prints no SQLSTATE by default).
 */
export type PostgresFailureKind =
  | 'unreachable'
  | 'auth'
  | 'no_database'
  | 'no_role'
  | 'too_many_connections'
  | 'starting_up'
  | 'sql'
  | 'other';

const SQLSTATE: Record<string, PostgresFailureKind> = {
  '28P01': 'auth',
  '28000': 'auth',
  '3D000': 'no_database',
  '53300': 'too_many_connections',
  '57P03': 'starting_up',
};

const ERRNO = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN']);

const TEXT_RULES: readonly [RegExp, PostgresFailureKind][] = [
  [
    /Connection refused|No such file or directory|could not translate host name|timeout expired/i,
    'unreachable',
  ],
  [/authentication failed|no pg_hba\.conf entry|password supplied|no password/i, 'auth'],
  [/FATAL: {1,2}database ".*" does not exist/, 'no_database'],
  [/FATAL: {1,2}role ".*" does not exist/, 'no_role'],
  [/too many clients|remaining connection slots are reserved/i, 'too_many_connections'],
  [/the database system is (starting up|shutting down|in recovery mode)/i, 'starting_up'],
  [/^(psql:[^\n]*: )?ERROR: /m, 'sql'],
];

/** Pure: which failure a psql/pg message (and optional SQLSTATE or errno) describes. */
export function classifyPostgresFailure(text: string, code?: string): PostgresFailureKind {
  if (code !== undefined) {
    const bySqlState = SQLSTATE[code];
    if (bySqlState !== undefined) return bySqlState;
    if (ERRNO.has(code)) return 'unreachable';
  }
  for (const [pattern, kind] of TEXT_RULES) if (pattern.test(text)) return kind;
  return 'other';
}

const ADVICE: Record<PostgresFailureKind, string> = {
  unreachable:
    'PostgreSQL did not accept the connection. Check that the database pod is running and ready, and ' +
    '(direct mode) services.postgres.host/port or PERFBOT_POSTGRES_URL.',
  auth:
    'PostgreSQL refused the credentials. Check services.postgres.user and the password in ' +
    'services.postgres.passwordSecret (direct mode), or the pod-local auth in pg_hba.conf (exec mode).',
  no_database: 'The database does not exist. Check services.postgres.database.',
  no_role: 'The role does not exist. Check services.postgres.user.',
  too_many_connections:
    'PostgreSQL has no free connection slot (max_connections reached): the probe could not connect.',
  starting_up: 'PostgreSQL is starting, stopping or recovering. Try again when the pod is ready.',
  sql: 'A probe statement failed on the server. The server message is below.',
  other: 'The PostgreSQL probe failed. The tool output is below.',
};

export interface FailureContext {
  mode: 'direct' | 'exec';
  step: string;
  pod?: string;
  exitCode?: number;
}

/** Builds the PerfError for a failure; `detail` is the tool's message (never holds a password). */
export function postgresFailure(
  detail: string,
  ctx: FailureContext,
  code?: string,
  cause?: unknown,
): PerfError {
  const kind = classifyPostgresFailure(detail, code);
  const lastLines = lastLinesOf(detail, 5);
  return new PerfError('probe_failed', `postgres ${ctx.step} failed (${kind}): ${lastLines}`, {
    userMessage: `${ADVICE[kind]}\n${lastLines}`,
    retryable: kind === 'unreachable' || kind === 'starting_up' || kind === 'too_many_connections',
    cause,
    context: {
      service: 'postgres',
      mode: ctx.mode,
      step: ctx.step,
      kind,
      pod: ctx.pod,
      exitCode: ctx.exitCode,
      lastLines,
    },
  });
}
