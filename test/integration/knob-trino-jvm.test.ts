import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KnobContext } from '../../src/changes/knob.js';
import { invertPlan, planAccepted } from '../../src/changes/plan.js';
import { jvmConfigText } from '../../src/changes/sets/trino-jvm.js';
import type { ObjectRef } from '../../src/kube/port.js';
import { jvmTools } from '../../src/sim/tools/jcmd.js';
import { applyWrites, knobContext, mustKnobSet, specAndData } from '../helpers/knobs.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

// `trino jvm` through the real Kubernetes client against the sandbox; the preflight is the real JDK.
let sb: TestSandbox;
let ctx: KnobContext;
const knob = mustKnobSet('trino', 'jvm');
const ns = 'data-platform';
const cm: ObjectRef = { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'trino' };
const workers: ObjectRef = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: 'trino-worker' };
const coordinator: ObjectRef = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  namespace: ns,
  name: 'trino-coordinator',
};

beforeAll(async () => {
  sb = await startTestSandbox({ tools: jvmTools });
  ctx = knobContext(sb.kube);
});
afterAll(async () => {
  await sb?.close();
});

describe('trino jvm', () => {
  it("refuses heap=16g: above the containers' 8 GiB limit", async () => {
    const plan = await knob.propose(ctx, { heap: '16g' });
    expect(planAccepted(plan)).toBe(false);
    expect(plan.checks).toContainEqual(
      expect.objectContaining({
        name: 'JVM option -Xmx16g',
        outcome: 'fail',
        detail: expect.stringMatching(/16 GiB.*8 GiB.*OOM/),
      }),
    );
    // The JVM itself starts with it (the heap is only reserved): the card says which JVM answered.
    expect(plan.checks.find((c) => c.name === 'JVM preflight')?.detail).toMatch(
      /version "\d+.*trino-worker-/,
    );
    expect(plan.diff[0]).toMatchObject({ object: 'ConfigMap data-platform/trino', field: 'data jvm.config' });
    expect(plan.diff[0]?.after).toContain('-Xmx16g\n-XX:InitialRAMPercentage=80');
    expect(plan.risk).toBe('high');
  });

  it('writes the ConfigMap, then rolls the workers, the coordinator last, and says what it costs', async () => {
    const plan = await knob.propose(ctx, { heap: '6g' });
    expect(planAccepted(plan)).toBe(true);
    expect(plan.writes.map((w) => w.ref.name)).toEqual(['trino', 'trino-worker', 'trino-coordinator']);
    expect(plan.restart).toEqual({
      workloads: [workers, coordinator],
      cost: 'rolling restart of 2 trino workers, the coordinator last: queries in flight fail',
    });
    expect(plan.writes[1]?.patch).toEqual({
      spec: {
        template: {
          metadata: { annotations: { 'perfbot.dev/config-hash': expect.stringMatching(/^[0-9a-f]{16}$/) } },
        },
      },
    });
    expect(plan.checks.filter((c) => c.name === 'server-side dry run' && c.outcome === 'pass')).toHaveLength(
      3,
    );
  });

  it("refuses a removed collector in the JVM's own words; on JDK 17 UseBiasedLocking only warns", async () => {
    const plan = await knob.propose(ctx, {
      options: '-server -Xmx6G -XX:+UseConcMarkSweepGC -XX:-UseBiasedLocking',
    });
    expect(plan.checks).toContainEqual(
      expect.objectContaining({
        name: 'JVM option -XX:+UseConcMarkSweepGC',
        outcome: 'fail',
        detail: expect.stringMatching(/Unrecognized VM option/),
      }),
    );
    expect(plan.checks).toContainEqual(
      expect.objectContaining({
        outcome: 'warn',
        detail: expect.stringMatching(/UseBiasedLocking was deprecated/),
      }),
    );
  });

  it('applied, every new pod reads the new jvm.config and its JVM reports the flags; restored, the three objects equal their snapshot', async () => {
    const snapshot = await Promise.all(
      [cm, workers, coordinator].map(async (r) => specAndData(await sb.kube.getObject(r))),
    );
    const plan = await knob.propose(ctx, {});
    expect(planAccepted(plan)).toBe(true);
    expect(plan.notes.join('\n')).toMatch(/UseBiasedLocking.*JDK 25/);
    await applyWrites(sb.kube, plan);
    const applied = await knob.verify(ctx, plan);
    expect(applied.ok).toBe(true);
    expect(applied.lines.filter((l) => l.includes('reads the new text'))).toHaveLength(3);
    expect(applied.lines.join('\n')).toMatch(
      /trino-worker-.*: the JVM reports MaxHeapSize=6442450944 for -Xmx6G/,
    );
    expect(applied.lines.join('\n')).toMatch(
      /trino-coordinator-.*: the JVM reports ReservedCodeCacheSize=536870912 for -XX:ReservedCodeCacheSize=512M/,
    );
    expect(applied.lines.join('\n')).toMatch(
      /trino-coordinator-.*: \/etc\/trino\/jvm.config reads the new text/,
    );
    await applyWrites(sb.kube, plan, 'restores');
    const restored = await Promise.all(
      [cm, workers, coordinator].map(async (r) => specAndData(await sb.kube.getObject(r))),
    );
    expect(restored).toEqual(snapshot);
    expect((await knob.verify(ctx, invertPlan(plan, 'chg-1'))).ok).toBe(true);
  });
});

describe('jvmConfigText', () => {
  it('replaces an option in its line, keeping comments and the trailing newline; a whole set is one a line', () => {
    expect(jvmConfigText('# heap\n-server\n-Xmx4G\n', ['-Xmx6g'], false)).toBe('# heap\n-server\n-Xmx6g\n');
    expect(jvmConfigText('-server', ['-Xmx6g'], false)).toBe('-server\n-Xmx6g');
    expect(jvmConfigText('-server\n-Xmx4G\n', ['-Xmx6g', '-XX:+UseG1GC'], true)).toBe(
      '-Xmx6g\n-XX:+UseG1GC\n',
    );
  });
});
