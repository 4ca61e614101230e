import { PerfError } from '../errors.js';
import type { KubeObject } from '../kube/port.js';
import type { KnobContext, Verification } from './knob.js';
import { readyPodsOf, workloadRef } from './knob-plan.js';
import type { ChangePlan, PlanTarget } from './plan.js';

const EXEC_TIMEOUT_MS = 30_000;

/**
 * The env vars a target leaves (its after side: name → value, `null` for removed), read from the
 * paths `envVarsChange` binds (`…env[NAME]`).
 */
export function expectedEnv(target: PlanTarget): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  target.paths.forEach((path, i) => {
    const last = path.at(-1);
    if (typeof last !== 'object') return;
    const entry = target.after[i] as { value?: string } | null | undefined;
    out[last.name] = entry?.value ?? null;
  });
  return out;
}

/** `NAME=value` lines of `env` output (the first of a name). */
export function parseEnvOutput(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of text.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0 && !vars.has(line.slice(0, i))) vars.set(line.slice(0, i), line.slice(i + 1));
  }
  return vars;
}

/**
 * Every ready pod of the workload runs with the expected env (`env` by exec in the container: what
 * the process sees, not what the spec says). One line per pod and variable.
 */
export async function verifyPodEnv(
  ctx: KnobContext,
  workload: KubeObject,
  container: string,
  want: Readonly<Record<string, string | null>>,
): Promise<Verification> {
  const pods = await readyPodsOf(ctx, workload);
  const lines: string[] = [];
  let ok = pods.length > 0;
  if (!ok)
    lines.push(`no ready pod of ${workload.kind} ${workload.metadata.namespace}/${workload.metadata.name}`);
  for (const pod of pods) {
    const run = await ctx.kube.exec({
      namespace: pod.namespace,
      pod: pod.name,
      container,
      command: ['env'],
      timeoutMs: EXEC_TIMEOUT_MS,
    });
    const vars = parseEnvOutput(run.stdout);
    for (const [name, value] of Object.entries(want)) {
      const got = vars.get(name) ?? null;
      ok &&= got === value;
      lines.push(
        `${pod.name}: ${name}=${got ?? '(not set)'}${got === value ? '' : ` (expected ${value ?? 'not set'})`}`,
      );
    }
  }
  return { ok, lines };
}

/** Where an env knob set's workload is, as its `tuning` section names it. */
interface EnvWorkload {
  namespace: string;
  workload: { kind: string; name: string; container: string };
}

/**
 * The `verify` of a knob set that writes env vars of one workload: its new pods' environment reads
 * the plan's values (the plan's first target is that workload).
 *
 * @example verify: verifyWorkloadEnv('superset cache', (ctx) => ctx.platform.tuning.superset)
 */
export function verifyWorkloadEnv(
  what: string,
  where: (ctx: KnobContext) => EnvWorkload,
): (ctx: KnobContext, plan: ChangePlan) => Promise<Verification> {
  return async (ctx, plan) => {
    const t = where(ctx);
    const target = plan.targets[0];
    if (!target) throw new PerfError('internal', `${what} plan without a target`);
    const live = await ctx.kube.getObject(workloadRef(t.namespace, t.workload.kind, t.workload.name));
    return verifyPodEnv(ctx, live, t.workload.container, expectedEnv(target));
  };
}
