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
  return { accepted: false, refusals, warnings, version };
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
