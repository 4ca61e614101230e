import { createHash } from 'node:crypto';
import { fail, ok, PerfError, type Result } from '../errors.js';
import type { KubeObject, ObjectRef } from '../kube/port.js';
import { readField } from './fields.js';
import type { DiffLine, FieldPath, KubeWrite, PlanTarget } from './plan.js';

/**
 * The three kinds of write a knob set makes, each computed from the live object (pure): the env vars
 * of one container, one ConfigMap key, one pod-template annotation. Each gives the target it binds
 * (fields, before, after), the write, the write that restores the snapshot, and the card's diff. A
 * restored object deep-equals its snapshot (spec and data): a field that was absent is deleted again,
 * and a map or list the change created is removed with it.
 */
export interface FieldChange {
  target: PlanTarget;
  write: KubeWrite;
  restore: KubeWrite;
  diff: DiffLine[];
}

/** The annotation that makes a workload roll when the ConfigMap it reads changed. */
export const CONFIG_HASH_ANNOTATION = 'perfbot.dev/config-hash';

/** `Deployment dolphinscheduler/dolphinscheduler-api`, as the card names an object. */
export const describeRef = (ref: ObjectRef): string => `${ref.kind} ${ref.namespace}/${ref.name}`;

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;

/** The first 16 hex digits of the SHA-256 of a config file's text. @example configHash('-Xmx4G\n') */
export const configHash = (text: string): string =>
  createHash('sha256').update(text).digest('hex').slice(0, 16);

interface EnvEntry {
  name: string;
  value?: string;
  valueFrom?: unknown;
}

/**
 * Sets (a string) or removes (`null`) env vars of one container, by a strategic merge patch keyed by
 * name: the other variables (a password's `valueFrom` among them) are never sent, so never dropped.
 * Refused: a container the template does not have, and a variable set from a ConfigMap or Secret
 * (`valueFrom`: the value lives there, and a merge would carry both).
 *
 * @example envVarsChange(deploy, ref, 'dolphinscheduler-api', { JAVA_OPTS: '-Xmx2g' })
 */
export function envVarsChange(
  live: KubeObject,
  ref: ObjectRef,
  container: string,
  vars: Readonly<Record<string, string | null>>,
): Result<FieldChange> {
  const containerPath: FieldPath = ['spec', 'template', 'spec', 'containers', { name: container }];
  const current = asObj(readField(live, containerPath));
  if (!current) return fail(missing(ref, `container ${container}`));
  const env = (Array.isArray(current.env) ? current.env : []) as EnvEntry[];
  // Only what changes is written and shown: a var already at its value is left out (all of them
  // when none changes, so that the plan still binds to the fields it names).
  const currentValue = (name: string) => env.find((e) => e.name === name)?.value ?? null;
  const changed = Object.keys(vars).filter((name) => currentValue(name) !== (vars[name] ?? null));
  const names = changed.length > 0 ? changed : Object.keys(vars);
  for (const name of names) {
    const entry = env.find((e) => e.name === name);
    if (entry?.valueFrom !== undefined)
      return fail(
        new PerfError('usage', `${name} is set from a reference`, {
          userMessage: `${describeRef(ref)}: \`${name}\` of container \`${container}\` is set from a ConfigMap or Secret (\`valueFrom\`): change it there, not here.`,
        }),
      );
  }
  const paths = names.map((name): FieldPath => [...containerPath, 'env', { name }]);
  const before = names.map((name) => env.find((e) => e.name === name) ?? null);
  const after = names.map((name): EnvEntry | null => {
    const value = vars[name];
    return value === null || value === undefined ? null : { name, value };
  });
  const envPatch = (entries: (EnvEntry | null)[]) =>
    names.map((name, i) => entries[i] ?? { name, $patch: 'delete' });
  const listWasAbsent = !Array.isArray(current.env);
  const patchOf = (env: unknown) => ({
    spec: { template: { spec: { containers: [{ name: container, env }] } } },
  });
  return ok({
    target: { ref, resourceVersion: live.metadata.resourceVersion ?? '', paths, before, after },
    write: { ref, type: 'strategic', patch: patchOf(envPatch(after)) },
    // A list the change created goes with it (`null` deletes the field), so the spec deep-equals its snapshot.
    restore: { ref, type: 'strategic', patch: patchOf(listWasAbsent ? null : envPatch(before)) },
    diff: names.flatMap((name, i) =>
      changed.includes(name)
        ? [
            {
              object: describeRef(ref),
              field: `container ${container} env ${name}`,
              before: before[i]?.value ?? null,
              after: after[i]?.value ?? null,
            },
          ]
        : [],
    ),
  });
}

/**
 * Sets (or removes, `null`) one key of a ConfigMap's `data`, by a merge patch of `data.<key>` only.
 * @example configMapKeyChange(cm, ref, 'jvm.config', '-server\n-Xmx6G\n')
 */
export function configMapKeyChange(
  live: KubeObject,
  ref: ObjectRef,
  key: string,
  value: string | null,
): Result<FieldChange> {
  const data = asObj(live.data);
  const before = data?.[key] ?? null;
  if (before !== null && typeof before !== 'string') return fail(missing(ref, `data key ${key}`));
  const restoreData = data === undefined ? null : { [key]: before };
  return ok({
    target: {
      ref,
      resourceVersion: live.metadata.resourceVersion ?? '',
      paths: [['data', key]],
      before: [before],
      after: [value],
    },
    write: { ref, type: 'merge', patch: { data: { [key]: value } } },
    restore: { ref, type: 'merge', patch: { data: restoreData } },
    diff: [{ object: describeRef(ref), field: `data ${key}`, before, after: value }],
  });
}

/**
 * Sets one annotation of a workload's pod template (a new template: the workload rolls). Restore: the
 * previous value, or the key deleted (merge patch `null`), or the whole map when the change made it.
 * @example templateAnnotationChange(deploy, ref, CONFIG_HASH_ANNOTATION, configHash(newJvmConfig))
 */
export function templateAnnotationChange(
  live: KubeObject,
  ref: ObjectRef,
  key: string,
  value: string,
): Result<FieldChange> {
  if (readField(live, ['spec', 'template']) === null) return fail(missing(ref, 'pod template'));
  const annotations = asObj(readField(live, ['spec', 'template', 'metadata', 'annotations']));
  const before = annotations?.[key] ?? null;
  const patchOf = (a: unknown) => ({ spec: { template: { metadata: { annotations: a } } } });
  return ok({
    target: {
      ref,
      resourceVersion: live.metadata.resourceVersion ?? '',
      paths: [['spec', 'template', 'metadata', 'annotations', key]],
      before: [before],
      after: [value],
    },
    write: { ref, type: 'merge', patch: patchOf({ [key]: value }) },
    restore: { ref, type: 'merge', patch: patchOf(annotations === undefined ? null : { [key]: before }) },
    diff: [
      {
        object: describeRef(ref),
        field: `pod template annotation ${key}`,
        before: typeof before === 'string' ? before : null,
        after: value,
      },
    ],
  });
}

function missing(ref: ObjectRef, what: string): PerfError {
  return new PerfError('config', `${describeRef(ref)} has no ${what}`, {
    userMessage: `${describeRef(ref)} has no ${what}: check the \`tuning\` section of perfbot.yaml against the cluster.`,
  });
}
