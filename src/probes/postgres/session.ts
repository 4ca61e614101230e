import { PerfError } from '../../errors.js';
import { type LatencySummary, summarizeLatency } from './parse.js';
import { PROBE_SQL } from './queries.js';

/**
 * How the PostgreSQL probe talks to the server. Two adapters: `direct` (the `pg` client, from
 * perfbot's process) and `exec` (`psql` in the database pod, through the KubePort).
 *
 * @example const { rows } = await session.query(SNAPSHOT_SQL)
 */
export interface SqlSession {
  readonly mode: 'direct' | 'exec';
  /** Runs one statement; every cell as text (NULL → ''), in column order, like `psql -At`. */
  query(sql: string): Promise<SqlRows>;
  /**
   * Runs `sql` `n` times, one after another in one session, and returns each execution's latency.
   * What is timed differs by adapter and is named in `method`.
   */
  timeRepeated(sql: string, n: number): Promise<TimedRuns>;
  close(): Promise<void>;
}

export interface SqlRows {
  rows: string[][];
  /** The tool's output (exec) or the rows as text (direct), kept as the run's raw evidence. */
  raw: string;
}

export interface TimedRuns {
  durationsMs: number[];
  raw: string;
  /**
   * `client_round_trip`: perfbot's own clock around each round trip (direct mode).
   * `psql_timing`: psql's `\timing` inside the pod, around each query over the pod-local connection.
   */
  method: 'client_round_trip' | 'psql_timing';
}

export interface QueryLatency extends LatencySummary {
  durationsMs: number[];
  method: TimedRuns['method'];
  raw: string;
}

/**
 * Times `n` runs of the probe query and summarises them (p50/p95/p99/mean in ms). Exported for the
 * pgbench comparison in `bench/`, which runs it against the same server as `pgbench -S`.
 *
 * @example const { p95 } = await measureQueryLatency(session, 200)
 */
export async function measureQueryLatency(session: SqlSession, n: number): Promise<QueryLatency> {
  const timed = await session.timeRepeated(PROBE_SQL, n);
  if (timed.durationsMs.length !== n) {
    throw new PerfError('probe_failed', `expected ${n} query timings, got ${timed.durationsMs.length}`, {
      userMessage: `The PostgreSQL probe asked for ${n} timed queries but got ${timed.durationsMs.length} timings back.`,
      context: { service: 'postgres', mode: session.mode, lastLines: timed.raw.slice(-500) },
    });
  }
  const summary = summarizeLatency(timed.durationsMs);
  if (!summary.ok) throw summary.error;
  return { ...summary.value, durationsMs: timed.durationsMs, method: timed.method, raw: timed.raw };
}
