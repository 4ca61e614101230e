import { userInfo } from 'node:os';
import pg from 'pg';
import { z } from 'zod';
import type { Env } from '../../config/env.js';
import type { PlatformConfig } from '../../config/platform.js';
import { PerfError } from '../../errors.js';
import type { KubePort } from '../../kube/port.js';
import { postgresFailure } from './failures.js';
import type { SqlRows, SqlSession, TimedRuns } from './session.js';

type PostgresConfig = PlatformConfig['services']['postgres'];

/** Where to connect: a URL, or parts from perfbot.yaml plus the password from the Secret. */
export type DirectConnection =
  | { connectionString: string }
  | { host: string; port: number; database: string; user: string; password?: string };

const SecretSchema = z.object({ data: z.record(z.string(), z.string()).optional() });

/**
 * `PERFBOT_POSTGRES_URL` when set; else host/port/database/user from perfbot.yaml, with the password
 * read from `passwordSecret` (base64 in the Secret's `data`). The password is never logged.
 */
export async function resolveDirectConnection(
  env: Env,
  cfg: PostgresConfig,
  kube: KubePort,
): Promise<DirectConnection> {
  if (env.PERFBOT_POSTGRES_URL !== undefined) return { connectionString: env.PERFBOT_POSTGRES_URL };
  const base = { host: cfg.host, port: cfg.port, database: cfg.database, user: cfg.user };
  if (cfg.passwordSecret === undefined) return base;
  const { name, key } = cfg.passwordSecret;
  const secret = SecretSchema.safeParse(
    await kube.getObject({ apiVersion: 'v1', kind: 'Secret', namespace: cfg.namespace, name }),
  );
  const encoded = secret.success ? secret.data.data?.[key] : undefined;
  if (encoded === undefined) {
    throw new PerfError('probe_failed', `secret ${cfg.namespace}/${name} has no key ${key}`, {
      userMessage: `The Secret ${cfg.namespace}/${name} has no key "${key}". Check services.postgres.passwordSecret.`,
      context: { service: 'postgres', step: 'credentials' },
    });
  }
  return { ...base, password: Buffer.from(encoded, 'base64').toString('utf8') };
}

/** Opens a `pg` connection; queries and connection set-up are bounded by `timeoutMs`. */
export async function createDirectSession(
  connection: DirectConnection,
  timeoutMs: number,
): Promise<SqlSession> {
  const client = new pg.Client({
    ...('connectionString' in connection
      ? { connectionString: withDefaultUser(connection.connectionString) }
      : connection),
    application_name: 'perfbot',
    connectionTimeoutMillis: Math.min(timeoutMs, 10_000),
    statement_timeout: timeoutMs,
  });
  // An error after connect (server restart) is surfaced by the next query; keep it off the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw clientFailure(error, 'connect');
  }
  return {
    mode: 'direct',
    query: (sql) => queryRows(client, sql),
    timeRepeated: (sql, n) => timeRoundTrips(client, sql, n),
    close: () => client.end().catch(() => undefined),
  };
}

/**
 * libpq connects as the OS user when a URL names none; `pg` falls back to `$USER`, which is often
 * unset in containers and CI. Only `postgres://` URLs are completed; other forms pass unchanged.
 */
export function withDefaultUser(connectionString: string): string {
  if (!/^postgres(ql)?:\/\//.test(connectionString)) return connectionString;
  try {
    const url = new URL(connectionString);
    if (url.username !== '') return connectionString;
    url.username = encodeURIComponent(userInfo().username);
    return url.toString();
  } catch {
    return connectionString;
  }
}

async function queryRows(client: pg.Client, sql: string): Promise<SqlRows> {
  try {
    const result = await client.query<unknown[]>({ text: sql, rowMode: 'array' });
    const rows = result.rows.map((row) => row.map(cellText));
    return { rows, raw: rows.map((r) => r.join('|')).join('\n') };
  } catch (error) {
    throw clientFailure(error, 'query');
  }
}

/** Client-side round trips, timed with the monotonic clock: what an application of the database sees. */
async function timeRoundTrips(client: pg.Client, sql: string, n: number): Promise<TimedRuns> {
  const durationsMs: number[] = [];
  try {
    for (let i = 0; i < n; i += 1) {
      const start = process.hrtime.bigint();
      await client.query(sql);
      durationsMs.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  } catch (error) {
    throw clientFailure(error, 'timed queries');
  }
  // The same shape as psql's `\timing` lines, so that raw output reads alike in both modes.
  const raw = durationsMs.map((ms) => `Time: ${ms.toFixed(3)} ms`).join('\n');
  return { durationsMs, raw, method: 'client_round_trip' };
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/** SQLSTATE (DatabaseError) or errno (socket); Node 20 wraps dual-stack refusals in an AggregateError. */
function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, errors } = error as { code?: unknown; errors?: unknown };
  if (typeof code === 'string') return code;
  return Array.isArray(errors) ? errorCode(errors[0]) : undefined;
}

function clientFailure(error: unknown, step: string): PerfError {
  if (error instanceof PerfError) return error;
  const code = errorCode(error);
  const message = error instanceof Error && error.message !== '' ? error.message : String(code ?? error);
  return postgresFailure(
    code === undefined ? message : `${message} (${code})`,
    { mode: 'direct', step },
    code,
    error,
  );
}
