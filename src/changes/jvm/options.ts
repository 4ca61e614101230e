import { parse } from 'shell-quote';
import { fail, ok, PerfError, type Result } from '../../errors.js';

/**
 * A JVM option line (`JAVA_OPTS`, a line of Trino's `jvm.config`) as the JVM reads it: words,
 * quotes kept together (`"-Dx=a b"`), and never shell syntax (`;`, `$(…)`, `|`), which the line
 * is refused for: the value reaches a pod's environment or a file, never a shell.
 *
 * @example splitJvmOptions('-Xmx4g -XX:+UseG1GC') // ok(['-Xmx4g', '-XX:+UseG1GC'])
 */
export function splitJvmOptions(line: string): Result<string[], PerfError> {
  const words = parse(line, (name) => `$${name}`);
  const options: string[] = [];
  for (const entry of words) {
    // `*` is a glob to a shell, and a plain character to the JVM (`-Xlog:gc*:file=…`).
    const word = typeof entry === 'object' && 'op' in entry && entry.op === 'glob' ? entry.pattern : entry;
    if (typeof word !== 'string' || /[$`]/.test(word)) {
      return fail(
        new PerfError('usage', `shell syntax in JVM options: ${JSON.stringify(word)}`, {
          userMessage:
            'JVM options are words such as `-Xmx4g` or `-XX:+UseG1GC`: no shell syntax (`;`, `|`, `$`, backticks).',
        }),
      );
    }
    if (!word.startsWith('-')) {
      return fail(
        new PerfError('usage', `not a JVM option: ${word}`, {
          userMessage: `\`${word}\` is not a JVM option: each starts with \`-\` (\`-Xmx4g\`, \`-XX:+UseG1GC\`, \`-Dkey=value\`).`,
        }),
      );
    }
    options.push(word);
  }
  return ok(options);
}

/**
 * What an option sets, so that a change replaces the option it overrides rather than adding a second
 * one (the JVM takes the last, and a reader of the diff should not have to know that):
 * `-XX:+UseG1GC` and `-XX:-UseG1GC` → `XX:UseG1GC`; `-XX:MaxGCPauseMillis=200` → `XX:MaxGCPauseMillis`;
 * `-Xmx4g` → `Xmx`; `-Dkey=v` → `D:key`; `-Xlog:gc*:file=…` → itself (several may stand together).
 */
export function optionKey(option: string): string {
  const xx = /^-XX:[+-]?([A-Za-z0-9_]+)/.exec(option);
  if (xx) return `XX:${xx[1]}`;
  const size = /^-X(mx|ms|ss|mn)/.exec(option);
  if (size) return `X${size[1]}`;
  const prop = /^-D([^=]+)/.exec(option);
  if (prop) return `D:${prop[1]}`;
  if (option.startsWith('-Xloggc:')) return 'Xloggc';
  return option;
}

/** The options after a change: each changed option replaces the one of the same key, in its place; new ones last. */
export function mergeJvmOptions(current: readonly string[], changes: readonly string[]): string[] {
  const byKey = new Map(changes.map((c) => [optionKey(c), c]));
  const merged = current.map((o) => byKey.get(optionKey(o)) ?? o);
  const present = new Set(current.map(optionKey));
  return [...merged, ...changes.filter((c) => !present.has(optionKey(c)))];
}

/** Bytes of a `-Xmx`/`-Xms` size as the JVM reads it (`4g`, `512m`, `1024k`, bytes): undefined if unreadable. */
export function heapBytes(size: string): number | undefined {
  const m = /^(\d+)([kKmMgGtT]?)$/.exec(size);
  if (!m) return undefined;
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[(m[2] ?? '').toLowerCase()];
  return unit === undefined ? undefined : Number(m[1]) * unit;
}

/**
 * What `java -version` cannot tell (tuning.md, "JVM options"): options that silence the checks or
 * commit the heap, and a heap larger than the container may use. Each entry names the option.
 */
export function staticRefusals(
  options: readonly string[],
  memoryLimitBytes: number | undefined,
): JvmRefusal[] {
  const refusals: JvmRefusal[] = [];
  for (const option of options) {
    if (/^-XX:\+IgnoreUnrecognizedVMOptions$/.test(option))
      refusals.push({ option, reason: 'it silences every check of the other options: perfbot refuses it' });
    if (/^-XX:\+AlwaysPreTouch$/.test(option))
      refusals.push({ option, reason: 'it commits the whole heap at start-up; perfbot does not set it' });
  }
  const xmx = options.findLast((o) => o.startsWith('-Xmx'));
  const bytes = xmx === undefined ? undefined : heapBytes(xmx.slice(4));
  if (
    xmx !== undefined &&
    bytes !== undefined &&
    memoryLimitBytes !== undefined &&
    bytes >= memoryLimitBytes
  ) {
    refusals.push({
      option: xmx,
      reason: `the heap alone is ${gib(bytes)} and the container's memory limit ${gib(memoryLimitBytes)}: the pod would be OOM-killed`,
    });
  }
  return refusals;
}

const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(bytes % 1024 ** 3 === 0 ? 0 : 1)} GiB`;

/** One option the JVM (or perfbot) refuses, why, and the corrected option where one is known. */
export interface JvmRefusal {
  option: string;
  reason: string;
  suggestion?: string;
}

/**
 * The options with every GC log file they name (`-Xlog:…:file=<path>`, `-Xloggc:<path>`) pointed at
 * `file` instead: a JVM started only to check a line (`java … -version`) would otherwise open, and
 * rotate, the log of the server running in the same pod.
 *
 * @example redirectLogFiles(['-Xlog:gc*:file=/logs/gc.log:time'], '/tmp/x.log') // ['-Xlog:gc*:file=/tmp/x.log:time']
 */
export function redirectLogFiles(options: readonly string[], file: string): string[] {
  return options.map((o) => {
    if (o.startsWith('-Xloggc:')) return `-Xloggc:${file}`;
    if (o.startsWith('-Xlog')) return o.replace(/(:file=)("[^"]*"|[^:]*)/, `$1${file}`);
    return o;
  });
}

/** A line as an env var or a file holds it: words joined by spaces, a word with a space in double quotes. */
export const joinJvmOptions = (options: readonly string[], separator = ' '): string =>
  options.map((o) => (/\s/.test(o) ? `"${o.replace(/"/g, '\\"')}"` : o)).join(separator);
