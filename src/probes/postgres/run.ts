import type { BaselineOptions } from '../../commands/options.js';
import { PerfError } from '../../errors.js';
import type { Prepared, Probe, ProbeDeps, RunOutput } from '../types.js';
import { createDirectSession, resolveDirectConnection } from './direct.js';
import { createExecSession } from './exec.js';
import { POSTGRES_METRICS } from './metrics.js';
import { computeActivity, type DbSnapshot, parseSettings, parseSnapshot, settingsContext } from './parse.js';
import { SETTINGS_SQL, SNAPSHOT_SQL } from './queries.js';
import { measureQueryLatency, type SqlSession } from './session.js';

interface Handle {
  session: SqlSession;
  queries: number;
  intervalMs: number;
}

/** Opens the session the config asks for: psql in the pod, or a `pg` connection. */
export async function openSqlSession(
  deps: Pick<ProbeDeps, 'kube' | 'platform' | 'env'>,
): Promise<SqlSession & { pod?: string }> {
  const cfg = deps.platform.services.postgres;
  if (cfg.mode === 'exec') return createExecSession(deps.kube, cfg);
  const connection = await resolveDirectConnection(deps.env, cfg, deps.kube);
  return createDirectSession(connection, cfg.timeoutSeconds * 1000);
}

async function prepare(deps: ProbeDeps, options: BaselineOptions): Promise<Prepared> {
  const cfg = deps.platform.services.postgres;
  const session = await openSqlSession(deps);
  try {
    const { rows } = await session.query(SETTINGS_SQL);
    const settings = parseSettings(rows);
    if (!settings.ok) throw settings.error;
    const queries = options.queries ?? cfg.probeQueries;
    const handle: Handle = { session, queries, intervalMs: cfg.intervalSeconds * 1000 };
    return {
      params: {
        mode: cfg.mode,
        database: cfg.database,
        probeQueries: queries,
        intervalSeconds: cfg.intervalSeconds,
      },
      context: {
        namespace: cfg.namespace,
        ...(session.pod === undefined ? {} : { pod: session.pod }),
        settings: settingsContext(settings.value),
      },
      handle,
      close: () => session.close(),
    };
  } catch (error) {
    await session.close();
    throw error;
  }
}

async function snapshot(session: SqlSession): Promise<{ snap: DbSnapshot; raw: string }> {
  const { rows, raw } = await session.query(SNAPSHOT_SQL);
  const parsed = parseSnapshot(rows);
  if (!parsed.ok) throw parsed.error;
  return { snap: parsed.value, raw };
}

/**
 * One run: the timed queries first, then two snapshots `intervalSeconds` apart. The queries come
 * before the interval, not inside it, so that perfbot's own transactions do not inflate the TPS it
 * reports (only the first snapshot's own transaction falls inside the window).
 */
async function runOnce(deps: ProbeDeps, prepared: Prepared, _index: number): Promise<RunOutput> {
  const { session, queries, intervalMs } = prepared.handle as Handle;
  const latency = await measureQueryLatency(session, queries);
  throwIfCancelled(deps.signal);
  const before = await snapshot(session);
  await deps.clock.delay(intervalMs);
  throwIfCancelled(deps.signal);
  const after = await snapshot(session);
  const activity = computeActivity(before.snap, after.snap);
  if (!activity.ok) throw activity.error;
  const a = activity.value;
  const samples: Record<string, number> = {
    tps: a.tps,
    ...(a.rollbackRatio === null ? {} : { rollback_ratio: a.rollbackRatio }),
    ...(a.cacheHitRatio === null ? {} : { cache_hit_ratio: a.cacheHitRatio }),
    connections: a.connections,
    connections_pct_of_max: a.connectionsPctOfMax,
    'query.p50_ms': latency.p50,
    'query.p95_ms': latency.p95,
    'query.p99_ms': latency.p99,
    'query.mean_ms': latency.mean,
  };
  const raw = [
    `# timed queries (${latency.method}, n=${latency.n})`,
    latency.raw,
    '# pg_stat_database snapshot 1',
    before.raw,
    '# pg_stat_database snapshot 2',
    after.raw,
  ].join('\n');
  return { samples, raw, details: { activity: a, latencyMethod: latency.method } };
}

function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) {
    throw new PerfError('cancelled', 'the PostgreSQL probe was cancelled', {
      userMessage: 'Cancelled before it finished.',
    });
  }
}

/** `/perf baseline postgres`: TPS, cache hit ratio, connections and probe-query latency. */
export const postgresProbe: Probe = {
  service: 'postgres',
  metrics: POSTGRES_METRICS,
  warmup: true,
  runs: (options, platform) => options.runs ?? platform.services.postgres.runs,
  prepare,
  runOnce,
};
