import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/changes/engine.js';
import type { EngineOptions, KnobSet } from '../../src/changes/knob.js';
import { workloadSelector } from '../../src/changes/rollout.js';
import { SHUTDOWN_REASON } from '../../src/errors.js';
import type { KubePort } from '../../src/kube/port.js';
import {
  configMapPlan,
  configMapRef,
  deployment,
  envPlan,
  knobContext,
  statefulSet,
  testKnob,
} from '../helpers/change-plans.js';
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

  it("restores by itself when the real JVM refuses the runbook's JAVA_OPTS: CrashLoopBackOff, evidence, spec as before", async () => {
    const snapshot = await t.kube.getObject(api);
    const runbook =
      '-Xms1g -Xmx1g -XX:+UseG1GC -XX:MaxGCPauseMillis=200 -XX:G1NewCollectionPercentage=30 ' +
      `-XX:G1MaxNewGenPercent=40 -XX:+PrintGCDetails -XX:+PrintGCDateStamps -Xloggc:${join(tmpdir(), 'gc.log')}`;
    const plan = await envPlan(t.kube, [api], 'JAVA_OPTS', runbook);
    const outcome = await applyPlan(knobContext(t.kube), testKnob(), plan, options());
    if (outcome.state !== 'rolled_back') throw new Error(`not rolled back: ${JSON.stringify(outcome)}`);
    expect(outcome.reason).toMatch(/CrashLoopBackOff/);
    // The JVM's own words, from the crashing pod's log, and the kubelet's back-off event.
    expect(outcome.evidence.join('\n')).toMatch(
      /^dolphinscheduler-api-\S+: Unrecognized VM option 'G1NewCollectionPercentage=30'$/m,
    );
    expect(outcome.evidence.join('\n')).toMatch(
      /: event Warning BackOff: Back-off restarting failed container dolphinscheduler-api in pod /,
    );
    expect(outcome.restore.ok).toBe(true);
    const restored = await t.kube.getObject(api);
    expect(restored.spec).toEqual(snapshot.spec);
    const pods = await t.kube.listPods('dolphinscheduler', workloadSelector(restored));
    expect(pods.map((p) => ({ ready: p.ready, restarts: p.restarts }))).toEqual([
      { ready: true, restarts: 0 },
    ]);
    expect(lines).toContain('restoring the snapshot taken before the change');
  });

  it("applies the runbook's options as corrected, their GC log in the image's own directory", async () => {
    const corrected =
      '-Xms1g -Xmx1g -XX:+UseG1GC -XX:MaxGCPauseMillis=200 -XX:+UnlockExperimentalVMOptions ' +
      '-XX:G1NewSizePercent=30 -XX:G1MaxNewSizePercent=40 -Xlog:gc*:file=/opt/dolphinscheduler/logs/gc.log:time,uptime';
    const plan = await envPlan(t.kube, [api], 'JAVA_OPTS', corrected);
    const outcome = await applyPlan(knobContext(t.kube), testKnob(), plan, options());
    expect(outcome).toMatchObject({ state: 'applied', verification: { ok: true } });
  });

  it('restores when the rollout never becomes ready (rollout.fail): ProgressDeadlineExceeded', async () => {
    const snapshot = await t.kube.getObject(api);
    t.sandbox.faults.set('rollout.fail', { name: 'dolphinscheduler-api', times: 1 });
    const plan = await envPlan(t.kube, [api], 'JAVA_OPTS', '-Xms1g -Xmx1g');
    const outcome = await applyPlan(knobContext(t.kube), testKnob(), plan, options());
    if (outcome.state !== 'rolled_back') throw new Error(`not rolled back: ${JSON.stringify(outcome)}`);
    expect(outcome.reason).toMatch(/ProgressDeadlineExceeded/);
    expect(outcome.restore.ok).toBe(true);
    expect((await t.kube.getObject(api)).spec).toEqual(snapshot.spec);
  });

  it('refuses a target that moved since the plan: moved, and no PATCH sent', async () => {
    const plan = await envPlan(t.kube, [api], 'JAVA_OPTS', '-Xms1g -Xmx1536m');
    await t.kube.patchObject(api, envPatch('-Xms2g -Xmx2g'), { type: 'strategic' });
    const before = patches().length;
    const outcome = await applyPlan(knobContext(t.kube), testKnob(), plan, options());
    expect(outcome).toEqual({
      state: 'moved',
      fields: [
        'Deployment dolphinscheduler/dolphinscheduler-api spec.template.spec.containers[dolphinscheduler-api].env[JAVA_OPTS].value',
      ],
    });
    expect(patches().length).toBe(before);
  });

  it('resumes a change whose write already happened: one PATCH in all, resumed', async () => {
    const plan = await envPlan(t.kube, [api], 'JAVA_OPTS', '-Xms1g -Xmx1536m');
    // The worker that died had sent the write.
    const write = plan.writes[0];
    if (!write) throw new Error('no write');
    await t.kube.patchObject(write.ref, write.patch, { type: write.type });
    const outcome = await applyPlan(knobContext(t.kube), testKnob(), plan, options());
    expect(outcome).toMatchObject({ state: 'applied', resumed: true, verification: { ok: true } });
    expect(patches()).toHaveLength(1);
  });

  it('writes the second workload only after the first one rolled out', async () => {
    const worker = deployment('data-platform', 'trino-worker');
    const coordinator = deployment('data-platform', 'trino-coordinator');
    const cm = configMapRef('data-platform', 'trino');
    const jvm = ((await t.kube.getObject(cm)).data as Record<string, string>)['jvm.config'] ?? '';
    const plan = await configMapPlan(t.kube, cm, 'jvm.config', jvm.replace('-Xmx4G', '-Xmx5G'), [
      worker,
      coordinator,
    ]);
    const seen: { name: string; worker: unknown }[] = [];
    const kube: KubePort = {
      ...t.kube,
      patchObject: async (ref, patch, o) => {
        const w = t.sandbox.state.get('Deployment', 'data-platform', 'trino-worker');
        seen.push({ name: ref.name, worker: w?.status });
        return t.kube.patchObject(ref, patch, o);
      },
    };
    const outcome = await applyPlan(knobContext(kube), testKnob(), plan, options());
    expect(outcome).toMatchObject({ state: 'applied', verification: { ok: true } });
    expect(seen.map((s) => s.name)).toEqual(['trino', 'trino-worker', 'trino-coordinator']);
    const atCoordinator = seen[2]?.worker as Record<string, number>;
    expect(atCoordinator).toMatchObject({
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
    });
    expect(lines).toContain('trino-worker: 1 of 2 pods updated, 0 ready');
    expect(lines.indexOf('trino-worker: 2 of 2 pods updated, 2 ready')).toBeLessThan(
      lines.indexOf('trino-coordinator: 1 of 1 pod updated, 1 ready'),
    );
  });

  it('refuses a plan whose restart names a kind without a rollout, before writing anything', async () => {
    const cm = configMapRef('data-platform', 'trino');
    const plan = await configMapPlan(t.kube, cm, 'config.properties', 'coordinator=true\n', []);
    const restart = { workloads: [cm], cost: 'none' };
    const outcome = await applyPlan(knobContext(t.kube), testKnob(), { ...plan, restart }, options());
    expect(outcome).toEqual({
      state: 'failed',
      reason:
        "the plan restarts ConfigMap data-platform/trino, whose rollout cannot be watched (only a Deployment's or a StatefulSet's)",
      evidence: [],
    });
    expect(patches()).toHaveLength(0);
  });

  it('asks again when the API server answers 503 while the rollout is watched', async () => {
    const plan = await envPlan(t.kube, [api], 'JAVA_OPTS', '-Xms1g -Xmx1536m');
    let once = false;
    const outcome = await applyPlan(
      knobContext(t.kube),
      testKnob(),
      plan,
      options({
        progress: () => {
          if (!once) t.sandbox.faults.set('api.error', { status: 503, times: 2, path: '/pods' });
          once = true;
        },
      }),
    );
    expect(outcome).toMatchObject({ state: 'applied', verification: { ok: true } });
    expect(t.sandbox.faults.has('api.error')).toBe(false);
  });

  it('restores when the verification fails, and verifies the restore on the inverted plan', async () => {
    const snapshot = await t.kube.getObject(api);
    const plan = await envPlan(t.kube, [api], 'JAVA_OPTS', '-Xms1g -Xmx1536m');
    const verified: (string | undefined)[] = [];
    const knob: KnobSet = {
      ...testKnob(),
      verify: async (ctx, p) => {
        verified.push(p.rollbackOf);
        if (p.rollbackOf === undefined) return { ok: false, lines: ['SHOW reads 1g, not 1536m'] };
        return testKnob().verify(ctx, p);
      },
    };
    const outcome = await applyPlan(knobContext(t.kube), knob, plan, options());
    expect(outcome).toMatchObject({
      state: 'rolled_back',
      reason: 'verification failed: SHOW reads 1g, not 1536m',
      restore: { ok: true },
    });
    expect(verified).toEqual([undefined, 'c-test']);
    expect((await t.kube.getObject(api)).spec).toEqual(snapshot.spec);
  });

  it('runs the live action before the writes and its restore before the restores', async () => {
    const plan = {
      ...(await envPlan(t.kube, [api], 'JAVA_OPTS', '-Xms1g -Xmx1536m')),
      live: { apply: 'CONFIG SET maxmemory 1gb', restore: 'CONFIG SET maxmemory 512mb' },
    };
    const calls: string[] = [];
    const knob: KnobSet = {
      ...testKnob(),
      live: async (_ctx, action) => {
        calls.push(`${String(action)} after ${patches().length} PATCH`);
      },
      verify: async (ctx, p) =>
        p.rollbackOf === undefined
          ? { ok: false, lines: ['CONFIG GET says 512mb'] }
          : testKnob().verify(ctx, p),
    };
    const outcome = await applyPlan(knobContext(t.kube), knob, plan, options());
    expect(outcome.state).toBe('rolled_back');
    expect(calls).toEqual([
      'CONFIG SET maxmemory 1gb after 0 PATCH',
      'CONFIG SET maxmemory 512mb after 1 PATCH',
    ]);
    expect(patches()).toHaveLength(2);
  });

  it('says failed with both reasons when the restore cannot be verified either', async () => {
    const plan = await envPlan(t.kube, [api], 'JAVA_OPTS', '-Xms1g -Xmx1536m');
    const knob: KnobSet = { ...testKnob(), verify: async () => ({ ok: false, lines: ['no pod answers'] }) };
    const outcome = await applyPlan(knobContext(t.kube), knob, plan, options());
    expect(outcome).toEqual({
      state: 'failed',
      reason:
        'verification failed: no pod answers; restoring the snapshot failed too: the restore verification failed: no pod answers',
      evidence: ['no pod answers', 'no pod answers'],
    });
  });

  it('fails without restoring when the first write is refused: nothing was written', async () => {
    const plan = await envPlan(t.kube, [api], 'JAVA_OPTS', '-Xms1g -Xmx1536m');
    const invalid = {
      ...plan,
      writes: [{ ref: api, type: 'strategic' as const, patch: { metadata: { name: 'other' } } }],
    };
    const outcome = await applyPlan(knobContext(t.kube), testKnob(), invalid, options());
    expect(outcome.state).toBe('failed');
    expect(outcome.state === 'failed' && outcome.reason).toMatch(
      /Deployment dolphinscheduler\/dolphinscheduler-api/,
    );
    expect(lines).not.toContain('restoring the snapshot taken before the change');
  });

  it('leaves the change to the next attempt on a shutdown, and restores it on a cancel', async () => {
    const plan = await envPlan(t.kube, [api], 'JAVA_OPTS', '-Xms1g -Xmx1536m');
    const shutdown = new AbortController();
    const first = applyPlan(
      knobContext(t.kube),
      testKnob(),
      plan,
      options({ signal: shutdown.signal, progress: () => shutdown.abort(SHUTDOWN_REASON) }),
    );
    await expect(first).rejects.toMatchObject({ code: 'internal', retryable: true });
    expect(patches()).toHaveLength(1);
    const cancel = new AbortController();
    const second = await applyPlan(
      knobContext(t.kube),
      testKnob(),
      plan,
      options({
        signal: cancel.signal,
        progress: (line) => {
          lines.push(line);
          cancel.abort();
        },
      }),
    );
    expect(second).toMatchObject({ state: 'rolled_back', reason: expect.stringMatching(/^Cancelled/) });
    expect(patches()).toHaveLength(2);
  });
});

