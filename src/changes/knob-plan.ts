import type { z } from 'zod';
import { touchableObjects } from '../config/tuning.js';
import { PerfError, type Result } from '../errors.js';
import type { KubeObject, ObjectRef, PodInfo } from '../kube/port.js';
import { toBytes } from '../kube/quantity.js';
import { dryRunWrites } from './dry-run.js';
import type { KnobContext, KnobSet } from './knob.js';
import type { ChangePlan } from './plan.js';
import { describeRef } from './writes.js';

/**
 * What every knob set does the same way: read its settings through its schema, read the live objects
 * the config names, find a ready pod of a workload, and finish a plan (the guard that only configured
 * objects are written, then the server-side dry run of every write).
 */

/** `usage` error for a knob set, naming the keys it takes. */
export function knobUsage(knob: Pick<KnobSet, 'component' | 'name' | 'keys'>, problem: string): PerfError {
  const keys = knob.keys.map((k) => `\`${k.name}\` (${k.description})`).join(', ');
  return new PerfError('usage', `${knob.component} ${knob.name}: ${problem}`, {
    userMessage: `\`/perf tune ${knob.component} ${knob.name}\`: ${problem}. It takes ${keys}.`,
  });
}

/**
 * The settings through the knob set's schema: an unknown key or a refused value is a `usage` error
 * that says what the schema said and names the keys.
 */
export function parseSettings<S extends z.ZodType>(
  knob: Pick<KnobSet, 'component' | 'name' | 'keys'>,
  schema: S,
  settings: Readonly<Record<string, string>>,
): z.infer<S> {
  const unknown = Object.keys(settings).filter((k) => !knob.keys.some((key) => key.name === k));
  if (unknown.length > 0) throw knobUsage(knob, `unknown key ${unknown.map((k) => `\`${k}\``).join(', ')}`);
  const parsed = schema.safeParse(settings);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ');
  throw knobUsage(knob, issues);
}

/** Throws a result's error (propose is I/O code: it throws PerfErrors). */
export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw result.error;
  return result.value;
}

/** A workload's or ConfigMap's reference as the config names it. */
export const workloadRef = (namespace: string, kind: string, name: string): ObjectRef => ({
  apiVersion: 'apps/v1',
  kind,
  namespace,
  name,
});
export const configMapRef = (namespace: string, name: string): ObjectRef => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  namespace,
  name,
});

/** The label selector of a workload's pods, from its own `spec.selector.matchLabels`. */
export function podSelectorOf(workload: KubeObject): string {
  const labels = (workload.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined)
    ?.selector?.matchLabels;
  if (!labels || Object.keys(labels).length === 0)
    throw new PerfError('config', `${workload.kind} ${workload.metadata.name} has no selector.matchLabels`, {
      userMessage: `${workload.kind} ${workload.metadata.namespace}/${workload.metadata.name} has no \`spec.selector.matchLabels\`: perfbot cannot find its pods.`,
    });
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** A ready pod of the workload (same image and env as the new ones will have, before the change). */
export const readyPodOf = (ctx: KnobContext, workload: KubeObject): Promise<PodInfo> =>
  ctx.kube.findReadyPod(workload.metadata.namespace ?? '', podSelectorOf(workload));

/** The ready pods of a workload (after a rollout: the new ones). */
export async function readyPodsOf(ctx: KnobContext, workload: KubeObject): Promise<PodInfo[]> {
  const pods = await ctx.kube.listPods(workload.metadata.namespace ?? '', podSelectorOf(workload));
  return pods.filter((p) => p.ready && p.phase === 'Running');
}

/** The memory limit of one container of a workload's pod template, in bytes (undefined: none set). */
export function memoryLimitOf(workload: KubeObject, container: string): number | undefined {
  const spec = (workload.spec as { template?: { spec?: { containers?: unknown[] } } } | undefined)?.template
    ?.spec;
  const c = (spec?.containers ?? []).find((x) => (x as { name?: string }).name === container) as
    | { resources?: { limits?: { memory?: string } } }
    | undefined;
  const text = c?.resources?.limits?.memory;
  if (text === undefined) return undefined;
  const bytes = toBytes(text);
  return bytes.ok ? bytes.value : undefined;
}

/**
 * The last step of every `propose`: refuses a write to an object the `tuning` config does not name
 * (an `internal` error: the knob set built a reference it should not have), then appends the API
 * server's dry-run verdict on every write to the plan's checks.
 */
export async function finishPlan(ctx: KnobContext, plan: ChangePlan): Promise<ChangePlan> {
  const allowed = touchableObjects(ctx.platform.tuning);
  const key = (r: ObjectRef) => `${r.kind}/${r.namespace}/${r.name}`;
  const names = new Set(allowed.map(key));
  for (const ref of [...plan.writes, ...plan.restores].map((w) => w.ref)) {
    if (!names.has(key(ref)))
      throw new PerfError('internal', `${describeRef(ref)} is not named in tuning`, {
        userMessage: `${describeRef(ref)} is not among the objects the \`tuning\` section of perfbot.yaml allows perfbot to touch.`,
      });
  }
  const dryRun = await dryRunWrites(ctx.kube, plan.writes);
  return { ...plan, checks: [...plan.checks, ...dryRun] };
}
