import { describe, expect, it, vi } from 'vitest';
import type { KubeObject } from '../../../src/kube/port.js';
import { podHash, podReady, templateHash } from '../../../src/sim/kube/controller.js';
import { seedPlatform } from '../../../src/sim/kube/seed.js';
import { SandboxStore, type StartFailure, type TemplateCheck } from '../../../src/sim/kube/state.js';

/**
 * The simulated controllers' rollouts over time, on the store alone: whether a container starts is
 * the injected check's answer (the sandbox wires the real JVM in; see the engine's integration tests).
 */

const JVM_LOG =
  "Unrecognized VM option 'PrintGCDateStamps'\nError: Could not create the Java Virtual Machine.\nError: A fatal exception has occurred. Program will exit.\n";

// Long enough that a poll every 5 ms sees each step of a rollout.
const DELAY = 500;
const wait = { timeout: 5000, interval: 5 };

function store(check?: TemplateCheck): SandboxStore {
  const s = new SandboxStore({
    seed: 3,
    rolloutDelayMs: DELAY,
    progressDeadlineMs: 2 * DELAY,
    ...(check ? { checkTemplate: check } : {}),
  });
  seedPlatform(s);
  return s;
}

/** Refuses any template whose JAVA_OPTS holds `PrintGCDateStamps`, as JDK 17 does. */
const refusesDateStamps: TemplateCheck = async ({ template }) => {
  const c = (template.spec as { containers: { name: string; env?: { name: string; value?: string }[] }[] })
    .containers[0];
  const opts = c?.env?.find((e) => e.name === 'JAVA_OPTS')?.value ?? '';
  const failure: StartFailure = { container: c?.name ?? '', exitCode: 1, log: JVM_LOG };
  return opts.includes('PrintGCDateStamps') ? failure : undefined;
};

const javaOpts = (value: string) => ({
  spec: {
    template: {
      spec: { containers: [{ name: 'dolphinscheduler-api', env: [{ name: 'JAVA_OPTS', value }] }] },
    },
  },
});
const NS = 'dolphinscheduler';
const API = 'dolphinscheduler-api';
const apiPods = (s: SandboxStore) => s.list('Pod', NS);
const apiStatus = (s: SandboxStore) => s.get('Deployment', NS, API)?.status as Record<string, unknown>;
const progressing = (s: SandboxStore) =>
  (apiStatus(s).conditions as { type: string; reason: string }[]).find((c) => c.type === 'Progressing')
    ?.reason;
const container = (pod: KubeObject | undefined) =>
  (pod?.status as { containerStatuses: Record<string, unknown>[] } | undefined)?.containerStatuses[0] ?? {};

