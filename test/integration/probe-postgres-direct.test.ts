import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PerfError } from '../../src/errors.js';
import { createDirectSession, withDefaultUser } from '../../src/probes/postgres/direct.js';
import { postgresProbe } from '../../src/probes/postgres/run.js';
import { measureQueryLatency } from '../../src/probes/postgres/session.js';
import type { ProbeDeps } from '../../src/probes/types.js';
import { probeDeps } from '../helpers/probe-deps.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://127.0.0.1:5432/test';
const schema = `perfbot_test_${randomUUID().replace(/-/g, '')}`;
const workload = new pg.Client({ connectionString: withDefaultUser(DATABASE_URL) });

/** Real transactions on the real server: 120 commits and 10 rollbacks, then their stats flushed. */
async function generateTransactions(): Promise<void> {
  for (let i = 0; i < 120; i++) {
    await workload.query(`INSERT INTO ${schema}.t (v) VALUES ($1)`, [i]);
  }
  for (let i = 0; i < 10; i++) {
    await workload.query('BEGIN');
    await workload.query(`UPDATE ${schema}.t SET v = v + 1 WHERE id = $1`, [i + 1]);
    await workload.query('ROLLBACK');
  }
  // PostgreSQL 15 flushes a backend's statistics at most once a second; ask for it now, and end
  // one more statement so that the flush has happened before the next snapshot.
  await workload.query('SELECT pg_stat_force_next_flush()');
  await workload.query('SELECT 1');
}

function deps(url: string): ProbeDeps {
  // Direct mode with a URL never touches Kubernetes: probeDeps' default KubePort fails on any call.
  return probeDeps({
    platform: {
      services: { postgres: { mode: 'direct', probeQueries: 50, intervalSeconds: 1, timeoutSeconds: 10 } },
    },
    env: { PERFBOT_POSTGRES_URL: url },
    // The "interval" is filled with real work instead of sleeping; the probe measures it on the server's clock.
    clock: { now: () => Date.now(), delay: generateTransactions },
  });
}

beforeAll(async () => {
  await workload.connect();
  await workload.query(`CREATE SCHEMA ${schema}`);
  await workload.query(`CREATE TABLE ${schema}.t (id serial PRIMARY KEY, v int NOT NULL)`);
});

afterAll(async () => {
  await workload.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await workload.end();
});

describe('postgresProbe in direct mode against the real PostgreSQL', () => {
  it('measures TPS, ratios, connections, latency and settings', async () => {
    const d = deps(DATABASE_URL);
    const prepared = await postgresProbe.prepare(d, {});
    try {
      expect(prepared.params).toMatchObject({ mode: 'direct', probeQueries: 50 });
      const show = await workload.query<{ shared_buffers: string }>('SHOW shared_buffers');
      expect(prepared.context.settings?.shared_buffers).toBe(show.rows[0]?.shared_buffers);
      expect(Object.keys(prepared.context.settings ?? {}).sort()).toEqual([
        'effective_cache_size',
        'maintenance_work_mem',
        'max_connections',
        'shared_buffers',
        'work_mem',
      ]);

      const out = await postgresProbe.runOnce(d, prepared, 0);
      const s = out.samples;
      const { activity } = out.details as { activity: { intervalSeconds: number } };
      expect(activity.intervalSeconds).toBeGreaterThan(0);
      // At least the 130 transactions of the workload fell inside the server-timed interval.
      expect((s.tps ?? 0) * activity.intervalSeconds).toBeGreaterThanOrEqual(130);
      expect(s.rollback_ratio).toBeGreaterThan(0);
      expect(s.cache_hit_ratio).toBeGreaterThanOrEqual(0);
      expect(s.cache_hit_ratio).toBeLessThanOrEqual(1);
      expect(s.connections).toBeGreaterThanOrEqual(2);
      expect(s.connections_pct_of_max).toBeGreaterThan(0);
      expect(s['query.p50_ms']).toBeGreaterThan(0);
      expect(s['query.p50_ms']).toBeLessThanOrEqual(s['query.p95_ms'] ?? 0);
      expect(s['query.p95_ms']).toBeLessThanOrEqual(s['query.p99_ms'] ?? 0);
      expect(s['query.mean_ms']).toBeGreaterThan(0);
      expect(out.raw.match(/^Time: /gm)).toHaveLength(50);
    } finally {
      await prepared.close?.();
    }
  });

  it('exports measureQueryLatency for the pgbench comparison', async () => {
    const session = await createDirectSession({ connectionString: DATABASE_URL }, 10_000);
    try {
      const latency = await measureQueryLatency(session, 30);
      expect(latency.durationsMs).toHaveLength(30);
      expect(latency.method).toBe('client_round_trip');
      expect(latency.p50).toBeLessThanOrEqual(latency.p99);
    } finally {
      await session.close();
    }
  });

  it('fails with a plain message when nothing listens', async () => {
    const error = await postgresProbe
      .prepare(deps('postgres://127.0.0.1:1/test'), {})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PerfError);
    expect(error).toMatchObject({
      code: 'probe_failed',
      retryable: true,
      context: { kind: 'unreachable', mode: 'direct' },
    });
  });

  it('names the database when it does not exist', async () => {
    const url = new URL(DATABASE_URL);
    url.pathname = `/${schema}_missing`;
    const error = await postgresProbe.prepare(deps(url.toString()), {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'probe_failed', context: { kind: 'no_database' } });
    expect((error as PerfError).userMessage).toMatch(/services\.postgres\.database/);
  });
});
