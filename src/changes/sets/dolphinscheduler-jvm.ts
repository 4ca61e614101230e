import { z } from 'zod';
import { PerfError } from '../../errors.js';
import type { KubeObject } from '../../kube/port.js';
import { readField } from '../fields.js';
import { jvmChecks, logFileNotes, memoryOptionsChanged } from '../jvm/checks.js';
import {
  heapBytes,
  joinJvmOptions,
  mergeJvmOptions,
  redirectLogFiles,
  splitJvmOptions,
  staticRefusals,
} from '../jvm/options.js';
import { preflightJvm, type RunJava } from '../jvm/preflight.js';
import { verifyJvmFlags } from '../jvm/verify.js';
import type { KnobContext, KnobSet, Verification } from '../knob.js';
import { finishPlan, memoryLimitOf, parseSettings, readyPodOf, unwrap, workloadRef } from '../knob-plan.js';
import type { ChangePlan } from '../plan.js';
import { expectedEnv, verifyPodEnv } from '../verify-env.js';
import { envVarsChange } from '../writes.js';

/**
 * `/perf tune dolphinscheduler jvm [options="…"] [heap=2g]`: the `JAVA_OPTS` of the API server's
 * container (a Deployment env var). The line is checked by the JVM of a ready API pod before the card,
 * and after the rollout the new pods' JVM is asked which flags it runs with.
 */

const EXEC_TIMEOUT_MS = 30_000;

/** A heap size as `-Xmx` takes it: digits and an optional k/m/g/t. */
export const HeapSchema = z
  .string()
  .regex(/^\d+[kKmMgGtT]?$/, 'a heap size such as 2g or 1536m')
  .refine((s) => (heapBytes(s) ?? 0) >= 2 * 1024 ** 2, 'at least 2m (the JVM refuses less)');

/** A whole option line: JVM words, no shell syntax (options.ts refuses it). */
export const OptionLineSchema = z
  .string()
  .min(1)
  .max(4096)
  .superRefine((line, ctx) => {
    const split = splitJvmOptions(line);
    if (!split.ok) ctx.addIssue({ code: 'custom', message: split.error.userMessage });
  });

const SettingsSchema = z.strictObject({ options: OptionLineSchema.optional(), heap: HeapSchema.optional() });

const KEYS = [
  { name: 'options', description: 'the whole JAVA_OPTS line, e.g. options="-Xmx2g -XX:+UseG1GC"' },
  { name: 'heap', description: 'a heap size such as 2g: sets -Xmx, and -Xms when the line has one' },
] as const;

/** The line a change asks for: the whole `options`, or the current line; then `heap` merged in. */
export function desiredOptions(
  current: readonly string[],
  options: string[] | undefined,
  heap: string | undefined,
): string[] {
  const base = options ?? [...current];
  if (heap === undefined) return base;
  const hasXms = base.some((o) => o.startsWith('-Xms'));
  return mergeJvmOptions(base, [`-Xmx${heap}`, ...(hasXms ? [`-Xms${heap}`] : [])]);
}

const split = (line: string) => unwrap(splitJvmOptions(line));

/** What the runbook had, and why the recommended line differs. */
export const RUNBOOK_NOTE =
  'The runbook’s line had `-XX:G1NewCollectionPercentage=30 -XX:G1MaxNewGenPercent=40 -XX:+PrintGCDetails ' +
  '-XX:+PrintGCDateStamps -Xloggc:…`: JDK 17 refuses three of them (every new pod would crash-loop) and ' +
  'deprecates the other two. Recommended instead: `-XX:+UnlockExperimentalVMOptions -XX:G1NewSizePercent=30 ' +
  '-XX:G1MaxNewSizePercent=40` (the real, experimental names) and `-Xlog:gc*:file=…` (unified logging).';

function knobOf(ctx: KnobContext) {
  const t = ctx.platform.tuning.dolphinscheduler;
  return { t, ref: workloadRef(t.namespace, t.workload.kind, t.workload.name) };
}

const envPath = (container: string, name: string) =>
  ['spec', 'template', 'spec', 'containers', { name: container }, 'env', { name }, 'value'] as const;

