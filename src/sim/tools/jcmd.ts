import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageRooted, jvmLaunch } from '../kube/jvm-check.js';
import type { SimTool } from '../types.js';
import { javaTools, runJava } from './java.js';

/**
 * `jcmd 1 VM.flags` in a simulated pod, answered from the real JVM: `java -XX:+PrintFlagsFinal <the
 * options the pod's JVM started with> -version` (those of `jvmLaunch`: its `JAVA_OPTS`, or a mounted
 * `jvm.config`), keeping the flags whose origin is not `{default}` (what VM.flags lists: set on the
 * command line or by ergonomics), printed in VM.flags' format: `1:` then `-XX:+Flag -XX:Name=value …`.
 * The real `jcmd` attaches to a running JVM, which a simulated pod does not have. The options run as
 * the image would run them (`imageRooted`: a GC log under a scratch root).
 */
const jcmd: SimTool = async (argv, ctx) => {
  if (argv[1] !== '1' || argv[2] !== 'VM.flags' || argv.length !== 3) {
    return { stdout: '', stderr: 'perfbot sandbox: jcmd answers only `jcmd 1 VM.flags`\n', exitCode: 2 };
  }
  const configMap = (name: string) =>
    ctx.state.get('ConfigMap', ctx.namespace, name)?.data as Record<string, string> | undefined;
  const launch = jvmLaunch({ spec: ctx.pod.spec ?? {} }, configMap);
  if (!launch) return { stdout: '', stderr: '1: no JVM runs as pid 1 in this pod\n', exitCode: 1 };
  const root = await mkdtemp(join(tmpdir(), 'perfbot-sim-jcmd-'));
  try {
    const { options, dirs } = imageRooted(launch.options, root);
    await mkdir(join(root, 'cwd'), { recursive: true });
    for (const dir of dirs) await mkdir(dir, { recursive: true });
    const run = await runJava(['-XX:+PrintFlagsFinal', ...options, '-version'], { cwd: join(root, 'cwd') });
    if (run.exitCode !== 0)
      return { stdout: '', stderr: `1: ${run.stderr.replaceAll(root, '')}`, exitCode: 1 };
    return { stdout: `1:\n${vmFlags(run.stdout).join(' ')}\n`, stderr: '', exitCode: 0 };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
};

/** PrintFlagsFinal's lines (`type Name = value {kind} {origin}`) as VM.flags words, the default ones left out. */
export function vmFlags(printFlagsFinal: string): string[] {
  return printFlagsFinal.split('\n').flatMap((line) => {
    const m = /^\s*\S+\s+(\w+)\s+:?=\s+(\S*)\s+\{[^}]*\}\s+\{([^}]*)\}/.exec(line);
    if (!m || m[3] === 'default' || m[1] === 'PrintFlagsFinal') return [];
    const [, name, value] = m;
    if (value === 'true' || value === 'false') return [`-XX:${value === 'true' ? '+' : '-'}${name}`];
    return [`-XX:${name}=${value}`];
  });
}

/** `java … -version` and `jcmd 1 VM.flags`: `startSandbox({ tools: jvmTools })`. */
export const jvmTools: Record<string, SimTool> = { ...javaTools, jcmd };
