import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/changes/engine.js';
import type { EngineOptions, KnobContext } from '../../src/changes/knob.js';
import { planAccepted } from '../../src/changes/plan.js';
import { jvmTools } from '../../src/sim/tools/jcmd.js';
import { psqlTools } from '../../src/sim/tools/psql.js';
import { redisTools } from '../../src/sim/tools/redis-cli.js';
import { createTrinoRoute } from '../../src/sim/trino/route.js';
import { knobContext, mustKnobSet, specAndData } from '../helpers/knobs.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

// The knob sets' plans through the engine (changes/engine.ts), end to end against the sandbox, whose
// rollouts take time and crash-loop a JVM that refuses its options (the real JVM decides).
let t: TestSandbox;
let ctx: KnobContext;
let lines: string[];
beforeEach(async () => {
  t = await startTestSandbox({
    rolloutDelayMs: 40,
    tools: { ...jvmTools, ...psqlTools, ...redisTools() },
    routes: [createTrinoRoute()],
  });
  ctx = knobContext(t.kube);
  lines = [];
});
afterEach(() => t.close());

const options = (): EngineOptions => ({
  changeId: 'c-knob',
  rolloutDeadlineMs: 15_000,
  pollMs: 10,
  progress: (line) => {
    lines.push(line);
  },
});

const api = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  namespace: 'dolphinscheduler',
  name: 'dolphinscheduler-api',
};

describe('the knob sets through the engine', () => {
  it('dolphinscheduler jvm: the recommended line is applied and the new JVM reports its flags', async () => {
    const knob = mustKnobSet('dolphinscheduler', 'jvm');
    const plan = await knob.propose(ctx, {});
    const outcome = await applyPlan(ctx, knob, plan, options());
    expect(outcome).toMatchObject({ state: 'applied', resumed: false });
    if (outcome.state !== 'applied') return;
    expect(outcome.verification.lines.join('\n')).toMatch(/the JVM reports G1MaxNewSizePercent=40/);
  });

  it("dolphinscheduler jvm: the runbook's line, forced past its failed preflight, crash-loops and is restored", async () => {
    const knob = mustKnobSet('dolphinscheduler', 'jvm');
    const snapshot = specAndData(await t.kube.getObject(api));
    const plan = await knob.propose(ctx, {
      options:
        '-Xms1g -Xmx1g -XX:+UseG1GC -XX:G1NewCollectionPercentage=30 -XX:G1MaxNewGenPercent=40 -XX:+PrintGCDetails -XX:+PrintGCDateStamps -Xloggc:/opt/dolphinscheduler/logs/gc.log',
    });
    expect(planAccepted(plan)).toBe(false);
    const outcome = await applyPlan(ctx, knob, plan, options());
    expect(outcome.state).toBe('rolled_back');
    if (outcome.state !== 'rolled_back') return;
    expect(outcome.evidence.join('\n')).toMatch(/Unrecognized VM option 'G1NewCollectionPercentage=30'/);
    expect(outcome.restore.ok).toBe(true);
    expect(specAndData(await t.kube.getObject(api)).spec).toEqual(snapshot.spec);
  });

  it('trino jvm: the ConfigMap, then the workers, then the coordinator', async () => {
    const knob = mustKnobSet('trino', 'jvm');
    const plan = await knob.propose(ctx, { heap: '6g' });
    const outcome = await applyPlan(ctx, knob, plan, options());
    expect(outcome.state).toBe('applied');
    const patched = t.sandbox.requests
      .filter((r) => r.method === 'PATCH' && !r.query.includes('dryRun'))
      .map((r) => r.path.split('/').at(-1));
    expect(patched).toEqual(['trino', 'trino-worker', 'trino-coordinator']);
  });

  it('postgres pool: ALTER SYSTEM, the StatefulSet restart, then pg_settings has no pending restart', async () => {
    const knob = mustKnobSet('postgres', 'pool');
    const plan = await knob.propose(ctx, { max_connections: '150', work_mem: '8MB' });
    const outcome = await applyPlan(ctx, knob, plan, options());
    expect(outcome).toMatchObject({ state: 'applied' });
    if (outcome.state !== 'applied') return;
    expect(outcome.verification.lines).toContain('max_connections = 150 (postgresql-0), pending_restart = f');
  });

  it('redis cache: CONFIG SET and the ConfigMap in one change', async () => {
    const knob = mustKnobSet('redis', 'cache');
    const plan = await knob.propose(ctx, { maxmemory: '384mb', policy: 'allkeys-lfu' });
    const outcome = await applyPlan(ctx, knob, plan, options());
    expect(outcome).toMatchObject({ state: 'applied' });
  });

  it('trino analyze: the statistics are known after', async () => {
    const knob = mustKnobSet('trino', 'analyze');
    const plan = await knob.propose(ctx, { table: 'hive.lake.orders' });
    const outcome = await applyPlan(ctx, knob, plan, options());
    expect(outcome).toMatchObject({ state: 'applied', verification: { ok: true } });
  });
});