describe('rollouts of the simulated controllers', () => {
  it('starts a new pod beside the old one, makes it ready, then removes the old one', async () => {
    const s = store(refusesDateStamps);
    const [old] = apiPods(s);
    s.patch('Deployment', NS, API, javaOpts('-Xmx1536m'), { type: 'strategic' });
    const hash = templateHash(
      (s.get('Deployment', NS, API)?.spec as { template?: unknown } | undefined)?.template,
    );
    expect(apiStatus(s)).toMatchObject({ updatedReplicas: 0, replicas: 1 });
    await vi.waitFor(() => expect(apiPods(s)).toHaveLength(2), wait);
    const surge = apiPods(s).find((p) => podHash(p) === hash);
    expect(surge && podReady(surge)).toBe(false);
    expect(apiStatus(s)).toMatchObject({ replicas: 2, updatedReplicas: 1, readyReplicas: 1 });
    await vi.waitFor(
      () => expect(apiStatus(s)).toMatchObject({ replicas: 1, updatedReplicas: 1, readyReplicas: 1 }),
      wait,
    );
    expect(apiPods(s).map((p) => p.metadata.name)).toEqual([surge?.metadata.name]);
    expect(apiPods(s).map((p) => p.metadata.name)).not.toContain(old?.metadata.name);
    expect(progressing(s)).toBe('NewReplicaSetAvailable');
    s.close();
  });

  it('crash-loops a pod whose container does not start, with its log and a back-off event, until the deadline says so', async () => {
    const s = store(refusesDateStamps);
    s.patch('Deployment', NS, API, javaOpts('-Xmx1g -XX:+PrintGCDateStamps'), { type: 'strategic' });
    await vi.waitFor(
      () => expect(container(apiPods(s).find((p) => !podReady(p))).restartCount).toBeGreaterThanOrEqual(2),
      wait,
    );
    const crashing = apiPods(s).find((p) => !podReady(p));
    const name = crashing?.metadata.name ?? '';
    expect(container(crashing)).toMatchObject({
      ready: false,
      state: { waiting: { reason: 'CrashLoopBackOff' } },
      lastState: { terminated: { exitCode: 1, reason: 'Error' } },
    });
    const previous = s.podLog(NS, name, { previous: true, tailLines: 2 });
    expect(previous).toEqual({
      ok: true,
      value:
        'Error: Could not create the Java Virtual Machine.\nError: A fatal exception has occurred. Program will exit.\n',
    });
    const [event] = s.list('Event', NS);
    expect(event).toMatchObject({
      type: 'Warning',
      reason: 'BackOff',
      involvedObject: { kind: 'Pod', name },
      message: expect.stringMatching(
        new RegExp(`^Back-off restarting failed container ${API} in pod ${name}_${NS}\\(`),
      ),
    });
    expect(event?.count).toBeGreaterThanOrEqual(2);
    await vi.waitFor(() => expect(progressing(s)).toBe('ProgressDeadlineExceeded'), wait);
    s.close();
  });

  it('completes a restore to the template the old pods run, removing the crashing pod and keeping the old one', async () => {
    const s = store(refusesDateStamps);
    const [old] = apiPods(s);
    s.patch('Deployment', NS, API, javaOpts('-XX:+PrintGCDateStamps'), { type: 'strategic' });
    await vi.waitFor(() => expect(apiPods(s)).toHaveLength(2), wait);
    s.patch('Deployment', NS, API, javaOpts('-Xms1g -Xmx1g -Xmn512m'), { type: 'strategic' });
    await vi.waitFor(() => expect(progressing(s)).toBe('NewReplicaSetAvailable'), wait);
    expect(apiPods(s).map((p) => p.metadata.name)).toEqual([old?.metadata.name]);
    expect(apiStatus(s)).toMatchObject({ replicas: 1, updatedReplicas: 1, readyReplicas: 1 });
    s.close();
  });

  it('rolls a StatefulSet from its highest ordinal, and reports its revisions until it completes', async () => {
    const s = store();
    const heap = {
      spec: {
        template: {
          spec: { containers: [{ name: 'kafka', env: [{ name: 'KAFKA_HEAP_OPTS', value: '-Xmx2G' }] }] },
        },
      },
    };
    s.patch('StatefulSet', 'kafka', 'kafka', heap, { type: 'strategic' });
    const status = () => s.get('StatefulSet', 'kafka', 'kafka')?.status as Record<string, unknown>;
    await vi.waitFor(() => expect(status().updatedReplicas).toBe(1), wait);
    const update = status().updateRevision as string;
    const revisions = s
      .list('Pod', 'kafka')
      .map((p) => (p.metadata.labels as Record<string, string>)['controller-revision-hash']);
    expect(revisions[2]).toBe(update);
    expect(revisions[0]).not.toBe(update);
    expect(status().currentRevision).not.toBe(update);
    await vi.waitFor(() => expect(status().currentRevision).toBe(update), wait);
    expect(status()).toMatchObject({ replicas: 3, updatedReplicas: 3, readyReplicas: 3, currentReplicas: 3 });
    s.close();
  });

  it('starts no rollout for a ConfigMap change alone, as Kubernetes does', () => {
    const s = store();
    const before = s.list('Pod', 'data-platform');
    const worker = s.get('Deployment', 'data-platform', 'trino-worker');
    s.patch('ConfigMap', 'data-platform', 'trino', { data: { 'jvm.config': '-Xmx5G' } }, { type: 'merge' });
    expect(s.list('Pod', 'data-platform')).toEqual(before);
    expect(s.get('Deployment', 'data-platform', 'trino-worker')).toEqual(worker);
    s.close();
  });

  it('refuses a log of a container the pod does not have, or of a previous run it never had', () => {
    const s = store();
    const [pod] = apiPods(s);
    const name = pod?.metadata.name ?? '';
    expect(s.podLog(NS, name, {})).toEqual({ ok: true, value: '' });
    expect(s.podLog(NS, name, { container: 'sidecar' })).toMatchObject({ ok: false, error: { code: 400 } });
    expect(s.podLog(NS, name, { previous: true })).toMatchObject({
      ok: false,
      error: { code: 400, message: `previous terminated container "${API}" in pod "${name}" not found` },
    });
    expect(s.podLog(NS, 'nope', {})).toMatchObject({ ok: false, error: { code: 404 } });
    s.close();
  });
});
