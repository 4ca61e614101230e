import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runJava } from '../tools/java.js';
import type { StartFailure, TemplateCheck } from './rollouts.js';

/**
 * Whether a pod template's JVM starts, asked of the machine's real `java` (tuning.md: "the runtime
 * itself, not a copy of its messages"): the options a container's JVM would get, from its `JAVA_OPTS`
 * env (split on whitespace, as the image's start script expands it), Kafka's `KAFKA_HEAP_OPTS`,
 * `KAFKA_JVM_PERFORMANCE_OPTS` and `KAFKA_OPTS` (as `kafka-run-class.sh` does), or from a `jvm.config` in a
 * ConfigMap it mounts (one option per line, `#` comments: Trino's launcher), then `-version`.
 */

type Obj = Record<string, unknown>;

interface Container {
  name: string;
  env?: { name: string; value?: string }[];
  volumeMounts?: { name: string }[];
}

/** What Kafka's `kafka-run-class.sh` puts on the `java` line, in its order. */
const KAFKA_ENV = ['KAFKA_HEAP_OPTS', 'KAFKA_JVM_PERFORMANCE_OPTS', 'KAFKA_OPTS'];

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
    const kafka = KAFKA_ENV.flatMap((name) => c.env?.find((e) => e.name === name)?.value ?? []);
    if (kafka.length > 0) return { container: c.name, options: kafka.join(' ').split(/\s+/).filter(Boolean) };
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

/** GC log outputs the JVM opens as it starts: `-Xloggc:<path>`, `-Xlog:…:file=<path>[:…]`. */
const GC_LOG = /^(-Xloggc:)(.+)$|^(-Xlog:[^:]*:file=)("?)([^:"]+)\4(.*)$/;

/**
 * The options as they would run in the image, whose directories are not this machine's: a GC log's
 * path is moved under `root` (its directory made there, as the image has it), and
 * `-XX:+AlwaysPreTouch` is left out (it would commit the whole heap here; tuning.md). Pure.
 */
export function imageRooted(options: readonly string[], root: string): { options: string[]; dirs: string[] } {
  const dirs: string[] = [];
  const rooted = options.flatMap((option) => {
    if (option === '-XX:+AlwaysPreTouch') return [];
    const m = GC_LOG.exec(option);
    if (!m) return [option];
    const path = m[2] ?? m[5] ?? '';
    const moved = join(root, path.startsWith('/') ? path : join('cwd', path));
    dirs.push(dirname(moved));
    return [m[1] ? `${m[1]}${moved}` : `${m[3]}${m[4]}${moved}${m[4]}${m[6] ?? ''}`];
  });
  return { options: rooted, dirs };
}

/**
 * The `TemplateCheck` of the sandbox: `java <options> -version` as an argument vector (never a
 * shell), in a scratch directory that stands for the image's filesystem; a non-zero exit is the
 * container's crash, its output the log. No `java` on the machine: no answer.
 */
export const jvmTemplateCheck: TemplateCheck = async ({ template, configMap }) => {
  const launch = jvmLaunch(template, configMap);
  if (!launch) return undefined;
  const root = await mkdtemp(join(tmpdir(), 'perfbot-sim-jvm-'));
  try {
    const { options, dirs } = imageRooted(launch.options, root);
    await mkdir(join(root, 'cwd'), { recursive: true });
    for (const dir of dirs) await mkdir(dir, { recursive: true });
    const run = await runJava([...options, '-version'], { cwd: join(root, 'cwd') });
    if (run.missing || run.exitCode === 0) return undefined;
    const failure: StartFailure = {
      container: launch.container,
      exitCode: run.exitCode,
      log: `${run.stdout}${run.stderr}`.replaceAll(root, ''),
    };
    return failure;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
};
