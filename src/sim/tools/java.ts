import { execFile } from 'node:child_process';
import type { SimExecOutcome, SimTool } from '../types.js';

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

export const javaTools: Record<string, SimTool> = { java };
