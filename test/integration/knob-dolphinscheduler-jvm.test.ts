import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KnobContext } from '../../src/changes/knob.js';
import { invertPlan, planAccepted } from '../../src/changes/plan.js';
import { jvmTools } from '../../src/sim/tools/jcmd.js';
import { applyWrites, expectPerfError, knobContext, mustKnobSet, specAndData } from '../helpers/knobs.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

// `dolphinscheduler jvm` through the real Kubernetes client against the sandbox, whose `java` and
// `jcmd` are the machine's real JDK: the verdicts are the JVM's own.
let sb: TestSandbox;
let ctx: KnobContext;
const knob = mustKnobSet('dolphinscheduler', 'jvm');
const ref = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  namespace: 'dolphinscheduler',
  name: 'dolphinscheduler-api',
};

beforeAll(async () => {
  sb = await startTestSandbox({ tools: jvmTools });
  ctx = knobContext(sb.kube);
});
afterAll(async () => {
  await sb?.close();
});

const RUNBOOK =
  '-Xms1g -Xmx1g -XX:+UseG1GC -XX:MaxGCPauseMillis=200 -XX:G1NewCollectionPercentage=30 ' +
  '-XX:G1MaxNewGenPercent=40 -XX:+PrintGCDetails -XX:+PrintGCDateStamps -Xloggc:/opt/dolphinscheduler/logs/gc.log';

