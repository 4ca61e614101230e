import type { KubeObject } from '../../kube/port.js';
import type { KnobContext, Verification } from '../knob.js';
import { readyPodsOf } from '../knob-plan.js';
import { compareFlags, parseVmFlags } from './checks.js';

const EXEC_TIMEOUT_MS = 30_000;

/**
 * Every ready pod's JVM (pid 1) runs with the options: `jcmd 1 VM.flags` by exec in the container,
 * each option that is a flag compared with what the JVM reports (`compareFlags`).
 */
export async function verifyJvmFlags(
  ctx: KnobContext,
  workload: KubeObject,
  container: string,
  options: readonly string[],
): Promise<Verification> {
  const lines: string[] = [];
  let ok = true;
  for (const pod of await readyPodsOf(ctx, workload)) {
    const flags = await ctx.kube.exec({
      namespace: pod.namespace,
      pod: pod.name,
      container,
      command: ['jcmd', '1', 'VM.flags'],
      timeoutMs: EXEC_TIMEOUT_MS,
    });
    if (flags.exitCode !== 0) {
      ok = false;
      lines.push(`${pod.name}: jcmd 1 VM.flags failed: ${flags.stderr.trim() || `exit ${flags.exitCode}`}`);
      continue;
    }
    const compared = compareFlags(options, parseVmFlags(flags.stdout), pod.name);
    ok &&= compared.ok;
    lines.push(...compared.lines);
  }
  return { ok, lines };
}
