import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PerfError } from '../../src/errors.js';
import { trinoProbe } from '../../src/probes/trino/run.js';
import { createTrinoRoute, type TrinoRoute } from '../../src/sim/trino/route.js';
import { probeDeps } from '../helpers/probe-deps.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

let sb: TestSandbox;
let trino: TrinoRoute;
beforeEach(async () => {
  trino = createTrinoRoute();
  sb = await startTestSandbox({ routes: [trino] });
});
afterEach(async () => {
  await sb.close();
});

describe('Trino from outside the cluster', () => {
  it('is reached through the API server’s service proxy by default, following in-cluster nextUri links', async () => {
    const d = probeDeps({ kube: sb.kube, platform: { services: { trino: { tableRows: 10_000 } } } });
    const prepared = await trinoProbe.prepare(d, {});
    expect(prepared.params.host).toBe('trino.data-platform.svc:8080');
    const out = await trinoProbe.runOnce(d, prepared, 0);
    expect(out.samples['join.elapsed_ms']).toBeGreaterThan(0);
    const proxied = sb.sandbox.requests.filter((r) =>
      r.path.startsWith('/api/v1/namespaces/data-platform/services/trino:8080/proxy/v1/statement'),
    );
    // The POST of each query, then its pages: the coordinator's links named its in-cluster address.
    expect(proxied.some((r) => r.method === 'POST')).toBe(true);
    expect(proxied.some((r) => r.method === 'GET' && r.path.includes('/v1/statement/'))).toBe(true);
    expect(sb.sandbox.requests.some((r) => r.path.startsWith('/trino'))).toBe(false);
    expect(trino.calls.length).toBe(proxied.length);
  });

  it('names the setting when the proxy finds no such Service', async () => {
    const d = probeDeps({
      kube: sb.kube,
      platform: { services: { trino: { service: { name: 'presto', port: 8080 } } } },
    });
    const error = await trinoProbe.prepare(d, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PerfError);
    expect((error as PerfError).userMessage).toContain('services.trino.service');
  });

  it('calls a cluster DNS name that does not resolve a configuration error, not a transient one', async () => {
    const d = probeDeps({
      kube: sb.kube,
      platform: { services: { trino: { url: 'http://trino.data-platform.svc.cluster.local:8080' } } },
    });
    const error = await trinoProbe.prepare(d, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PerfError);
    expect(error).toMatchObject({ code: 'config', retryable: false });
    expect((error as PerfError).userMessage).toContain('services.trino.url');
    expect((error as PerfError).userMessage).toContain('does not resolve');
  });
});
