import { posix } from 'node:path';
import type { SimExecContext, SimExecOutcome, SimTool } from '../types.js';

/**
 * `timeout [-k DUR] [-s SIG] [--preserve-status] [-v] DURATION COMMAND [ARG]…`, as GNU coreutils parses
 * it (getopt `+k:s:v`: options stop at the first operand). The wrapped program is another simulated
 * tool; when its simulated `durationMs` runs past DURATION it is "killed" there: exit 124 (or 128+SIG
 * with `--preserve-status`), the output it had printed by then, and `durationMs` = DURATION.
 * Usage errors exit 125 and a missing program 127, as coreutils does.
 */
export interface DispatchContext extends SimExecContext {
  /** The programs the container has, by basename: the sandbox's exec passes its tools map here. */
  tools?: Readonly<Record<string, SimTool>>;
}

/** coreutils `timeout`'s statuses. */
export const TimeoutExit = { timedOut: 124, usage: 125, notFound: 127 } as const;

const done = (stdout: string, stderr = '', exitCode = 0): SimExecOutcome => ({ stdout, stderr, exitCode });
const usage = (text: string): SimExecOutcome =>
  done('', `${text}Try 'timeout --help' for more information.\n`, TimeoutExit.usage);

const SIGNALS: Readonly<Record<string, number>> = {
  HUP: 1,
  INT: 2,
  QUIT: 3,
  KILL: 9,
  USR1: 10,
  USR2: 12,
  ALRM: 14,
  TERM: 15,
};

interface Options {
  signal: number;
  preserveStatus: boolean;
  verbose: boolean;
  seconds: number;
  command: readonly string[];
}

/** A `timeout` over `tools`, or over the context's tools map when none is given (the sandbox's builtin). */
export function createTimeoutTool(tools?: Readonly<Record<string, SimTool>>): SimTool {
  return async (argv, ctx) => {
    const options = parseTimeoutArgs(argv);
    if ('exitCode' in options) return options;
    const program = options.command[0] ?? '';
    const tool = (tools ?? (ctx as DispatchContext).tools)?.[posix.basename(program)];
    if (!tool) {
      return done('', `timeout: failed to run command '${program}': No such file or directory\n`, 127);
    }
    const outcome = await tool(options.command, ctx);
    const deadlineMs = options.seconds * 1000;
    // DURATION 0 disables the timeout, as in coreutils.
    if (deadlineMs === 0 || (outcome.durationMs ?? 0) <= deadlineMs) return outcome;
    const partial = outputBy(program, outcome, deadlineMs);
    const name = Object.entries(SIGNALS).find(([, n]) => n === options.signal)?.[0] ?? String(options.signal);
    const note = options.verbose ? `timeout: sending signal ${name} to command '${program}'\n` : '';
    return {
      stdout: partial.stdout,
      stderr: partial.stderr + note,
      exitCode: options.preserveStatus ? 128 + options.signal : TimeoutExit.timedOut,
      durationMs: deadlineMs,
    };
  };
}

/** The sandbox's built-in `timeout`: runs the wrapped program from the exec's tools map. */
export const timeout: SimTool = createTimeoutTool();

type Flags = Omit<Options, 'seconds' | 'command'>;

/** Parses the options and operands; a usage error comes back as the outcome to answer with. */
export function parseTimeoutArgs(argv: readonly string[]): Options | SimExecOutcome {
  const flags: Flags = { signal: SIGNALS.TERM ?? 15, preserveStatus: false, verbose: false };
  const args = [...argv];
  let i = 1;
  for (; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    if (arg === '--') {
      i += 1;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') break;
    const long = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    const [name, inline] = long
      ? [long[1] ?? '', long[2]]
      : [arg.charAt(1), arg.length > 2 ? arg.slice(2) : undefined];
    if (name === 'preserve-status' || name === 'foreground' || name === 'v' || name === 'verbose') {
      flags.preserveStatus ||= name === 'preserve-status';
      flags.verbose ||= name.startsWith('v');
      // A cluster such as `-vk10`: what follows the v is read as the next option.
      if (name === 'v' && inline !== undefined) args.splice(i + 1, 0, `-${inline}`);
      continue;
    }
    if (!['k', 's', 'kill-after', 'signal'].includes(name)) {
      return usage(
        long ? `timeout: unrecognized option '${arg}'\n` : `timeout: invalid option -- '${name}'\n`,
      );
    }
    if (inline === undefined) i += 1;
    const failure = applyValued(name, inline ?? args[i], flags);
    if (failure) return failure;
  }
  const [duration, ...command] = args.slice(i);
  if (duration === undefined || command.length === 0) return usage('');
  const seconds = parseDuration(duration);
  if (seconds === undefined) return invalidInterval(duration);
  return { ...flags, seconds, command };
}

/** `-k DUR` / `-s SIG` (or their long forms): checks the value, and keeps the signal. */
function applyValued(name: string, value: string | undefined, flags: Flags): SimExecOutcome | undefined {
  if (value === undefined) return usage(`timeout: option requires an argument -- '${name.charAt(0)}'\n`);
  // The kill-after delay only matters for a program that ignores TERM; simulated ones never do.
  if (name.startsWith('k')) return parseDuration(value) === undefined ? invalidInterval(value) : undefined;
  const signal = parseSignal(value);
  if (signal === undefined) return done('', `timeout: ${value}: invalid signal\n`, TimeoutExit.usage);
  flags.signal = signal;
  return undefined;
}

const invalidInterval = (text: string) => usage(`timeout: invalid time interval '${text}'\n`);

/** A floating-point number with an optional s, m, h or d suffix, in seconds. */
function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(text);
  if (!match) return undefined;
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[match[2] ?? ''] ?? 1;
  return Number(match[1]) * unit;
}

function parseSignal(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text) <= 64 ? Number(text) : undefined;
  return SIGNALS[text.toUpperCase().replace(/^SIG/, '')];
}

/** ProducerPerformance prints a window line every 5 s (`Stats.printWindow`). */
const PRODUCER_WINDOW_MS = 5000;

/**
 * What a program had printed when it was stopped. The producer's window lines come every 5 s, so
 * those before the deadline are kept, with its stderr (client warnings, printed at start-up).
 * Other programs print their results at the end: nothing.
 */
function outputBy(program: string, outcome: SimExecOutcome, deadlineMs: number) {
  if (posix.basename(program) !== 'kafka-producer-perf-test.sh') return { stdout: '', stderr: '' };
  const windows = outcome.stdout.split('\n').filter((line) => line.endsWith(' ms max latency.'));
  const kept = windows.slice(0, Math.floor(deadlineMs / PRODUCER_WINDOW_MS));
  return { stdout: kept.map((line) => `${line}\n`).join(''), stderr: outcome.stderr };
}