describe('dolphinscheduler jvm', () => {
  it('is registered', () => {
    expect(knob.keys.map((k) => k.name)).toEqual(['options', 'heap']);
  });

  it("refuses the runbook's line with the JVM's three reasons and the G1MaxNewSizePercent suggestion", async () => {
    const plan = await knob.propose(ctx, { options: RUNBOOK });
    expect(planAccepted(plan)).toBe(false);
    const fails = plan.checks.filter((c) => c.outcome === 'fail' && c.name.startsWith('JVM option'));
    expect(fails.map((c) => c.name)).toEqual([
      'JVM option -XX:G1NewCollectionPercentage=30',
      'JVM option -XX:G1MaxNewGenPercent=40',
      'JVM option -XX:+PrintGCDateStamps',
    ]);
    for (const c of fails) expect(c.detail).toMatch(/Unrecognized VM option/);
    expect(fails[1]?.suggestion).toBe('-XX:+UnlockExperimentalVMOptions -XX:G1MaxNewSizePercent=40');
    expect(plan.checks.find((c) => c.name === 'JVM preflight')).toMatchObject({
      outcome: 'fail',
      detail: expect.stringMatching(/openjdk version "17.*refuses the line/),
    });
    const warns = plan.checks.filter((c) => c.outcome === 'warn').map((c) => c.detail);
    expect(warns.join('\n')).toMatch(/PrintGCDetails is deprecated/);
    expect(warns.join('\n')).toMatch(/Xloggc is deprecated/);
    expect(plan.checks.filter((c) => c.name === 'server-side dry run')).toEqual([
      expect.objectContaining({ outcome: 'pass' }),
    ]);
    expect(plan.diff).toEqual([
      {
        object: 'Deployment dolphinscheduler/dolphinscheduler-api',
        field: 'container dolphinscheduler-api env JAVA_OPTS',
        before: '-Xms1g -Xmx1g -Xmn512m',
        after: RUNBOOK,
      },
    ]);
  });

  it('proposes the corrected recommended line without values, says what the runbook had, and it passes', async () => {
    const plan = await knob.propose(ctx, {});
    expect(planAccepted(plan)).toBe(true);
    expect(plan.settings.options).toBe(ctx.platform.tuning.dolphinscheduler.jvm.recommended);
    expect(plan.settings.options).toMatch(
      /-XX:\+UnlockExperimentalVMOptions -XX:G1NewSizePercent=30 -XX:G1MaxNewSizePercent=40/,
    );
    expect(plan.notes.join('\n')).toMatch(/G1MaxNewGenPercent.*refuses three/s);
    expect(plan.checks.find((c) => c.name === 'JVM preflight')?.outcome).toBe('pass');
    // The line drops -Xmn512m: a memory setting, so two approvers.
    expect(plan).toMatchObject({
      risk: 'high',
      riskReason: expect.stringMatching(/memory settings.*Xmn/),
      undoable: true,
    });
    expect(plan.restart).toEqual({
      workloads: [ref],
      cost: expect.stringMatching(/^rolling restart of 1 dolphinscheduler-api pod/),
    });
  });

  it("refuses a heap above the container's memory limit, and IgnoreUnrecognizedVMOptions", async () => {
    const plan = await knob.propose(ctx, { heap: '4g' });
    expect(plan.diff[0]?.after).toBe('-Xms4g -Xmx4g -Xmn512m');
    expect(plan.checks).toContainEqual(
      expect.objectContaining({
        name: 'JVM option -Xmx4g',
        outcome: 'fail',
        detail: expect.stringMatching(/memory limit 2 GiB/),
      }),
    );
    const ignoring = await knob.propose(ctx, { options: '-Xmx1g -XX:+IgnoreUnrecognizedVMOptions' });
    expect(ignoring.checks).toContainEqual(
      expect.objectContaining({ name: 'JVM option -XX:+IgnoreUnrecognizedVMOptions', outcome: 'fail' }),
    );
  });

  it('refuses unknown keys, bad sizes and shell syntax as usage errors naming the keys', async () => {
    await expectPerfError(
      knob.propose(ctx, { heapsize: '2g' }),
      'usage',
      /unknown key `heapsize`.*`options`.*`heap`/s,
    );
    await expectPerfError(knob.propose(ctx, { heap: '2 gigs' }), 'usage', /heap size such as 2g/);
    await expectPerfError(knob.propose(ctx, { options: '-Xmx1g; rm -rf /' }), 'usage', /no shell syntax/);
  });

  it('applied, the new pods carry the line and their JVM reports the flags; restored, the spec equals its snapshot', async () => {
    const snapshot = specAndData(await sb.kube.getObject(ref));
    const plan = await knob.propose(ctx, {});
    expect(planAccepted(plan)).toBe(true);
    await applyWrites(sb.kube, plan);
    const applied = await knob.verify(ctx, plan);
    expect(applied.ok).toBe(true);
    expect(applied.lines.join('\n')).toMatch(/JAVA_OPTS=-Xms1g .*G1MaxNewSizePercent=40/);
    expect(applied.lines.join('\n')).toMatch(
      /the JVM reports G1NewSizePercent=30 for -XX:G1NewSizePercent=30/,
    );
    expect(applied.lines.join('\n')).toMatch(/the JVM reports MaxHeapSize=1073741824 for -Xmx1g/);

    // The previous line is not what the pods run now: verifying it fails, and says why.
    const rollback = invertPlan(plan, 'chg-1');
    const before = await knob.verify(ctx, rollback);
    expect(before.ok).toBe(false);
    expect(before.lines.join('\n')).toMatch(/expected -Xms1g -Xmx1g -Xmn512m/);

    await applyWrites(sb.kube, plan, 'restores');
    expect(specAndData(await sb.kube.getObject(ref)).spec).toEqual(snapshot.spec);
    const restored = await knob.verify(ctx, rollback);
    expect(restored).toMatchObject({ ok: true });
    expect(restored.lines.join('\n')).toMatch(/MaxNewSize=536870912 for -Xmn512m/);
  });

  it('a heap change keeps the rest of the line and only moves -Xms/-Xmx', async () => {
    const plan = await knob.propose(ctx, { heap: '1536m' });
    expect(planAccepted(plan)).toBe(true);
    expect(plan.diff[0]?.after).toBe('-Xms1536m -Xmx1536m -Xmn512m');
    expect(plan.writes[0]?.patch).toEqual({
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'dolphinscheduler-api',
                env: [{ name: 'JAVA_OPTS', value: '-Xms1536m -Xmx1536m -Xmn512m' }],
              },
            ],
          },
        },
      },
    });
  });
});
