import { runJava } from '../tools/java.js';
import type { StartFailure, TemplateCheck } from './rollouts.js';

/**
 * Whether a pod template's JVM starts, asked of the machine's real `java` (tuning.md: "the runtime
 * itself, not a copy of its messages"): the options a container's JVM would get, from its `JAVA_OPTS`
 * env (split on whitespace, as the image's start script expands it) or from a `jvm.config` in a
 * ConfigMap it mounts (one option per line, `#` comments: Trino's launcher), then `-version`.
 */

type Obj = Record<string, unknown>;

interface Container {
  name: string;
  env?: { name: string; value?: string }[];
  volumeMounts?: { name: string }[];
}

/** The JVM options one container of the template starts with, or undefined when none of them runs a JVM this way. */
export function jvmLaunch(
  template: Obj,
  configMap: (name: string) => Record<string, string> | undefined,
): { container: string; options: string[] } | undefined {
  const spec = (template.spec ?? {}) as {
    containers?: Container[];
    volumes?: { name: string; configMap?: { name: string } }[];
  };
  for (const c of spec.containers ?? []) {
    const opts = c.env?.find((e) => e.name === 'JAVA_OPTS')?.value;
    if (opts !== undefined) return { container: c.name, options: opts.split(/\s+/).filter(Boolean) };
    for (const mount of c.volumeMounts ?? []) {
      const cm = spec.volumes?.find((v) => v.name === mount.name)?.configMap?.name;
      const config = cm === undefined ? undefined : configMap(cm)?.['jvm.config'];
      if (config !== undefined) return { container: c.name, options: jvmConfigOptions(config) };
    }
  }
  return undefined;
}

/** Trino's `jvm.config`: one option per line; blank lines and `#` comments are skipped. */
export const jvmConfigOptions = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));

/**
 * The `TemplateCheck` of the sandbox: `java <options> -version` as an argument vector (never a
 * shell); a non-zero exit is the container's crash, its output the log. No `java` on the machine: no answer.
 */
export const jvmTemplateCheck: TemplateCheck = async ({ template, configMap }) => {
  const launch = jvmLaunch(template, configMap);
  if (!launch) return undefined;
  const run = await runJava([...launch.options, '-version']);
  if (run.missing || run.exitCode === 0) return undefined;
  const failure: StartFailure = {
    container: launch.container,
    exitCode: run.exitCode,
    log: `${run.stdout}${run.stderr}`,
  };
  return failure;
};
