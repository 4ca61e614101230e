import { describe, expect, it } from 'vitest';
import { PerfError } from '../../../../src/errors.js';
import { psqlArgv } from '../../../../src/probes/postgres/exec.js';
import { parseAtOutput, parseSettings } from '../../../../src/probes/postgres/parse.js';
import { SETTINGS_SQL } from '../../../../src/probes/postgres/queries.js';
import { postgresProbe } from '../../../../src/probes/postgres/run.js';
import { parsePgMemory, psqlTools, readPgKnobs, showMemory } from '../../../../src/sim/tools/psql.js';
import { probeDeps, stateClock } from '../../../helpers/probe-deps.js';
import { aPod, createTestState, simKube, type TestState } from './sim-state.js';

const SELECTOR = { 'app.kubernetes.io/name': 'postgresql' };

function kongState(data: Record<string, string>, seed = 7): TestState {
  return createTestState(
    [
      aPod('kong', 'postgresql-0', SELECTOR),
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'postgresql-configuration', namespace: 'kong' },
        data,
      },
    ],
    seed,
  );
}

function depsFor(state: TestState) {
  const { kube, calls } = simKube(state, psqlTools);
  const deps = probeDeps({
    kube,
    platform: { services: { postgres: { probeQueries: 200, intervalSeconds: 5 } } },
    // The interval passes on the simulated server's clock, which the tool reads.
    clock: stateClock(state),
  });
  return { deps, calls };
}

async function baseline(state: TestState) {
  const { deps, calls } = depsFor(state);
  const prepared = await postgresProbe.prepare(deps, {});
  try {
    const out = await postgresProbe.runOnce(deps, prepared, 0);
    return { prepared, out, calls };
  } finally {
    await prepared.close?.();
  }
}

describe('simulated psql through the PostgreSQL probe (exec mode)', () => {
  it('answers every metric in -At form, with counters that grow between snapshots', async () => {
    const { prepared, out, calls } = await baseline(
      kongState({ 'postgresql.conf': 'shared_buffers = 256MB\n' }),
    );
    expect(prepared.params).toEqual({
      mode: 'exec',
      database: 'kong',
      probeQueries: 200,
      intervalSeconds: 5,
    });
    expect(prepared.context).toMatchObject({ pod: 'postgresql-0', namespace: 'kong' });
    expect(prepared.context.settings).toMatchObject({ shared_buffers: '256MB', max_connections: '100' });
    expect(Object.keys(out.samples).sort()).toEqual([
      'cache_hit_ratio',
      'connections',
      'connections_pct_of_max',
      'query.mean_ms',
      'query.p50_ms',
      'query.p95_ms',
      'query.p99_ms',
      'rollback_ratio',
      'tps',
    ]);
    expect(out.samples.tps).toBeGreaterThan(100);
    expect(out.samples.cache_hit_ratio).toBeGreaterThan(0.9);
    expect(out.samples.cache_hit_ratio).toBeLessThan(1);
    const s = out.samples;
    expect(s['query.p50_ms']).toBeLessThanOrEqual(s['query.p95_ms'] ?? 0);
    expect(s['query.p95_ms']).toBeLessThanOrEqual(s['query.p99_ms'] ?? 0);
    expect(out.raw).toContain('Time: ');
    // argv, never a shell string; the timed queries go on stdin.
    expect(calls[0]?.command).toEqual(psqlArgv({ database: 'kong', user: 'kong' }, ['-c', SETTINGS_SQL]));
    expect(calls.some((c) => c.command.includes('-f') && c.stdin?.startsWith('\\timing on\n'))).toBe(true);
  });

  it('responds to shared_buffers: more of it gives a higher hit ratio, lower latency and more TPS', async () => {
    const small = await baseline(kongState({ shared_buffers: '128MB' }));
    const large = await baseline(kongState({ shared_buffers: '2GB' }));
    expect(large.out.samples.cache_hit_ratio).toBeGreaterThan(small.out.samples.cache_hit_ratio ?? 1);
    expect(large.out.samples['query.p50_ms']).toBeLessThan(small.out.samples['query.p50_ms'] ?? 0);
    expect(large.out.samples.tps).toBeGreaterThan(small.out.samples.tps ?? Number.POSITIVE_INFINITY);
  });

  it('reports connections against max_connections from the ConfigMap', async () => {
    const { out, prepared } = await baseline(kongState({ 'postgresql.conf': "max_connections = '400'\n" }));
    expect(prepared.context.settings?.max_connections).toBe('400');
    expect(out.samples.connections_pct_of_max).toBeCloseTo((100 * (out.samples.connections ?? 0)) / 400, 6);
  });

  it('fails with the real psql connection error when postgres.down is set', async () => {
    const state = kongState({});
    state.faults.set('postgres.down');
    const { deps } = depsFor(state);
    const error = await postgresProbe.prepare(deps, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PerfError);
    expect(error).toMatchObject({ code: 'probe_failed', context: { kind: 'unreachable', exitCode: 2 } });
    expect((error as PerfError).userMessage).toMatch(/Is the server running locally/);
  });

  it('refuses a statement it does not simulate, as psql does under ON_ERROR_STOP', async () => {
    const state = kongState({});
    const { kube } = simKube(state, psqlTools);
    const result = await kube.exec({
      namespace: 'kong',
      pod: 'postgresql-0',
      command: psqlArgv({ database: 'kong', user: 'kong' }, ['-c', 'DROP TABLE x']),
      timeoutMs: 1000,
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^ERROR: {2}/);
  });
});

describe('psql sim knobs', () => {
  it('reads settings as keys or as postgresql.conf lines, with PostgreSQL defaults otherwise', () => {
    const knobs = readPgKnobs(
      kongState({ 'extended.conf': "work_mem = '16MB'  # per sort\nshared_buffers=32768\n" }),
    );
    expect(knobs.memory.work_mem).toBe(16 * 1024 ** 2);
    expect(knobs.memory.shared_buffers).toBe(32768 * 8192);
    expect(knobs.memory.effective_cache_size).toBe(4 * 1024 ** 3);
    expect(knobs.maxConnections).toBe(100);
  });

  it('prints settings the probe parses back, in SHOW form', async () => {
    const state = kongState({ shared_buffers: '1536MB', effective_cache_size: '6GB' });
    const out = await psqlTools.psql?.(psqlArgv({ database: 'kong', user: 'kong' }, ['-c', SETTINGS_SQL]), {
      state,
      namespace: 'kong',
      pod: state.list('Pod', 'kong')[0] ?? aPod('kong', 'x', {}),
      container: undefined,
      stdin: '',
    });
    const parsed = parseSettings(parseAtOutput(out?.stdout ?? ''));
    if (!parsed.ok) throw parsed.error;
    const sb = parsed.value.find((s) => s.name === 'shared_buffers');
    expect(sb).toMatchObject({ display: '1536MB', bytes: 1536 * 1024 ** 2, context: 'postmaster' });
    expect(showMemory(6 * 1024 ** 3)).toBe('6GB');
    expect(parsePgMemory('64kB', 8192)).toBe(65536);
    expect(parsePgMemory('lots', 8192)).toBeUndefined();
  });
});
