import { fail, ok, type Result } from '../../errors.js';

/**
 * The three patch types the API server takes on PATCH, applied to plain JSON values. All functions are pure:
 * they return a new value and never change their inputs. Failures are messages for a 422 `Status`.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const clone = <T>(value: T): T => structuredClone(value);

/** RFC 7386 JSON merge patch (`application/merge-patch+json`): objects merge, `null` deletes, the rest replaces. */
export function mergePatch(target: unknown, patch: unknown): Json {
  if (!isObject(patch)) return clone(patch as Json);
  const result: JsonObject = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/**
 * Merge keys of the lists the sandbox's objects carry, as in the Kubernetes types' `patchMergeKey` tags. Lists
 * without one are replaced, except lists of objects that all have a `name`, merged by it (as most are).
 */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  ports: 'containerPort',
  imagePullSecrets: 'name',
};

function mergeKeyFor(field: string, base: Json[], patch: Json[]): string | undefined {
  const known = MERGE_KEYS[field];
  if (known !== undefined) return known;
  const all = [...base, ...patch];
  return all.length > 0 && all.every((item) => isObject(item) && typeof item.name === 'string')
    ? 'name'
    : undefined;
}

function mergeList(base: Json[], patch: Json[], key: string): Json[] {
  const result = clone(base);
  for (const item of patch) {
    if (!isObject(item)) continue;
    const index = result.findIndex((existing) => isObject(existing) && existing[key] === item[key]);
    if (item.$patch === 'delete') {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) {
      result[index] = strategicMergePatch(result[index], item);
    } else {
      result.push(strategicMergePatch({}, item));
    }
  }
  return result;
}

/**
 * Strategic merge patch (`application/strategic-merge-patch+json`): a merge patch in which lists of objects merge
 * element by element on their merge key (`containers` and `env` by `name`), and `$patch: delete` removes one.
 */
export function strategicMergePatch(target: unknown, patch: unknown): Json {
  if (!isObject(patch)) return clone(patch as Json);
  const result: JsonObject = isObject(target) ? clone(target) : {};
  for (const [field, value] of Object.entries(patch)) {
    if (field === '$patch') continue;
    const current = result[field];
    if (value === null) delete result[field];
    else if (Array.isArray(value) && Array.isArray(current)) {
      const key = mergeKeyFor(field, current, value);
      result[field] = key === undefined ? clone(value) : mergeList(current, value, key);
    } else if (Array.isArray(value)) {
      const key = mergeKeyFor(field, [], value);
      result[field] = key === undefined ? clone(value) : mergeList([], value, key);
    } else result[field] = strategicMergePatch(current, value);
  }
  return result;
}

export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'test' | 'move' | 'copy';
  path: string;
  value?: Json;
  from?: string;
}

/** RFC 6901: `/spec/template/spec/containers/0/env` → segments, with `~1` → `/` and `~0` → `~`. */
function pointer(path: string): Result<string[], string> {
  if (path === '') return ok([]);
  if (!path.startsWith('/')) return fail(`invalid JSON pointer ${JSON.stringify(path)}`);
  return ok(
    path
      .slice(1)
      .split('/')
      .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~')),
  );
}

function read(doc: Json, segments: string[]): Json | undefined {
  let node: Json | undefined = doc;
  for (const segment of segments) {
    if (Array.isArray(node)) node = /^\d+$/.test(segment) ? node[Number(segment)] : undefined;
    else if (isObject(node)) node = Object.hasOwn(node, segment) ? node[segment] : undefined;
    else return undefined;
  }
  return node;
}

type Edit = { kind: 'add' | 'remove' | 'replace'; value?: Json };

/** Applies one edit at `segments` inside `doc` (mutating it); the root itself is handled by the caller. */
function edit(doc: Json, segments: string[], change: Edit, path: string): Result<Json, string> {
  const parent = read(doc, segments.slice(0, -1));
  const last = segments.at(-1) ?? '';
  if (Array.isArray(parent)) {
    const index = last === '-' && change.kind === 'add' ? parent.length : Number(last);
    const max = change.kind === 'add' ? parent.length : parent.length - 1;
    if (!/^(\d+|-)$/.test(last) || !(index >= 0 && index <= max)) return fail(`index out of range: ${path}`);
    if (change.kind === 'add') parent.splice(index, 0, change.value ?? null);
    else if (change.kind === 'remove') parent.splice(index, 1);
    else parent[index] = change.value ?? null;
    return ok(doc);
  }
  if (!isObject(parent)) return fail(`doc is missing path: ${path}`);
  if (change.kind !== 'add' && !Object.hasOwn(parent, last)) return fail(`doc is missing key: ${path}`);
  if (change.kind === 'remove') delete parent[last];
  else parent[last] = change.value ?? null;
  return ok(doc);
}

function applyOne(doc: Json, op: JsonPatchOperation): Result<Json, string> {
  const target = pointer(op.path);
  if (!target.ok) return target;
  const segments = target.value;
  if (op.op === 'test') {
    return JSON.stringify(read(doc, segments)) === JSON.stringify(op.value)
      ? ok(doc)
      : fail(`testing value ${op.path} failed: test failed`);
  }
  if (op.op === 'move' || op.op === 'copy') {
    const source = pointer(op.from ?? '');
    if (!source.ok) return source;
    const value = read(doc, source.value);
    if (value === undefined) return fail(`doc is missing from path: ${op.from ?? ''}`);
    const moved = op.op === 'move' ? edit(doc, source.value, { kind: 'remove' }, op.from ?? '') : ok(doc);
    if (!moved.ok) return moved;
    return applyOne(moved.value, { op: 'add', path: op.path, value: clone(value) });
  }
  if (segments.length === 0) return op.op === 'remove' ? ok(null) : ok(clone(op.value ?? null));
  return edit(doc, segments, { kind: op.op, value: clone(op.value ?? null) }, op.path);
}

/** RFC 6902 JSON patch (`application/json-patch+json`), all or nothing. */
export function jsonPatch(target: unknown, operations: unknown): Result<Json, string> {
  if (!Array.isArray(operations)) return fail('a JSON patch must be an array of operations');
  let doc = clone(target as Json);
  for (const op of operations as JsonPatchOperation[]) {
    if (!isObject(op as unknown) || typeof op.path !== 'string') return fail('invalid JSON patch operation');
    if (!['add', 'remove', 'replace', 'test', 'move', 'copy'].includes(op.op)) {
      return fail(`unexpected kind of JSON patch operation: ${JSON.stringify(op.op)}`);
    }
    if ((op.op === 'add' || op.op === 'replace' || op.op === 'test') && op.value === undefined) {
      return fail(`missing value for ${op.op} at ${op.path}`);
    }
    const next = applyOne(doc, op);
    if (!next.ok) return next;
    doc = next.value;
  }
  return ok(doc);
}
