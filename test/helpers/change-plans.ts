import { pino } from 'pino';
import { readField } from '../../src/changes/fields.js';
import type { KnobContext, KnobSet, Verification } from '../../src/changes/knob.js';
import type { ChangePlan, FieldPath, KubeWrite, PlanTarget } from '../../src/changes/plan.js';
import { workloadSelector } from '../../src/changes/rollout.js';
import { PlatformConfigSchema } from '../../src/config/platform.js';
import type { KubeObject, KubePort, ObjectRef } from '../../src/kube/port.js';

/**
 * Plans and a knob set built in the test, from the live objects, for the engine's tests (the engine is
 * the module under test; the real knob sets are tested on their own). Each plan sets one value: an env
 * var of a workload's container, or one key of a ConfigMap plus the pod-template annotation that rolls
 * the workloads reading it.
 */

export const deployment = (namespace: string, name: string): ObjectRef => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  namespace,
  name,
});
export const statefulSet = (namespace: string, name: string): ObjectRef => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  namespace,
  name,
});
export const configMapRef = (namespace: string, name: string): ObjectRef => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  namespace,
  name,
});

export const CONFIG_HASH = 'perfbot.dev/config-hash';

const envPath = (container: string, name: string): FieldPath => [
  'spec',
  'template',
  'spec',
  'containers',
  { name: container },
  'env',
  { name },
  'value',
];
const annotationPath: FieldPath = ['spec', 'template', 'metadata', 'annotations', CONFIG_HASH];

const envPatch = (container: string, name: string, value: unknown) => ({
  spec: { template: { spec: { containers: [{ name: container, env: [{ name, value }] }] } } },
});
const annotationPatch = (value: unknown) => ({
  spec: { template: { metadata: { annotations: { [CONFIG_HASH]: value } } } },
});

function target(live: KubeObject, ref: ObjectRef, paths: FieldPath[], after: unknown[]): PlanTarget {
  return {
    ref,
    resourceVersion: live.metadata.resourceVersion ?? '',
    paths,
    before: paths.map((p) => readField(live, p)),
    after,
  };
}

function basePlan(partial: Pick<ChangePlan, 'targets' | 'writes' | 'restores' | 'settings'>): ChangePlan {
  return {
    component: 'dolphinscheduler',
    knobSet: 'test',
    notes: [],
    diff: [],
    checks: [],
    risk: 'low',
    riskReason: 'a test change',
    undoable: true,
    ...partial,
  };
}

/** One env var of every listed workload's container (`container` defaults to the workload's name), in order. */
export async function envPlan(
  kube: KubePort,
  refs: readonly ObjectRef[],
  name: string,
  value: string,
  container?: string,
): Promise<ChangePlan> {
  const targets: PlanTarget[] = [];
  const writes: KubeWrite[] = [];
  const restores: KubeWrite[] = [];
  for (const ref of refs) {
    const live = await kube.getObject(ref);
    const c = container ?? ref.name;
    const t = target(live, ref, [envPath(c, name)], [value]);
    targets.push(t);
    writes.push({ ref, type: 'strategic', patch: envPatch(c, name, value) });
    restores.push({ ref, type: 'strategic', patch: envPatch(c, name, t.before[0]) });
  }
  return {
    ...basePlan({ targets, writes, restores, settings: { [name]: value } }),
    restart: { workloads: [...refs], cost: `rolling restart of ${refs.map((r) => r.name).join(', ')}` },
  };
}

/** One key of a ConfigMap, then the config-hash annotation of each workload that mounts it, in order. */
export async function configMapPlan(
  kube: KubePort,
  cm: ObjectRef,
  key: string,
  value: string,
  workloads: readonly ObjectRef[],
): Promise<ChangePlan> {
  const live = await kube.getObject(cm);
  const cmTarget = target(live, cm, [['data', key]], [value]);
  const targets = [cmTarget];
  const writes: KubeWrite[] = [{ ref: cm, type: 'merge', patch: { data: { [key]: value } } }];
  const restores: KubeWrite[] = [{ ref: cm, type: 'merge', patch: { data: { [key]: cmTarget.before[0] } } }];
  const hash = `test-${value.length}-${Date.now()}`;
  for (const ref of workloads) {
    const w = await kube.getObject(ref);
    const t = target(w, ref, [annotationPath], [hash]);
    targets.push(t);
    writes.push({ ref, type: 'strategic', patch: annotationPatch(hash) });
    restores.push({ ref, type: 'strategic', patch: annotationPatch(t.before[0]) });
  }
  return {
    ...basePlan({ targets, writes, restores, settings: { [key]: value } }),
    restart: {
      workloads: [...workloads],
      cost: `rolling restart of ${workloads.map((r) => r.name).join(', ')}`,
    },
  };
}

/**
 * Verifies the after side of a plan's env targets as a person would: every pod of the workload is
 * ready and its `env` (run in the pod) shows the value; ConfigMap targets read back their value.
 */
export async function verifyPlan(
  kube: KubePort,
  plan: ChangePlan,
  options: { inPods: boolean } = { inPods: true },
): Promise<Verification> {
  const lines: string[] = [];
  let ok = true;
  for (const t of plan.targets) {
    const live = await kube.getObject(t.ref);
    if (!options.inPods || t.ref.kind === 'ConfigMap' || t.paths[0]?.[3] !== 'containers') {
      const same = t.paths.every((p, i) => JSON.stringify(readField(live, p)) === JSON.stringify(t.after[i]));
      ok &&= same;
      lines.push(`${t.ref.kind} ${t.ref.name}: ${same ? 'reads' : 'does not read'} the planned value`);
      continue;
    }
    const path = t.paths[0] ?? [];
    const name = (path[6] as { name: string }).name;
    const container = (path[4] as { name: string }).name;
    for (const pod of await kube.listPods(t.ref.namespace, workloadSelector(live))) {
      const env = await kube.exec({
        namespace: pod.namespace,
        pod: pod.name,
        container,
        command: ['env'],
        timeoutMs: 5000,
      });
      const line = env.stdout.split('\n').find((l) => l.startsWith(`${name}=`));
      const want = t.after[0] === null ? undefined : `${name}=${String(t.after[0])}`;
      const good = pod.ready && line === want;
      ok &&= good;
      lines.push(`${pod.name}: ${line ?? `no ${name}`}${pod.ready ? '' : ' (not ready)'}`);
    }
  }
  return { ok, lines };
}

/**
 * The knob set of these tests: its plans come from the builders above; `verify` is `verifyPlan`
 * (`inPods: false`: the objects' fields only, for a test that records only the engine's own calls).
 */
export function testKnob(options: { inPods: boolean } = { inPods: true }): KnobSet {
  return {
    component: 'dolphinscheduler',
    name: 'test',
    summary: 'one value, for the engine tests',
    keys: [],
    propose: () => Promise.reject(new Error('the engine tests build their plans themselves')),
    verify: (ctx, plan) => verifyPlan(ctx.kube, plan, options),
  };
}

export function knobContext(kube: KubePort): KnobContext {
  return {
    platform: PlatformConfigSchema.parse({}),
    kube,
    log: pino({ level: 'silent' }),
    fetch,
    now: () => new Date().toISOString(),
  };
}
