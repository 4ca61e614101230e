import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { workloadSelector } from '../../src/changes/rollout.js';
import { asPerfError } from '../../src/errors.js';
import { statefulSet } from '../helpers/change-plans.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

/**
 * `deletePod` through the real client, and the sandbox's StatefulSet as a real cluster has it
 * (kubernetes/kubernetes#67250): a pod of a failed revision stays when the old template is put back,
 * until it is deleted; then the controller makes it from the restored template.
 */

let t: TestSandbox;
beforeEach(async () => {
  t = await startTestSandbox({ rolloutDelayMs: 40 });
});
afterEach(() => t.close());

const postgres = statefulSet('kong', 'postgresql');
const envPatch = (value: string) => ({
  spec: {
    template: { spec: { containers: [{ name: 'postgresql', env: [{ name: 'POSTGRES_USER', value }] }] } },
  },
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function pods() {
  const workload = await t.kube.getObject(postgres);
  return t.kube.listPods('kong', workloadSelector(workload));
}

describe('the sandbox StatefulSet and deletePod', () => {
  it('keeps the failed pod through a template restore until it is deleted, then runs the old template', async () => {
    const before = await t.kube.getObject(postgres);
    const revision = (before.status as { currentRevision: string }).currentRevision;
    t.sandbox.faults.set('rollout.fail', { name: 'postgresql', times: 1 });
    const original = (
      before.spec as { template: { spec: { containers: { env?: { name: string; value: string }[] }[] } } }
    ).template.spec.containers[0]?.env?.find((e) => e.name === 'POSTGRES_USER')?.value;
    if (original === undefined) throw new Error('no POSTGRES_USER in the seed');
    await t.kube.patchObject(postgres, envPatch('kong2'), { type: 'strategic' });
    await sleep(200);
    const [failed] = await pods();
    expect(failed).toMatchObject({ name: 'postgresql-0', ready: false });
    expect(failed?.labels['controller-revision-hash']).not.toBe(revision);

    await t.kube.patchObject(postgres, envPatch(original), { type: 'strategic' });
    await sleep(400); // ten rollout delays: a restore that is not stuck is done long before
    expect((await pods()).map((p) => [p.name, p.ready, p.labels['controller-revision-hash']])).toEqual([
      ['postgresql-0', false, failed?.labels['controller-revision-hash']],
    ]);

    await t.kube.deletePod('kong', 'postgresql-0');
    await sleep(200);
    expect((await pods()).map((p) => [p.name, p.ready, p.labels['controller-revision-hash']])).toEqual([
      ['postgresql-0', true, revision],
    ]);
    const status = (await t.kube.getObject(postgres)).status as Record<string, unknown>;
    expect(status).toMatchObject({ readyReplicas: 1, currentRevision: revision, updateRevision: revision });
    expect((await t.kube.getObject(postgres)).spec).toEqual(before.spec);
  });

  it('recreates a deleted pod of a settled StatefulSet, and answers 404 for a pod that is gone', async () => {
    await t.kube.deletePod('kong', 'postgresql-0');
    expect(await pods()).toEqual([]);
    await sleep(200);
    expect((await pods()).map((p) => [p.name, p.ready])).toEqual([['postgresql-0', true]]);
    const gone = await t.kube.deletePod('kong', 'postgresql-9').catch((e: unknown) => asPerfError(e));
    expect(gone).toMatchObject({ code: 'kube_api', context: { httpCode: 404 } });
  });
});
