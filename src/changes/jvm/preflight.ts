import type { JvmRefusal } from './options.js';

/** `java … -version` as it ran: what the JVM printed and how it exited. */
export interface JavaRun {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Runs `java <options> -version` in the target (a pod of the same image and env): an argument vector. */
export type RunJava = (options: readonly string[]) => Promise<JavaRun>;

export interface JvmPreflight {
  /** The merged line starts a JVM. */
  accepted: boolean;
  refusals: JvmRefusal[];
  /** Deprecated or ignored options: the JVM starts, and says what it does instead. */
  warnings: string[];
  /** `java -version`'s first line, e.g. `openjdk version "17.0.15" 2025-04-15`. */
  version: string | undefined;
}

/**
 * The JVM's own verdict on an option line (tuning.md, "JVM options"): the merged line as a whole,
 * then, when it fails, each option alone, because the JVM stops at the first bad one and a card
 * must name all of them.
 */
export async function preflightJvm(run: RunJava, options: readonly string[]): Promise<JvmPreflight> {
  const whole = await run(options);
  const warnings = warningsOf(whole);
  if (whole.exitCode === 0) return { accepted: true, refusals: [], warnings, version: versionOf(whole) };
  const alone = await Promise.all(options.map(async (option) => ({ option, run: await run([option]) })));
  const refusals = alone.flatMap(({ option, run: r }) => (r.exitCode === 0 ? [] : [refusalOf(option, r)]));
  // The whole line stopped at its first bad option: the others' warnings come from their own runs.
  for (const { run: r } of alone)
    if (r.exitCode === 0) warnings.push(...warningsOf(r).filter((w) => !warnings.includes(w)));
  // Refused together but accepted alone (two collectors, -Xms above -Xmx): the whole line's reason.
  if (refusals.length === 0) refusals.push({ option: options.join(' '), reason: firstError(whole) });
  const version = alone.map(({ run: r }) => versionOf(r)).find((v) => v !== undefined);
  return { accepted: false, refusals: await checkedSuggestions(run, refusals), warnings, version };
}

/**
 * Options the JVM refuses without naming their successor, and what replaced them (JDK 9's unified
 * logging, G1's renamed young-generation options): only offered once the JVM accepts the replacement.
 */
const RENAMED: Readonly<Record<string, (value: string | undefined) => string>> = {
  G1NewCollectionPercentage: (v) => `-XX:G1NewSizePercent=${v ?? ''}`,
  PrintGCDateStamps: () => '-Xlog:gc*:stdout:time,uptime',
  PrintGCTimeStamps: () => '-Xlog:gc*:stdout:uptime',
  UseConcMarkSweepGC: () => '-XX:+UseG1GC',
};

/**
 * Every suggestion asked of the JVM itself before the card offers it: one that is experimental or
 * diagnostic gets its unlock option in front (the JVM's "did you mean" names the flag only), and one
 * the JVM still refuses is dropped rather than offered.
 */
async function checkedSuggestions(run: RunJava, refusals: JvmRefusal[]): Promise<JvmRefusal[]> {
  return Promise.all(
    refusals.map(async (refusal) => {
      const name = /^-XX:[+-]?([A-Za-z0-9_]+)(?:=(.*))?$/.exec(refusal.option);
      const renamed = name?.[1] ? RENAMED[name[1]]?.(name[2]) : undefined;
      const suggestion = refusal.suggestion ?? renamed;
      if (suggestion === undefined) return refusal;
      const { suggestion: _old, ...bare } = refusal;
      const words = suggestion.split(' ');
      const first = await run(words);
      if (first.exitCode === 0) return { ...refusal, suggestion };
      const unlock = /must be enabled via (-XX:\+Unlock\w+VMOptions)/.exec(
        `${first.stderr}\n${first.stdout}`,
      )?.[1];
      if (unlock === undefined || words.includes(unlock)) return bare;
      const unlocked = await run([unlock, ...words]);
      return unlocked.exitCode === 0 ? { ...refusal, suggestion: `${unlock} ${suggestion}` } : bare;
    }),
  );
}

/** Why the JVM refused one option, in its own words, with the corrected option where it offers one. */
export function refusalOf(option: string, run: JavaRun): JvmRefusal {
  const text = `${run.stderr}\n${run.stdout}`;
  const didYouMean = /Did you mean '([^'=]+)(=<value>)?'\?/.exec(text);
  const experimental =
    /VM option '([^']+)' is (experimental|diagnostic) and must be enabled via (-XX:\+Unlock\w+VMOptions)/.exec(
      text,
    );
  const reason = firstError(run);
  if (didYouMean) {
    const name = didYouMean[1] ?? '';
    const value = /=(.*)$/.exec(option)?.[1];
    const suggestion = value === undefined ? `-XX:+${name}` : `-XX:${name}=${value}`;
    return { option, reason, suggestion };
  }
  if (experimental) return { option, reason, suggestion: `${experimental[3]} ${option}` };
  return { option, reason };
}

/** The JVM's first error line, without the generic "could not create the Java Virtual Machine". */
function firstError(run: JavaRun): string {
  const lines = `${run.stderr}\n${run.stdout}`
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^Picked up /.test(l));
  const generic =
    /Could not create the Java Virtual Machine|A fatal exception has occurred|^Error occurred during initialization of VM$/;
  return lines.find((l) => !generic.test(l) && !/^(openjdk|java) version/.test(l)) ?? `exit ${run.exitCode}`;
}

function versionOf(run: JavaRun): string | undefined {
  return /^(?:openjdk|java) version .*$/m.exec(`${run.stderr}\n${run.stdout}`)?.[0];
}

function warningsOf(run: JavaRun): string[] {
  return `${run.stderr}\n${run.stdout}`
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /\[warning\]|^Ignoring option|deprecated/i.test(l));
}
