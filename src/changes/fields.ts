import type { KubeObject } from '../kube/port.js';
import type { FieldPath, PlanTarget } from './plan.js';

/**
 * Reading the fields a change touches, so that a plan can be bound to them: a click or a retry
 * re-reads the live object and compares exactly these fields (not the whole resourceVersion, which
 * a controller's status write also moves).
 */

/** The value at a path, or `null` when any step is missing. @example readField(deploy, ['spec', 'template', 'spec', 'containers', { name: 'api' }, 'env', { name: 'JAVA_OPTS' }, 'value']) */
export function readField(object: unknown, path: FieldPath): unknown {
  let here: unknown = object;
  for (const step of path) {
    if (typeof step === 'string') {
      if (typeof here !== 'object' || here === null || Array.isArray(here)) return null;
      here = (here as Record<string, unknown>)[step];
    } else {
      if (!Array.isArray(here)) return null;
      here = here.find((item) => (item as { name?: unknown } | null)?.name === step.name);
    }
    if (here === undefined) return null;
  }
  return here ?? null;
}

/** A path as the card and logs show it: `spec.template.spec.containers[api].env[JAVA_OPTS].value`. */
export function formatPath(path: FieldPath): string {
  return path.map((s, i) => (typeof s === 'string' ? `${i === 0 ? '' : '.'}${s}` : `[${s.name}]`)).join('');
}

/** Where a live object stands against a target: not yet changed, changed, or moved by someone else. */
export type TargetState = 'before' | 'after' | 'moved';

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * `after` when every path reads its `after` value (checked first: a change whose before equals its
 * after is applied), `before` when every path reads its `before` value, else `moved`.
 */
export function targetState(live: KubeObject, target: PlanTarget): TargetState {
  const values = target.paths.map((p) => readField(live, p));
  if (values.every((v, i) => same(v, target.after[i]))) return 'after';
  if (values.every((v, i) => same(v, target.before[i]))) return 'before';
  return 'moved';
}

/** The fields of a target that differ from what the card showed, for a "moved since the card" refusal. */
export function movedFields(live: KubeObject, target: PlanTarget): string[] {
  return target.paths.flatMap((p, i) => {
    const v = readField(live, p);
    return same(v, target.before[i]) || same(v, target.after[i]) ? [] : [formatPath(p)];
  });
}
