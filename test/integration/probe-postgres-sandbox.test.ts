import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PerfError } from '../../src/errors.js';
import { postgresProbe } from '../../src/probes/postgres/run.js';
import type { ProbeDeps, RunOutput } from '../../src/probes/types.js';
import { psqlTools } from '../../src/sim/tools/psql.js';
import { probeDeps } from '../helpers/probe-deps.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

let sb: TestSandbox;
beforeEach(async () => {
  sb = await startTestSandbox({ tools: psqlTools, seed: 11 });
});
afterEach(async () => {
  await sb.close();
});

function deps(): ProbeDeps {
  // No wall-clock sleep (probeDeps' clock never waits): the interval is measured on the simulated
  // server's own clock.
  return probeDeps({
    kube: sb.kube,
    platform: { services: { postgres: { mode: 'exec', probeQueries: 100 } } },
  });
}

async function baseline(): Promise<{ settings: Record<string, string>; out: RunOutput }> {
  const d = deps();
  const prepared = await postgresProbe.prepare(d, {});
  try {
    return { settings: prepared.context.settings ?? {}, out: await postgresProbe.runOnce(d, prepared, 0) };
  } finally {
    await prepared.close?.();
  }
}

describe('postgresProbe in exec mode through the Kubernetes adapter and the sandbox', () => {
  it('runs psql in the database pod and reports every metric', async () => {
    const { settings, out } = await baseline();
    expect(settings).toMatchObject({ shared_buffers: '128MB', max_connections: '100', work_mem: '4MB' });
    const s = out.samples;
    expect(s.tps).toBeGreaterThanOrEqual(0);
    if (s.cache_hit_ratio !== undefined) expect(s.cache_hit_ratio).toBeLessThanOrEqual(1);
    expect(s.connections_pct_of_max).toBeCloseTo(s.connections ?? 0, 6);
    expect(s['query.p50_ms']).toBeLessThanOrEqual(s['query.p95_ms'] ?? 0);
    expect(s['query.p95_ms']).toBeLessThanOrEqual(s['query.p99_ms'] ?? 0);
    const execs = sb.sandbox.requests.filter((r) => r.path.endsWith('/exec'));
    expect(execs.length).toBeGreaterThanOrEqual(4);
    expect(execs.every((r) => r.path === '/api/v1/namespaces/kong/pods/postgresql-0/exec')).toBe(true);
  });

  it('shows a larger shared_buffers as lower latency once the ConfigMap is patched', async () => {
    const before = await baseline();
    await sb.kube.patchObject(
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'kong', name: 'postgresql-configuration' },
      { data: { 'postgresql.conf': 'max_connections = 200\nshared_buffers = 2GB\n' } },
      { type: 'merge' },
    );
    const after = await baseline();
    expect(after.settings).toMatchObject({ shared_buffers: '2GB', max_connections: '200' });
    expect(after.out.samples['query.p50_ms']).toBeLessThan(before.out.samples['query.p50_ms'] ?? 0);
  });

  it('reports the real psql connection error when postgres.down is set', async () => {
    sb.sandbox.faults.set('postgres.down');
    const error = await postgresProbe.prepare(deps(), {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PerfError);
    expect(error).toMatchObject({
      code: 'probe_failed',
      context: { kind: 'unreachable', exitCode: 2, mode: 'exec' },
    });
    expect((error as PerfError).userMessage).toMatch(/PostgreSQL did not accept the connection/);
  });
});