const envPatch = (value: string) => ({
  spec: {
    template: {
      spec: { containers: [{ name: 'dolphinscheduler-api', env: [{ name: 'JAVA_OPTS', value }] }] },
    },
  },
});

/**
 * A StatefulSet's failed pod is not replaced when its old template is put back (the sandbox does as
 * a real cluster, kubernetes/kubernetes#67250): the restore deletes it, once, and the controller makes
 * it again from the restored template.
 */
describe('applyPlan restoring a StatefulSet (forced rollback)', () => {
  const deletes = () => t.sandbox.requests.filter((r) => r.method === 'DELETE');

  /** The StatefulSet's spec, its status's revisions, and its pods' readiness and revisions. */
  async function settled(ref: ReturnType<typeof statefulSet>) {
    const workload = await t.kube.getObject(ref);
    const status = workload.status as { currentRevision?: string; updateRevision?: string };
    const pods = await t.kube.listPods(ref.namespace, workloadSelector(workload));
    return { workload, status, pods };
  }

  it('deletes the crash-looping pod of a broker whose new heap options the real JVM refuses, and restores it', async () => {
    const kafka = statefulSet('kafka', 'kafka');
    const before = await settled(kafka);
    const plan = await envPlan(
      t.kube,
      [kafka],
      'KAFKA_HEAP_OPTS',
      '-Xmx1G -Xms1G -XX:MaxGCPauseMilis=20',
      'kafka',
    );
    const outcome = await applyPlan(knobContext(t.kube), testKnob(), plan, options());
    if (outcome.state !== 'rolled_back') throw new Error(`not rolled back: ${JSON.stringify(outcome)}`);
    expect(outcome.reason).toMatch(/pod kafka-2: CrashLoopBackOff/);
    expect(outcome.evidence.join('\n')).toMatch(/Unrecognized VM option 'MaxGCPauseMilis=20'/);
    expect(outcome.restore.ok).toBe(true);
    const after = await settled(kafka);
    expect(after.workload.spec).toEqual(before.workload.spec);
    expect(after.status.updateRevision).toBe(before.status.updateRevision);
    expect(after.status.currentRevision).toBe(before.status.currentRevision);
    expect(
      after.pods.map((p) => ({
        name: p.name,
        ready: p.ready,
        revision: p.labels['controller-revision-hash'],
      })),
    ).toEqual(
      ['kafka-0', 'kafka-1', 'kafka-2'].map((name) => ({
        name,
        ready: true,
        revision: before.status.currentRevision,
      })),
    );
    // Only the pod of the failed revision, once; the brokers on the old one were left alone.
    expect(deletes().map((r) => r.path)).toEqual(['/api/v1/namespaces/kafka/pods/kafka-2']);
    expect(lines).toContainEqual(
      expect.stringMatching(/^kafka-2: deleted, stuck on the failed revision \(CrashLoopBackOff\)/),
    );
  });

  it('deletes the PostgreSQL pod that never became ready and restores it to the snapshot', async () => {
    const postgres = statefulSet('kong', 'postgresql');
    const before = await settled(postgres);
    t.sandbox.faults.set('rollout.fail', { name: 'postgresql', times: 1 });
    const plan = await envPlan(t.kube, [postgres], 'POSTGRES_USER', 'kong2');
    const outcome = await applyPlan(
      knobContext(t.kube),
      testKnob(),
      plan,
      options({ rolloutDeadlineMs: 1500 }),
    );
    if (outcome.state !== 'rolled_back') throw new Error(`not rolled back: ${JSON.stringify(outcome)}`);
    expect(outcome.reason).toMatch(/not rolled out after 2 s/);
    expect(outcome.restore.ok).toBe(true);
    const after = await settled(postgres);
    expect(after.workload.spec).toEqual(before.workload.spec);
    expect(after.pods.map((p) => [p.name, p.ready, p.labels['controller-revision-hash']])).toEqual([
      ['postgresql-0', true, before.status.currentRevision],
    ]);
    expect(deletes().map((r) => r.path)).toEqual(['/api/v1/namespaces/kong/pods/postgresql-0']);
  });

  it('deletes nothing when the change rolled out and only its verification failed', async () => {
    const postgres = statefulSet('kong', 'postgresql');
    const before = await settled(postgres);
    const plan = await envPlan(t.kube, [postgres], 'POSTGRES_USER', 'kong2');
    const failing: KnobSet = {
      ...testKnob(),
      verify: async (ctx, p) =>
        p.rollbackOf === undefined
          ? { ok: false, lines: ['refused by the test'] }
          : testKnob().verify(ctx, p),
    };
    const outcome = await applyPlan(knobContext(t.kube), failing, plan, options());
    expect(outcome).toMatchObject({ state: 'rolled_back', restore: { ok: true } });
    expect((await settled(postgres)).workload.spec).toEqual(before.workload.spec);
    expect(deletes()).toEqual([]);
  });
});
