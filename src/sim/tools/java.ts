import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redirectLogFiles, splitJvmOptions } from '../../changes/jvm/options.js';
import type { SimExecContext, SimExecOutcome, SimTool } from '../types.js';
import { configFiles, containerOf } from './builtin.js';

/**
 * Runs the machine's `java` (or `PERFBOT_SIM_JAVA`) with an argument vector, never a shell; a missing
 * binary is exit 127 with a line that says to install a JDK.
 */
export function runJava(
  args: readonly string[],
  options: { cwd?: string } = {},
): Promise<SimExecOutcome & { missing: boolean }> {
  const binary = process.env.PERFBOT_SIM_JAVA ?? 'java';
  return new Promise((resolve) => {
    const run = { timeout: 20_000, maxBuffer: 1 << 20, ...(options.cwd ? { cwd: options.cwd } : {}) };
    execFile(binary, args, run, (error, stdout, stderr) => {
      const code = error && typeof error.code === 'number' ? error.code : error ? 127 : 0;
      const missing = error && (error as NodeJS.ErrnoException).code === 'ENOENT';
      resolve({
        stdout,
        stderr: missing ? `perfbot sandbox: no \`${binary}\` on this machine (install a JDK)\n` : stderr,
        exitCode: missing ? 127 : code,
        missing: Boolean(missing),
      });
    });
  });
}

/**
 * `java … -version` in a simulated pod runs the machine's real JVM (tuning.md: a preflight is tested
 * against the runtime itself, not a copy of its messages). Only that form is run, as an argument
 * vector (never a shell): options, then `-version`. `PERFBOT_SIM_JAVA` names another `java`.
 */
const java: SimTool = (argv) => {
  const args = argv.slice(1);
  if (args.at(-1) !== '-version' || args.slice(0, -1).some((a) => !a.startsWith('-') || a === '-version')) {
    return { stdout: '', stderr: 'perfbot sandbox: java runs only `java <options> -version`\n', exitCode: 2 };
  }
  return runJava(args).then(({ missing: _, ...outcome }) => outcome);
};

/**
 * The options the pod's JVM (pid 1) was started with: the container's `JAVA_OPTS` (DolphinScheduler's
 * start script passes it), else a mounted `jvm.config` (Trino's launcher reads one option a line).
 */
function podJvmOptions(ctx: SimExecContext): string[] {
  const env = (containerOf(ctx)?.env ?? []) as { name: string; value?: string }[];
  const line = env.find((e) => e.name === 'JAVA_OPTS')?.value;
  if (line !== undefined) {
    const split = splitJvmOptions(line);
    return split.ok ? split.value : [];
  }
  const file = [...configFiles(ctx)].find(([path]) => path.endsWith('/jvm.config'))?.[1] ?? '';
  return file
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('-'));
}

/**
 * `jcmd 1 VM.flags`, answered from the real JVM: `java -XX:+PrintFlagsFinal <the pod's options>
 * -version`, keeping the flags whose origin is not `{default}` (what VM.flags lists: set on the
 * command line or by ergonomics), printed in VM.flags' format (`1:` then `-XX:+Flag -XX:Name=value …`).
 * The real `jcmd` attaches to a running JVM, which a simulated pod does not have. A GC log file the
 * options name is written to the machine's temp directory (the pod's paths do not exist here).
 */
const jcmd: SimTool = async (argv, ctx) => {
  if (argv[1] !== '1' || argv[2] !== 'VM.flags' || argv.length !== 3) {
    return { stdout: '', stderr: 'perfbot sandbox: jcmd answers only `jcmd 1 VM.flags`\n', exitCode: 2 };
  }
  const options = redirectLogFiles(podJvmOptions(ctx), join(tmpdir(), 'perfbot-sim-jcmd-gc.log'));
  const run = await runJava(['-XX:+PrintFlagsFinal', ...options, '-version']);
  if (run.exitCode !== 0) return { stdout: '', stderr: `1: ${run.stderr}`, exitCode: 1 };
  const flags = run.stdout.split('\n').flatMap((line) => {
    const m = /^\s*\S+\s+(\w+)\s+:?=\s+(\S*)\s+\{[^}]*\}\s+\{([^}]*)\}/.exec(line);
    if (!m || m[3] === 'default' || m[1] === 'PrintFlagsFinal') return [];
    const [, name, value] = m;
    if (value === 'true' || value === 'false') return [`-XX:${value === 'true' ? '+' : '-'}${name}`];
    return [`-XX:${name}=${value}`];
  });
  return { stdout: `1:\n${flags.join(' ')}\n`, stderr: '', exitCode: 0 };
};

export const javaTools: Record<string, SimTool> = { java, jcmd };
