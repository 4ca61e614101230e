import type { Check } from '../plan.js';
import { heapBytes, type JvmRefusal, optionKey } from './options.js';
import type { JvmPreflight } from './preflight.js';

/**
 * The JVM knob sets' pure parts: the preflight's verdict as card checks, the risk of a line change,
 * and the reading of `jcmd <pid> VM.flags` that proves a new pod's JVM took the options.
 */

/**
 * One check per refused option (the JVM's or perfbot's reason, and the corrected option where one
 * is known), one `warn` per deprecated option, and a `pass` naming the JVM that accepted the line.
 */
export function jvmChecks(verdict: JvmPreflight, statics: readonly JvmRefusal[], where: string): Check[] {
  const jvm = verdict.version ?? 'the JVM';
  const refused = [...statics, ...verdict.refusals].map(
    (r): Check => ({
      name: `JVM option ${r.option}`,
      outcome: 'fail',
      detail: r.reason,
      ...(r.suggestion === undefined ? {} : { suggestion: r.suggestion }),
    }),
  );
  const warnings = verdict.warnings.map(
    (w): Check => ({
      name: 'JVM warning',
      outcome: 'warn',
      detail: w.replace(/^(\[[^\]]*\])+\s*/, ''),
    }),
  );
  const summary: Check = verdict.accepted
    ? { name: 'JVM preflight', outcome: 'pass', detail: `${jvm} in ${where} starts with the line` }
    : {
        name: 'JVM preflight',
        outcome: 'fail',
        detail: `${jvm} in ${where} refuses the line: every new pod would crash-loop`,
      };
  return [summary, ...refused, ...warnings];
}

/** Options that size the JVM's memory: a change of any of them is a memory change (high risk). */
const MEMORY_KEYS =
  /^(Xmx|Xms|Xmn|Xss|XX:(MaxRAMPercentage|InitialRAMPercentage|MinRAMPercentage|MaxRAM|MaxDirectMemorySize|MaxMetaspaceSize|MetaspaceSize|NewSize|MaxNewSize|ReservedCodeCacheSize|G1HeapRegionSize))$/;

/** The memory options that differ between two lines (`-Xmx1g → -Xmx2g`), for the risk tier. */
export function memoryOptionsChanged(before: readonly string[], after: readonly string[]): string[] {
  const memory = (options: readonly string[]) =>
    new Map(options.filter((o) => MEMORY_KEYS.test(optionKey(o))).map((o) => [optionKey(o), o]));
  const a = memory(before);
  const b = memory(after);
  return [...new Set([...a.keys(), ...b.keys()])]
    .filter((k) => a.get(k) !== b.get(k))
    .map((k) => b.get(k) ?? `${a.get(k)} removed`);
}

/** `jcmd <pid> VM.flags` output (`1:` then `-XX:+Flag -XX:Name=value …`) as flag name → value. */
export function parseVmFlags(text: string): Map<string, string> {
  const flags = new Map<string, string>();
  for (const word of text.split(/\s+/)) {
    const bool = /^-XX:([+-])(\w+)$/.exec(word);
    if (bool?.[2]) flags.set(bool[2], bool[1] === '+' ? 'true' : 'false');
    const valued = /^-XX:(\w+)=(.*)$/.exec(word);
    if (valued?.[1]) flags.set(valued[1], valued[2] ?? '');
  }
  return flags;
}

/** The flag an option sets and the value VM.flags reports for it; undefined for options that are not flags (`-D`, `-Xlog`). */
export function flagOf(option: string): { name: string; value: string } | undefined {
  const bool = /^-XX:([+-])(\w+)$/.exec(option);
  if (bool?.[2]) return { name: bool[2], value: bool[1] === '+' ? 'true' : 'false' };
  const valued = /^-XX:(\w+)=(.+)$/.exec(option);
  if (valued?.[1] && valued[2] !== undefined) {
    const bytes = /^\d+[kKmMgGtT]$/.test(valued[2]) ? heapBytes(valued[2]) : undefined;
    return { name: valued[1], value: bytes === undefined ? valued[2] : String(bytes) };
  }
  const size = /^-X(mx|ms|mn)(.+)$/.exec(option);
  const bytes = size?.[2] === undefined ? undefined : heapBytes(size[2]);
  if (size && bytes !== undefined) {
    const name = { mx: 'MaxHeapSize', ms: 'InitialHeapSize', mn: 'MaxNewSize' }[
      size[1] as 'mx' | 'ms' | 'mn'
    ];
    return { name, value: String(bytes) };
  }
  return undefined;
}

const numeric = (s: string) => s !== '' && Number.isFinite(Number(s));

/** Equal as the JVM prints it: `80` and `80.000000` (a double flag), or a size rounded up to the heap's alignment. */
function sameValue(got: string, want: string): boolean {
  if (got === want) return true;
  if (!numeric(got) || !numeric(want)) return false;
  const [g, w] = [Number(got), Number(want)];
  return g === w || (w >= 1024 ** 2 && Math.abs(g - w) < 32 * 1024 ** 2);
}

/**
 * Each option of the line against what the running JVM reports: one line per option that is a flag
 * (`-Xmx2g: MaxHeapSize=2147483648`), and `ok` only when every one matches. The JVM rounds some
 * sizes to its alignment; a size flag counts as taken when it is within one heap region of the option.
 */
export function compareFlags(
  options: readonly string[],
  flags: ReadonlyMap<string, string>,
  pod: string,
): { ok: boolean; lines: string[] } {
  let ok = true;
  const lines: string[] = [];
  for (const option of options) {
    const want = flagOf(option);
    if (!want) continue;
    const got = flags.get(want.name);
    const taken = got !== undefined && sameValue(got, want.value);
    ok &&= taken;
    lines.push(
      `${pod}: the JVM reports ${want.name}=${got ?? '(not set)'} for ${option}${taken ? '' : ` (expected ${want.value})`}`,
    );
  }
  return { ok, lines };
}

/** Said on the card when the line names a GC log file: the preflight wrote its own elsewhere. */
export function logFileNotes(options: readonly string[], preflightFile: string): string[] {
  return options.some((o) => o.startsWith('-Xloggc:') || /^-Xlog.*:file=/.test(o))
    ? [
        `The preflight's JVM wrote its GC log to ${preflightFile}, not to the server's file (a JVM opening a log rotates it).`,
      ]
    : [];
}