/** `java <options> -version` by exec in a pod, with the GC log pointed away from the server's. */
export function podJava(
  ctx: KnobContext,
  pod: { namespace: string; name: string },
  container: string,
  logFile: string,
): RunJava {
  return (options) =>
    ctx.kube.exec({
      namespace: pod.namespace,
      pod: pod.name,
      container,
      command: ['java', ...redirectLogFiles(options, logFile), '-version'],
      timeoutMs: EXEC_TIMEOUT_MS,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
}

async function propose(ctx: KnobContext, settings: Readonly<Record<string, string>>): Promise<ChangePlan> {
  const parsed = parseSettings(dolphinschedulerJvm, SettingsSchema, settings);
  const { t, ref } = knobOf(ctx);
  const live = await ctx.kube.getObject(ref);
  const { container } = t.workload;
  const currentLine = readField(live, [...envPath(container, t.jvm.env)]);
  const current = typeof currentLine === 'string' ? split(currentLine) : [];
  const recommended = parsed.options === undefined && parsed.heap === undefined;
  const options = recommended
    ? split(t.jvm.recommended)
    : parsed.options === undefined
      ? undefined
      : split(parsed.options);
  const after = desiredOptions(current, options, parsed.heap);
  const line = joinJvmOptions(after);
  const change = unwrap(envVarsChange(live, ref, container, { [t.jvm.env]: line }));

  const pod = await readyPodOf(ctx, live);
  const verdict = await preflightJvm(
    podJava(ctx, pod, container, ctx.platform.tuning.jvmPreflightLogFile),
    after,
  );
  const statics = staticRefusals(after, memoryLimitOf(live, container));
  const memory = memoryOptionsChanged(current, after);
  const notes = [
    ...(recommended
      ? [`Recommended line (tuning.dolphinscheduler.jvm.recommended): \`${line}\`.`, RUNBOOK_NOTE]
      : []),
    ...(line === currentLine ? [`${t.jvm.env} already reads this line: applying it changes nothing.`] : []),
    ...logFileNotes(after, ctx.platform.tuning.jvmPreflightLogFile),
  ];
  return finishPlan(ctx, {
    component: 'dolphinscheduler',
    knobSet: 'jvm',
    settings: { options: line, ...(parsed.heap ? { heap: parsed.heap } : {}) },
    notes,
    targets: [change.target],
    writes: [change.write],
    restores: [change.restore],
    diff: change.diff,
    restart: { workloads: [ref], cost: restartCost(live) },
    checks: jvmChecks(verdict, statics, `pod ${pod.name}`),
    risk: memory.length > 0 ? 'high' : 'low',
    riskReason:
      memory.length > 0
        ? `memory settings (${memory.join(', ')})`
        : 'JVM flags of a stateless Deployment, no memory setting',
    undoable: true,
  });
}

/** A Deployment's rolling update: new pods start before old ones stop (maxSurge), requests on old pods drain. */
function restartCost(live: KubeObject): string {
  const replicas = (live.spec as { replicas?: number } | undefined)?.replicas ?? 1;
  return `rolling restart of ${replicas} ${live.metadata.name} pod${replicas === 1 ? '' : 's'}: the API answers from the old pod until the new one is ready`;
}

async function verify(ctx: KnobContext, plan: ChangePlan): Promise<Verification> {
  const { t, ref } = knobOf(ctx);
  const target = plan.targets[0];
  if (!target) throw new PerfError('internal', 'dolphinscheduler jvm plan without a target');
  const want = expectedEnv(target)[t.jvm.env] ?? null;
  const live = await ctx.kube.getObject(ref);
  const env = await verifyPodEnv(ctx, live, t.workload.container, { [t.jvm.env]: want });
  if (want === null) return env;
  const flags = await verifyJvmFlags(ctx, live, t.workload.container, split(want));
  return { ok: env.ok && flags.ok, lines: [...env.lines, ...flags.lines] };
}

export const dolphinschedulerJvm: KnobSet = {
  component: 'dolphinscheduler',
  name: 'jvm',
  summary: 'JAVA_OPTS of the DolphinScheduler API server (Deployment env)',
  keys: KEYS,
  propose,
  verify,
};
