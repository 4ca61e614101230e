import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/changes/engine.js';
import type { EngineOptions } from '../../src/changes/knob.js';
import { deployment, envPlan, knobContext, testKnob } from '../helpers/change-plans.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

/**
 * The change engine through the real Kubernetes adapter against the simulated API server, whose
 * rollouts take time and can fail as real ones do. The plans and the knob set are built in the test
 * (test/helpers/change-plans.ts); the engine is the module under test.
 */

let t: TestSandbox;
let lines: string[];
beforeEach(async () => {
  t = await startTestSandbox({ rolloutDelayMs: 60 });
  lines = [];
});
afterEach(() => t.close());

const api = deployment('dolphinscheduler', 'dolphinscheduler-api');

const options = (overrides: Partial<EngineOptions> = {}): EngineOptions => ({
  changeId: 'c-test',
  rolloutDeadlineMs: 10_000,
  pollMs: 10,
  progress: (line) => {
    lines.push(line);
  },
  ...overrides,
});

const patches = () => t.sandbox.requests.filter((r) => r.method === 'PATCH');

describe('applyPlan', () => {
  it('applies an env change on a Deployment: rolled out, verified, the new pods carry the env', async () => {
    const plan = await envPlan(t.kube, [api], 'JAVA_OPTS', '-Xms1g -Xmx1536m');
    const outcome = await applyPlan(knobContext(t.kube), testKnob(), plan, options());
    expect(outcome).toMatchObject({ state: 'applied', resumed: false, verification: { ok: true } });
    expect(patches()).toHaveLength(1);
    const pods = await t.kube.listPods('dolphinscheduler', 'app.kubernetes.io/name=dolphinscheduler-api');
    expect(pods.every((p) => p.ready)).toBe(true);
    const env = await t.kube.exec({
      namespace: 'dolphinscheduler',
      pod: pods[0]?.name ?? '',
      command: ['env'],
      timeoutMs: 5000,
    });
    expect(env.stdout).toContain('JAVA_OPTS=-Xms1g -Xmx1536m\n');
    expect(lines.at(-1)).toBe('dolphinscheduler-api: 1 of 1 pod updated, 1 ready');
  });
});
