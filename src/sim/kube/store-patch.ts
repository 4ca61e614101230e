import { fail, ok, type Result } from '../../errors.js';
import type { KubeObject, PatchType } from '../../kube/port.js';
import { templateOf } from './controller.js';
import { type Json, jsonPatch, mergePatch, strategicMergePatch } from './patch.js';

/** A PATCH body applied with its type's semantics; the result must still be an object with metadata. */
export function applyPatch(current: KubeObject, body: unknown, type: PatchType): Result<KubeObject, string> {
  let result: Result<Json, string>;
  if (type === 'json') result = jsonPatch(current, body);
  else if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return fail('the patch must be a JSON object');
  } else result = ok(type === 'merge' ? mergePatch(current, body) : strategicMergePatch(current, body));
  if (!result.ok) return result;
  const next = result.value as unknown as KubeObject;
  if (
    typeof next !== 'object' ||
    next === null ||
    typeof next.metadata !== 'object' ||
    next.metadata === null
  ) {
    return fail('the patched object has no metadata');
  }
  return ok(next);
}

/** What the API server would refuse: identity changes and ill-typed fields perfbot's knobs touch. */
export function validate(next: KubeObject, current: KubeObject): string | undefined {
  for (const field of ['name', 'namespace', 'uid'] as const) {
    if (next.metadata[field] !== current.metadata[field])
      return `metadata.${field}: Invalid value: field is immutable`;
  }
  if (next.kind !== current.kind || next.apiVersion !== current.apiVersion)
    return 'kind and apiVersion are immutable';
  for (const section of ['data', 'stringData'] as const) {
    const data = next[section];
    if (data === undefined) continue;
    if (typeof data !== 'object' || data === null)
      return `${section}: Invalid value: must be a map of strings`;
    for (const [key, value] of Object.entries(data)) {
      if (typeof value !== 'string') return `${section}[${key}]: Invalid value: must be a string`;
    }
  }
  const spec = templateOf(next)?.spec as { containers?: unknown } | undefined;
  return spec ? validateContainers(spec.containers, 'spec.template.spec.containers') : undefined;
}

function validateContainers(containers: unknown, path: string): string | undefined {
  if (!Array.isArray(containers) || containers.length === 0) return `${path}: Required value`;
  for (const [i, c] of containers.entries()) {
    if (typeof c?.name !== 'string' || c.name === '') return `${path}[${i}].name: Required value`;
    if (typeof c.image !== 'string' || c.image === '') return `${path}[${i}].image: Required value`;
    for (const [j, env] of (Array.isArray(c.env) ? c.env : []).entries()) {
      if (typeof env?.name !== 'string' || env.name === '')
        return `${path}[${i}].env[${j}].name: Required value`;
      if (env.value !== undefined && typeof env.value !== 'string') {
        return `${path}[${i}].env[${j}].value: Invalid value: must be a string`;
      }
    }
  }
  return undefined;
}
