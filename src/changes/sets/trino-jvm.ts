import { z } from 'zod';
import { jvmChecks, logFileNotes, memoryOptionsChanged } from '../jvm/checks.js';
import { mergeJvmOptions, splitJvmOptions, staticRefusals } from '../jvm/options.js';
import { preflightJvm } from '../jvm/preflight.js';
import { verifyJvmFlags } from '../jvm/verify.js';
import type { KnobContext, KnobSet, Verification } from '../knob.js';
import { finishPlan, memoryLimitOf, parseSettings, readyPodOf, unwrap } from '../knob-plan.js';
import type { ChangePlan } from '../plan.js';
import { desiredOptions, HeapSchema, OptionLineSchema, podJava } from './dolphinscheduler-jvm.js';
import { configText, readTrinoObjects, trinoConfigChange, verifyTrinoFile } from './trino-config.js';

/**
 * `/perf tune trino jvm [options="…"] [heap=16g]`: Trino's `jvm.config` (one option a line) in its
 * ConfigMap, then a rolling restart of the workers and the coordinator last. The JVM of a ready
 * worker pod checks the lines first (the card names that JVM's version: Trino's image brings its own).
 */

const SettingsSchema = z.strictObject({ options: OptionLineSchema.optional(), heap: HeapSchema.optional() });

const KEYS = [
  {
    name: 'options',
    description: 'the whole jvm.config as one line, e.g. options="-server -Xmx6G -XX:+UseG1GC"',
  },
  { name: 'heap', description: "a heap size such as 6g: sets -Xmx, below the container's memory limit" },
] as const;

/** The options of a jvm.config text: one a line, blank lines and `#` comments left out. */
export function jvmConfigOptions(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/**
 * The new jvm.config: a whole new set of options one a line, or (a heap change) the current text with
 * each changed option replaced in its line, comments kept. The trailing newline is kept as it was.
 */
export function jvmConfigText(current: string, options: readonly string[], whole: boolean): string {
  const end = current.endsWith('\n') ? '\n' : '';
  if (whole) return `${options.join('\n')}${end}`;
  const lines = current.replace(/\n$/, '').split('\n');
  const kept = jvmConfigOptions(current);
  const merged = mergeJvmOptions(kept, options);
  const byOld = new Map(kept.map((o, i) => [o, merged[i] ?? o]));
  const out = lines.map((l) => byOld.get(l.trim()) ?? l);
  return `${[...out, ...merged.slice(kept.length)].join('\n')}${end}`;
}

const RECOMMENDED_NOTE =
  'Recommended jvm.config: Trino’s documented one (`-XX:G1HeapRegionSize=32M`, `-XX:+ExitOnOutOfMemoryError`, …) ' +
  'with -Xmx about 75% of the container’s memory limit. Old jvm.configs carry `-XX:-UseBiasedLocking` and ' +
  '`-XX:-G1UsePreventiveGC`: JDK 25 (which current Trino requires) refuses both, so they are not in it.';

async function propose(ctx: KnobContext, settings: Readonly<Record<string, string>>): Promise<ChangePlan> {
  const parsed = parseSettings(trinoJvm, SettingsSchema, settings);
  const t = ctx.platform.tuning.trino;
  const objects = await readTrinoObjects(ctx);
  const currentText = configText(objects.configMap, t.jvmKey);
  const current = jvmConfigOptions(currentText);
  const recommended = parsed.options === undefined && parsed.heap === undefined;
  const whole = recommended
    ? jvmConfigOptions(t.jvm.recommended)
    : parsed.options === undefined
      ? undefined
      : unwrap(splitJvmOptions(parsed.options));
  const after = desiredOptions(current, whole, parsed.heap);
  const text = jvmConfigText(
    currentText,
    whole === undefined ? after.filter((o) => !current.includes(o)) : after,
    whole !== undefined,
  );
  const change = trinoConfigChange(ctx, objects, t.jvmKey, text);

  const pod = await readyPodOf(ctx, objects.workers);
  const verdict = await preflightJvm(
    podJava(ctx, pod, t.workers.container, ctx.platform.tuning.jvmPreflightLogFile),
    after,
  );
  const limits = [
    memoryLimitOf(objects.workers, t.workers.container),
    memoryLimitOf(objects.coordinator, t.coordinator.container),
  ].filter((l): l is number => l !== undefined);
  const statics = staticRefusals(after, limits.length > 0 ? Math.min(...limits) : undefined);
  const memory = memoryOptionsChanged(current, after);
  return finishPlan(ctx, {
    component: 'trino',
    knobSet: 'jvm',
    settings: { options: after.join(' '), ...(parsed.heap ? { heap: parsed.heap } : {}) },
    notes: [
      ...(recommended ? [RECOMMENDED_NOTE] : []),
      ...logFileNotes(after, ctx.platform.tuning.jvmPreflightLogFile),
      ...(text === currentText
        ? [`${t.jvmKey} already reads this: applying it changes nothing but restarts the pods.`]
        : []),
    ],
    ...change,
    checks: jvmChecks(verdict, statics, `pod ${pod.name}`),
    risk: memory.length > 0 ? 'high' : 'low',
    riskReason:
      memory.length > 0
        ? `memory settings (${memory.join(', ')})`
        : 'JVM flags of stateless Trino pods, no memory setting',
    undoable: true,
  });
}

/** The new pods read the new jvm.config, and their JVMs report its flags (`jcmd 1 VM.flags`). */
async function verify(ctx: KnobContext, plan: ChangePlan): Promise<Verification> {
  const t = ctx.platform.tuning.trino;
  const file = await verifyTrinoFile(ctx, plan, t.jvmKey);
  const target = plan.targets.find((x) => x.ref.kind === 'ConfigMap');
  const text = target?.after[0];
  if (typeof text !== 'string') return file;
  const objects = await readTrinoObjects(ctx);
  const options = jvmConfigOptions(text);
  const workers = await verifyJvmFlags(ctx, objects.workers, t.workers.container, options);
  const coordinator = await verifyJvmFlags(ctx, objects.coordinator, t.coordinator.container, options);
  return {
    ok: file.ok && workers.ok && coordinator.ok,
    lines: [...file.lines, ...workers.lines, ...coordinator.lines],
  };
}

export const trinoJvm: KnobSet = {
  component: 'trino',
  name: 'jvm',
  summary: "jvm.config of Trino's coordinator and workers (ConfigMap, rolling restart)",
  keys: KEYS,
  propose,
  verify,
};
