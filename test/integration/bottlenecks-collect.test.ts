import { afterEach, describe, expect, it } from 'vitest';
import { collectFacts } from '../../src/bottlenecks/collect.js';
import { findBottlenecks, ThresholdsSchema } from '../../src/bottlenecks/rules.js';
import { PlatformConfigSchema } from '../../src/config/platform.js';
import type { ScenarioName } from '../../src/sim/kube/scenario.js';
import { kafkaTools } from '../../src/sim/tools/kafka.js';
import { psqlTools } from '../../src/sim/tools/psql.js';
import { createTrinoRoute } from '../../src/sim/trino/route.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

/** `collectFacts` through the real Kubernetes client against the simulated platform (issue #17). */
let t: TestSandbox | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const platform = PlatformConfigSchema.parse({});
const thresholds = ThresholdsSchema.parse({});

async function start(scenario?: ScenarioName) {
  t = await startTestSandbox({
    tools: { ...kafkaTools, ...psqlTools },
    routes: [createTrinoRoute({ speed: 0 })],
    checkTemplate: null,
    ...(scenario ? { scenario } : {}),
  });
  return t;
}

const collect = (s: TestSandbox, timeoutMs = 5000) =>
  collectFacts(
    { kube: s.kube, platform, now: () => new Date().toISOString(), fetch: globalThis.fetch },
    { timeoutMs },
  );

describe('collectFacts against the simulated platform', () => {
  it('finds every problem of the bottlenecks scenario, each with the right fix', async () => {
    const s = await start('bottlenecks');
    const facts = await collect(s);
    const findings = findBottlenecks(facts, thresholds, Date.now());
    const by = (rule: string) => findings.filter((f) => f.rule === rule);

    expect(by('source')).toEqual([]);
    const throttled = by('cpu.throttled');
    expect(throttled.map((f) => f.subject)).toEqual([
      expect.stringMatching(/^data-platform\/trino-coordinator-\S+ trino-coordinator$/),
    ]);
    expect(throttled[0]?.statement).toMatch(
      /throttled in 40% of its periods while using [\d,]+m of its 4,000m limit/,
    );
    expect(by('pod.memory').map((f) => f.subject)).toEqual([
      expect.stringMatching(/^ml-platform\/ray-head-\S+ ray-head$/),
    ]);
    expect(by('pod.oom_killed').map((f) => f.subject)).toEqual(['redis/redis-master-0 redis']);
    expect(by('pod.oom_killed')[0]?.fix).toEqual({
      component: 'redis',
      knobSet: 'cache',
      settings: { maxmemory: '768mb' },
    });
    expect(by('postgres.connections')[0]?.fix).toEqual({
      component: 'postgres',
      knobSet: 'pool',
      settings: { max_connections: '150' },
    });
    expect(by('pool.over_database')[0]).toMatchObject({
      severity: 'critical',
      subject: 'dolphinscheduler Hikari pool',
      fix: { component: 'dolphinscheduler', knobSet: 'pool', settings: { maximum_pool_size: '80' } },
    });
    expect(by('postgres.idle_in_transaction')[0]?.statement).toMatch(
      /^4 session\(s\) idle in transaction, the oldest for 1800 s/,
    );
    expect(by('storage.filling')[0]).toMatchObject({ subject: 'minio/minio-0 /data', severity: 'critical' });
    expect(by('kafka.lag').map((f) => f.subject)).toEqual(['group orders-enricher']);
    expect(by('jvm.heap_over_limit')[0]).toMatchObject({
      subject: 'dolphinscheduler/dolphinscheduler-api',
      fix: { component: 'dolphinscheduler', knobSet: 'jvm', settings: { heap: '1536m' } },
    });
    // Ranked: every critical before any warning.
    const severities = findings.map((f) => f.severity);
    expect(severities.lastIndexOf('critical')).toBeLessThan(severities.indexOf('warning'));
  });

  it('finds nothing on a healthy platform, having read every source', async () => {
    const s = await start();
    const facts = await collect(s);
    for (const [name, source] of Object.entries(facts))
      expect({ name, ok: source?.ok }).toEqual({ name, ok: true });
    expect(facts.pods?.ok && facts.pods.value.some((p) => p.containers.some((c) => c.throttling))).toBe(true);
    expect(facts.network?.ok && facts.network.value.length).toBe(2);
    expect(findBottlenecks(facts, thresholds, Date.now())).toEqual([]);
  });

  it('reports a source that is too slow as a finding, within the timeout', async () => {
    const s = await start();
    s.sandbox.faults.set('exec.slow', { delayMs: 5000 });
    const started = Date.now();
    const facts = await collect(s, 600);
    expect(Date.now() - started).toBeLessThan(2000);
    const sources = findBottlenecks(facts, thresholds, Date.now()).filter((f) => f.rule === 'source');
    expect(sources.map((f) => f.subject).sort()).toEqual(['kafka', 'network', 'postgres', 'volumes']);
    expect(sources[0]?.statement).toMatch(/timed out after 0\.6 s$/);
  });

  it('judges the pods on what answered when the metrics API is down, and says it could not read usage', async () => {
    const s = await start('bottlenecks');
    s.sandbox.faults.set('metrics.unavailable');
    const findings = findBottlenecks(await collect(s), thresholds, Date.now());
    expect(findings.filter((f) => f.rule === 'source').map((f) => f.subject)).toEqual([
      'nodeUsage',
      'podUsage',
    ]);
    expect(findings.filter((f) => f.rule === 'source')[0]?.statement).toMatch(/^could not read nodeUsage: /);
    // Throttling comes from the kubelets, not from metrics.k8s.io: still found.
    expect(findings.some((f) => f.rule === 'cpu.throttled')).toBe(true);
    expect(findings.some((f) => f.rule === 'pod.memory')).toBe(false);
  });

  it('reads only the cluster and that service for one service', async () => {
    const s = await start('bottlenecks');
    const facts = await collectFacts(
      { kube: s.kube, platform, now: () => new Date().toISOString(), fetch: globalThis.fetch },
      { timeoutMs: 5000, service: 'postgres' },
    );
    expect(Object.keys(facts).sort()).toEqual([
      'cadvisor',
      'heaps',
      'nodeUsage',
      'nodes',
      'podUsage',
      'pods',
      'pools',
      'postgres',
    ]);
  });

  it('stops at once when cancelled, every source said to be cancelled', async () => {
    const s = await start();
    s.sandbox.faults.set('exec.slow', { delayMs: 5000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const facts = await collectFacts(
      {
        kube: s.kube,
        platform,
        now: () => new Date().toISOString(),
        fetch: globalThis.fetch,
        signal: controller.signal,
      },
      { timeoutMs: 5000 },
    );
    expect(Date.now() - started).toBeLessThan(1500);
    expect(facts.kafka).toMatchObject({ ok: false, error: 'cancelled' });
  });
});
