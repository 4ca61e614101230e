import { mean, quantile } from 'simple-statistics';
import { z } from 'zod';
import { fail, ok, PerfError, type Result } from '../../errors.js';

/**
 * Pure: psql `-At` text and `pg_stat_database` / `pg_settings` rows → typed figures. Rows come as
 * text cells whatever the mode (direct mode stringifies what `pg` returns), so one parser serves both.
 */

/** Field separator for `psql -At -F`: the ASCII unit separator never occurs in our columns. */
export const FIELD_SEPARATOR = '\u001f';

/** `psql -At -F sep` output → rows of cells. NULL prints as the empty string; blank lines are dropped. */
export function parseAtOutput(text: string, separator = FIELD_SEPARATOR): string[][] {
  return text
    .split(/\r?\n/)
    .filter((line) => line.length > 0)
    .map((line) => line.split(separator));
}

/**
 * psql's `\timing` lines (src/bin/psql/common.c, PrintTiming): `Time: 0.457 ms`, and from one second
 * on `Time: 1234.567 ms (00:01.235)`. The word is translated and the decimal mark follows LC_NUMERIC,
 * hence the loose label and `[.,]`.
 */
const TIMING_LINE = /^[^\s:|]+: (\d+[.,]\d+) ms(?: \([\d: d.,]+\))?$/;

export function parsePsqlTimings(text: string): number[] {
  const out: number[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = TIMING_LINE.exec(line.trim());
    if (m?.[1] !== undefined) out.push(Number(m[1].replace(',', '.')));
  }
  return out;
}

const Count = z.string().regex(/^\d+$/, 'a non-negative integer').transform(Number);
const Num = z
  .string()
  .regex(/^-?\d+(\.\d+)?$/, 'a number')
  .transform(Number);

const SnapshotRow = z.tuple([Count, Count, Count, Count, Count, Count, Num]);

/** One reading of the counters; `serverEpoch` is the server's `clock_timestamp()` in seconds. */
export interface DbSnapshot {
  xactCommit: number;
  xactRollback: number;
  blksRead: number;
  blksHit: number;
  connections: number;
  maxConnections: number;
  serverEpoch: number;
}

export function parseSnapshot(rows: readonly (readonly string[])[]): Result<DbSnapshot> {
  if (rows.length !== 1) {
    return fail(probeError(`expected one pg_stat_database row, got ${rows.length}`));
  }
  const parsed = SnapshotRow.safeParse(rows[0]);
  if (!parsed.success) return fail(probeError(`bad pg_stat_database row: ${z.prettifyError(parsed.error)}`));
  const [xactCommit, xactRollback, blksRead, blksHit, connections, maxConnections, serverEpoch] = parsed.data;
  return ok({ xactCommit, xactRollback, blksRead, blksHit, connections, maxConnections, serverEpoch });
}

/** What changed between two snapshots. Ratios are null when their denominator is zero (no data). */
export interface DbActivity {
  intervalSeconds: number;
  tps: number;
  rollbackRatio: number | null;
  /** blks_hit / (blks_hit + blks_read) over the interval; null when no block was touched. */
  cacheHitRatio: number | null;
  connections: number;
  maxConnections: number;
  connectionsPctOfMax: number;
}

export function computeActivity(before: DbSnapshot, after: DbSnapshot): Result<DbActivity> {
  const dt = after.serverEpoch - before.serverEpoch;
  if (!(dt > 0)) return fail(probeError(`the server clock did not advance between snapshots (Δt=${dt}s)`));
  const commits = after.xactCommit - before.xactCommit;
  const rollbacks = after.xactRollback - before.xactRollback;
  const hits = after.blksHit - before.blksHit;
  const reads = after.blksRead - before.blksRead;
  if (commits < 0 || rollbacks < 0 || hits < 0 || reads < 0) {
    return fail(probeError('pg_stat_database counters went backwards (statistics were reset): run again'));
  }
  const xacts = commits + rollbacks;
  return ok({
    intervalSeconds: dt,
    tps: xacts / dt,
    rollbackRatio: xacts === 0 ? null : rollbacks / xacts,
    cacheHitRatio: hits + reads === 0 ? null : hits / (hits + reads),
    connections: after.connections,
    maxConnections: after.maxConnections,
    connectionsPctOfMax: after.maxConnections > 0 ? (100 * after.connections) / after.maxConnections : 0,
  });
}

const SettingRow = z.tuple([z.string().min(1), z.string(), z.string(), z.string(), z.string()]);

/** A `pg_settings` row. `bytes` is set for memory settings (`setting` × `unit`). */
export interface PgSetting {
  name: string;
  setting: string;
  unit: string;
  /** How a change takes effect: `postmaster` needs a restart, `sighup`/`user` a reload. */
  context: string;
  /** As `SHOW` prints it: `128MB`. */
  display: string;
  bytes?: number;
}

const UNIT_BYTES: Record<string, number> = { B: 1, kB: 1024, '8kB': 8192, MB: 1024 ** 2, GB: 1024 ** 3 };

export function parseSettings(rows: readonly (readonly string[])[]): Result<PgSetting[]> {
  const out: PgSetting[] = [];
  for (const row of rows) {
    const parsed = SettingRow.safeParse(row);
    if (!parsed.success) return fail(probeError(`bad pg_settings row: ${z.prettifyError(parsed.error)}`));
    const [name, setting, unit, context, display] = parsed.data;
    const factor = UNIT_BYTES[unit];
    const value = Number(setting);
    const bytes = factor !== undefined && Number.isFinite(value) ? value * factor : undefined;
    out.push({ name, setting, unit, context, display, ...(bytes === undefined ? {} : { bytes }) });
  }
  return ok(out);
}

/** Settings as the result's context records them: `{ shared_buffers: '128MB', … }`. */
export function settingsContext(settings: readonly PgSetting[]): Record<string, string> {
  return Object.fromEntries(settings.map((s) => [s.name, s.display]));
}

/** Percentiles of the timed probe queries, in ms. */
export interface LatencySummary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

export function summarizeLatency(durationsMs: readonly number[]): Result<LatencySummary> {
  if (durationsMs.length === 0) return fail(probeError('no timed probe query returned a duration'));
  const [p50, p95, p99] = quantile(durationsMs, [0.5, 0.95, 0.99]);
  if (p50 === undefined || p95 === undefined || p99 === undefined) {
    return fail(probeError('quantile returned no value'));
  }
  return ok({ n: durationsMs.length, p50, p95, p99, mean: mean(durationsMs) });
}

function probeError(message: string): PerfError {
  return new PerfError('probe_failed', message, {
    userMessage: `The PostgreSQL probe could not read the server's figures: ${message}.`,
    context: { service: 'postgres' },
  });
}
