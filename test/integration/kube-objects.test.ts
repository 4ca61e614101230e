import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PerfError } from '../../src/errors.js';
import type { KubeObject, ObjectRef } from '../../src/kube/port.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

let t: TestSandbox;
beforeEach(async () => {
  t = await startTestSandbox();
});
afterEach(() => t.close());

const api: ObjectRef = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  namespace: 'dolphinscheduler',
  name: 'dolphinscheduler-api',
};
const trinoCm: ObjectRef = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'data-platform', name: 'trino' };
type Env = { name: string; value?: string }[];
const envOf = (obj: KubeObject): Env =>
  (obj.spec as { template: { spec: { containers: { env: Env }[] } } }).template.spec.containers[0]?.env ?? [];
const javaOpts = {
  spec: {
    template: {
      spec: {
        containers: [{ name: 'dolphinscheduler-api', env: [{ name: 'JAVA_OPTS', value: '-Xms2g -Xmx2g' }] }],
      },
    },
  },
};

describe('kube adapter: get and patch', () => {
  it('reads a ConfigMap as plain JSON', async () => {
    const cm = await t.kube.getObject(trinoCm);
    expect(cm.metadata.resourceVersion).toMatch(/^\d+$/);
    expect((cm.data as Record<string, string>)['jvm.config']).toContain('-Xmx4G');
    expect(typeof cm.metadata.creationTimestamp).toBe('string');
  });

  it('leaves the object unchanged on a dry run, yet returns the patched result', async () => {
    const before = await t.kube.getObject(api);
    const preview = await t.kube.patchObject(api, javaOpts, { type: 'strategic', dryRun: true });
    expect(envOf(preview).find((e) => e.name === 'JAVA_OPTS')?.value).toBe('-Xms2g -Xmx2g');
    expect(await t.kube.getObject(api)).toEqual(before);
    expect(t.sandbox.requests.some((r) => r.method === 'PATCH' && r.query === '?dryRun=All')).toBe(true);
  });

  it('merges env by name on a strategic merge patch and bumps generation and resourceVersion', async () => {
    const before = await t.kube.getObject(api);
    const after = await t.kube.patchObject(api, javaOpts, { type: 'strategic' });
    const env = envOf(after);
    expect(env.find((e) => e.name === 'JAVA_OPTS')?.value).toBe('-Xms2g -Xmx2g');
    expect(env.find((e) => e.name === 'SPRING_DATASOURCE_HIKARI_MAXIMUM_POOL_SIZE')?.value).toBe('50');
    expect(after.metadata.generation).toBe((before.metadata.generation ?? 0) + 1);
    expect(Number(after.metadata.resourceVersion)).toBeGreaterThan(Number(before.metadata.resourceVersion));
  });

  it('replaces the list on a merge patch, as RFC 7386 says', async () => {
    const after = await t.kube.patchObject(api, javaOpts, { type: 'merge' }).catch((e: unknown) => e);
    // A merge patch replaces the containers list: the lone container has no image, which the server refuses.
    expect((after as PerfError).code).toBe('kube_api');
    expect((after as PerfError).userMessage).toContain('image: Required value');
  });

  it('patches ConfigMap data with a merge patch', async () => {
    const after = await t.kube.patchObject(
      trinoCm,
      { data: { 'jvm.config': '-server\n-Xmx6G\n' } },
      { type: 'merge' },
    );
    expect((after.data as Record<string, string>)['jvm.config']).toBe('-server\n-Xmx6G\n');
    expect((after.data as Record<string, string>)['config.properties']).toContain('query.max-memory=4GB');
  });

  it('applies a JSON patch and refuses one whose test fails', async () => {
    const ops = [
      { op: 'test', path: '/data/config.properties', value: 'nope' },
      { op: 'replace', path: '/data/config.properties', value: 'x=1' },
    ];
    const error = (await t.kube
      .patchObject(trinoCm, ops, { type: 'json' })
      .catch((e: unknown) => e)) as PerfError;
    expect(error.code).toBe('kube_api');
    expect(error.context.httpCode).toBe(422);
    const ok = await t.kube.patchObject(trinoCm, [{ op: 'add', path: '/data/extra', value: 'y' }], {
      type: 'json',
    });
    expect((ok.data as Record<string, string>).extra).toBe('y');
  });

  it('refuses a patch bound to an old resourceVersion with a conflict', async () => {
    const stale = (await t.kube.getObject(trinoCm)).metadata.resourceVersion;
    await t.kube.patchObject(trinoCm, { data: { a: '1' } }, { type: 'merge' });
    const error = (await t.kube
      .patchObject(trinoCm, { metadata: { resourceVersion: stale }, data: { a: '2' } }, { type: 'merge' })
      .catch((e: unknown) => e)) as PerfError;
    expect(error.context.httpCode).toBe(409);
    expect(error.retryable).toBe(false);
  });

  it('rolls the new env out to fresh pods', async () => {
    const oldPods = await t.kube.listPods('dolphinscheduler', 'app.kubernetes.io/name=dolphinscheduler-api');
    const patched = await t.kube.patchObject(api, javaOpts, { type: 'strategic' });
    expect((patched.status as { updatedReplicas: number }).updatedReplicas).toBe(0);
    // Complete (formats.md, "Rollouts"): the new pod is ready and the old one gone. The sandbox's
    // rollout runs the real `java` on the new JAVA_OPTS first, hence the longer wait.
    await vi.waitFor(
      async () => {
        const status = (await t.kube.getObject(api)).status as {
          replicas: number;
          updatedReplicas: number;
          availableReplicas: number;
          observedGeneration: number;
        };
        expect(status).toMatchObject({ replicas: 1, updatedReplicas: 1, availableReplicas: 1 });
        expect(status.observedGeneration).toBe(patched.metadata.generation);
      },
      { timeout: 15_000, interval: 20 },
    );
    const pods = await t.kube.listPods('dolphinscheduler', 'app.kubernetes.io/name=dolphinscheduler-api');
    expect(pods.map((p) => p.name)).not.toEqual(oldPods.map((p) => p.name));
    const pod = pods[0];
    if (!pod) throw new Error('no pod after rollout');
    const env = await t.kube.exec({
      namespace: pod.namespace,
      pod: pod.name,
      command: ['env'],
      timeoutMs: 5000,
    });
    expect(env.stdout).toContain('JAVA_OPTS=-Xms2g -Xmx2g\n');
  });

  it('maps an unknown object to a kube_api error naming it', async () => {
    const error = (await t.kube.getObject({ ...api, name: 'nope' }).catch((e: unknown) => e)) as PerfError;
    expect(error).toBeInstanceOf(PerfError);
    expect(error.code).toBe('kube_api');
    expect(error.retryable).toBe(false);
    expect(error.userMessage).toContain('Deployment dolphinscheduler/nope');
    expect(error.userMessage).toContain('deployments.apps "nope" not found');
  });

  it('retries on a 503 from the API server', async () => {
    t.sandbox.faults.set('api.error', { status: 503, times: 1 });
    const error = (await t.kube.getObject(trinoCm).catch((e: unknown) => e)) as PerfError;
    expect(error.code).toBe('kube_api');
    expect(error.retryable).toBe(true);
    expect((await t.kube.getObject(trinoCm)).metadata.name).toBe('trino');
  });
});
