import { closest, distance } from 'fastest-levenshtein';
import { quote, parse as shellParse } from 'shell-quote';
import type { z } from 'zod';
import { type Command, type CommandKind, CommandSchema } from '../commands/command.js';
import { fail, ok, type Result } from '../errors.js';

/**
 * `/perf` text → `Command`, or a `UsageError` that says what was wrong and the nearest valid command.
 * Pure. Text is tokenized like a shell would (quotes work) but any shell syntax is refused: nothing a
 * user types ever reaches a shell. Bounds come from `CommandSchema` (commands/command.ts).
 *
 * @example parseCommand('baseline kafka --runs 3') // ok: { kind: 'baseline', target: 'kafka', options: { runs: 3 } }
 */
export interface UsageError {
  message: string;
  /** The nearest valid command, e.g. `/perf baseline kafka`. */
  suggestion?: string;
  usage: string;
}

type Raw = Record<string, unknown>;
type Build = (positionals: readonly string[], options: Raw) => Raw;

const lower = (s: string | undefined) => s?.toLowerCase();
const defined = (o: Raw): Raw => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/**
 * Each command's usage line is its grammar: `<x>` a required argument, `[x]` an optional one,
 * `[x …]` the rest, `[--flag N]` a whole number, `[--flag Nd]` days, `[--flag a|b]` a word. Options
 * reach `build` under their camelCased name; `CommandSchema` then checks every value.
 */
const COMMANDS: Readonly<Record<CommandKind, readonly [usage: string, summary: string, build: Build]>> = {
  baseline: [
    '/perf baseline <kafka|trino|ray|postgres|resources|all> [--runs N] [--records N] [--record-size N] [--throughput N] [--acks 0|1|all] [--queries N]',
    'measure a service (or all of them) against its targets and last baseline',
    ([target], options) => ({ kind: 'baseline', target: lower(target), options }),
  ],
  bottlenecks: [
    '/perf bottlenecks [service]',
    'rank what constrains the platform now',
    ([service]) => defined({ kind: 'bottlenecks', service: lower(service) }),
  ],
  tune: [
    '/perf tune <service> <knob> [key=value …]',
    'propose a change (diff, preflight, Approve / Reject)',
    ([service, knob, ...pairs]) => {
      const settings = Object.fromEntries(pairs.map((p) => splitOnce(p, '=')));
      return { kind: 'tune', service: lower(service), knob: lower(knob), settings };
    },
  ],
  validate: [
    '/perf validate <service> [change-id]',
    'before/after on the same probes, with a confidence interval',
    ([service, changeId]) => defined({ kind: 'validate', service: lower(service), changeId }),
  ],
  report: [
    '/perf report [--since Nd]',
    'the performance report: baselines, changes, gains',
    (_, o) => defined({ kind: 'report', sinceDays: o.since }),
  ],
  history: [
    '/perf history <service> [--limit N]',
    'a trend chart of the stored baselines',
    ([target], o) => defined({ kind: 'history', target: lower(target), limit: o.limit }),
  ],
  status: [
    '/perf status [job-id]',
    'a job, or the recent ones',
    ([jobId]) => defined({ kind: 'status', jobId }),
  ],
  cancel: ['/perf cancel <job-id>', 'stop a queued or running job', ([jobId]) => ({ kind: 'cancel', jobId })],
  rollback: [
    '/perf rollback <change-id>',
    'restore the snapshot taken before a change',
    ([changeId]) => ({ kind: 'rollback', changeId }),
  ],
  help: [
    '/perf help [command]',
    'this help, or one command in detail',
    ([topic]) => defined({ kind: 'help', topic: lower(topic) }),
  ],
};

type OptionKind = 'int' | 'days' | 'word';
interface Grammar {
  usage: string;
  positionals: string[];
  required: number;
  variadic: boolean;
  options: Record<string, OptionKind>;
}

const PART = /<([^>]+)>|\[--([a-z-]+) ([^\]]+)\]|\[([^\]]+)\]/g;

function compile(usage: string): Grammar {
  const g: Grammar = { usage, positionals: [], required: 0, variadic: false, options: {} };
  for (const [, required, flag, value, optional] of usage.matchAll(PART)) {
    if (required !== undefined) g.required = g.positionals.push(required);
    else if (flag !== undefined) g.options[flag] = value === 'N' ? 'int' : value === 'Nd' ? 'days' : 'word';
    else if (optional?.includes('…')) g.variadic = true;
    else if (optional !== undefined) g.positionals.push(optional);
  }
  return g;
}

const KINDS = Object.keys(COMMANDS) as CommandKind[];
const GRAMMAR = Object.fromEntries(KINDS.map((k) => [k, compile(COMMANDS[k][0])])) as Record<
  CommandKind,
  Grammar
>;
export const USAGE = KINDS.map((k) => COMMANDS[k][0]).join('\n');

/** The help text: every command, or one in detail. */
export function helpText(topic?: string): string {
  const kind = KINDS.find((k) => k === topic?.toLowerCase());
  if (kind !== undefined) return `\`${COMMANDS[kind][0]}\`\n${COMMANDS[kind][1]}.`;
  const lines = KINDS.map((k) => `• \`${COMMANDS[k][0]}\`: ${COMMANDS[k][1]}`);
  const unknown = topic === undefined ? [] : [`There is no command \`${topic}\`. The commands are:`];
  return [...unknown, ...lines].join('\n');
}

export function parseCommand(text: string): Result<Command, UsageError> {
  const tokens = tokenize(text);
  if (!tokens.ok) return tokens;
  // Suggestions are written `/perf …`; a pasted one repeats the command name.
  const [head, ...args] = tokens.value[0] === '/perf' ? tokens.value.slice(1) : tokens.value;
  if (head === undefined) return usageError('tell perfbot what to do, e.g. `/perf baseline kafka`');
  const kind = KINDS.find((k) => k === head.toLowerCase());
  if (kind === undefined) {
    const near = nearest(head.toLowerCase(), KINDS);
    return usageError(`\`${head}\` is not a perfbot command`, near && suggestFor(near, args));
  }
  const split = splitArgs(kind, args);
  if (!split.ok) return split;
  const candidate = COMMANDS[kind][2](split.value.positionals, split.value.options);
  const parsed = CommandSchema.safeParse(candidate);
  if (parsed.success) return ok(parsed.data);
  return fail(describeIssue(kind, args, candidate, parsed.error.issues[0]));
}

/** The nearest valid command starting with `kind`: the rest as typed, each mistake corrected in turn. */
function suggestFor(kind: CommandKind, args: readonly string[]): string {
  let text = `/perf ${[kind, ...args].join(' ')}`;
  // Each round fixes one mistake; a command has few arguments, so a handful of rounds is enough.
  for (let round = 0; round < 6; round++) {
    const again = parseCommand(text);
    if (again.ok) return text;
    if (again.error.suggestion === undefined || again.error.suggestion === text) break;
    text = again.error.suggestion;
  }
  return `/perf ${kind}`;
}

/** Slack escapes these three in slash command text. */
const unescapeSlack = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const NO_SHELL = 'perfbot takes no shell syntax (`;`, `|`, `&&`, `>`, `$(…)`, backticks, globs, comments)';

function tokenize(text: string): Result<string[], UsageError> {
  const source = unescapeSlack(text);
  // `$` and backticks are refused outright: shell-quote expands `$…` (and throws on `${`).
  if (/[`$]/.test(source)) return usageError(NO_SHELL);
  let entries: ReturnType<typeof shellParse>;
  try {
    entries = shellParse(source);
  } catch {
    return usageError('perfbot could not read the command: check its quotes');
  }
  const strings = entries.filter((e): e is string => typeof e === 'string');
  if (strings.length !== entries.length) return usageError(NO_SHELL);
  return ok(strings.filter((s) => s.length > 0));
}

function splitArgs(
  kind: CommandKind,
  args: readonly string[],
): Result<{ positionals: string[]; options: Raw }, UsageError> {
  const grammar = GRAMMAR[kind];
  const positionals: string[] = [];
  const options: Raw = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const [typed = '', inline] = splitOnce(arg.slice(2), '=');
    const flag = typed.toLowerCase();
    const kindOf = grammar.options[flag];
    if (kindOf === undefined) {
      const near = nearest(flag, Object.keys(grammar.options));
      const hint = near === undefined ? `${kind} takes no options` : `did you mean \`--${near}\`?`;
      const fixed =
        near && rewrite(kind, args, i, [inline === undefined ? `--${near}` : `--${near}=${inline}`]);
      return usageError(`unknown option \`--${typed}\` (${hint})`, fixed || undefined);
    }
    const value = inline ?? args[++i];
    if (value === undefined) return usageError(`\`--${flag}\` needs a value`, undefined, grammar.usage);
    const converted = convert(kindOf, value);
    if (converted === undefined) return usageError(`\`--${flag} ${value}\`: ${EXPECTED[kindOf]}`);
    options[camel(flag)] = converted;
  }
  const problem = checkPositionals(kind, positionals);
  return problem ?? ok({ positionals, options });
}

function checkPositionals(kind: CommandKind, positionals: readonly string[]) {
  const { usage, required, variadic, positionals: names } = GRAMMAR[kind];
  if (positionals.length < required) {
    const missing = names[positionals.length] ?? 'argument';
    const what = missing.includes('|') ? `one of ${missing.split('|').join(', ')}` : `a ${missing}`;
    return usageError(`\`${kind}\` needs ${what}`, undefined, usage);
  }
  if (!variadic && positionals.length > names.length) {
    return usageError(`unexpected \`${positionals[names.length]}\` after \`${kind}\``, undefined, usage);
  }
  const bad = variadic
    ? positionals.slice(names.length).find((p) => !/^[A-Za-z][\w.-]*=/.test(p))
    : undefined;
  if (bad !== undefined) return usageError(`\`${bad}\` is not a \`key=value\` setting`, undefined, usage);
  return undefined;
}

const EXPECTED: Record<OptionKind, string> = {
  int: 'expected a whole number',
  days: 'expected days, e.g. `7d`',
  word: 'expected a word',
};

function convert(kind: OptionKind, value: string): string | number | undefined {
  if (kind === 'word') return value.toLowerCase();
  const match = (kind === 'days' ? /^(-?\d[\d_]*)d?$/i : /^(-?\d[\d_]*)$/).exec(value);
  return match?.[1] === undefined ? undefined : Number(match[1].replace(/_/g, ''));
}

type Issue = z.core.$ZodIssue;

/** Turns the first schema issue into words, and the user's command into the nearest valid one. */
function describeIssue(kind: CommandKind, args: readonly string[], candidate: Raw, issue: Issue | undefined) {
  const usage = GRAMMAR[kind].usage;
  const field = String(issue?.path.at(-1) ?? '');
  const flag = field === 'sinceDays' ? 'since' : field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const at = args.findIndex((a) => a.toLowerCase().split('=')[0] === `--${flag}`);
  if (at >= 0 && issue !== undefined) return describeOption(kind, args, at, flag, issue);
  const value = candidate[field];
  const got = args.find((a) => !a.startsWith('--') && a.toLowerCase() === String(value).toLowerCase()) ?? '';
  // A union (`<kafka|…|all>`) reports no values of its own: the usage line lists them.
  const named = GRAMMAR[kind].positionals[args.filter((a) => !a.startsWith('--')).indexOf(got)];
  const listed = named?.includes('|') ? named.split('|') : undefined;
  const allowed = issue?.code === 'invalid_value' ? issue.values.map(String) : listed;
  if (allowed === undefined) {
    const label = field.replace(/Id$/, ' id').replace(/^topic$/, 'help topic');
    return {
      message: `\`${got}\` is not a valid ${label}: expected ${issue?.message ?? 'something else'}`,
      usage,
    };
  }
  const near = nearest(got.toLowerCase(), allowed);
  const message = `\`${got}\` is not a ${field === 'target' ? 'baseline target' : 'service'}: use one of ${allowed.join(', ')}`;
  return near === undefined
    ? { message, usage }
    : { message, suggestion: rewrite(kind, args, args.indexOf(got), [near]), usage };
}

/** An option's value out of bounds or not allowed: name the rule and suggest the closest allowed value. */
function describeOption(
  kind: CommandKind,
  args: readonly string[],
  at: number,
  flag: string,
  issue: Issue,
): UsageError {
  const usage = GRAMMAR[kind].usage;
  const inline = (args[at] as string).includes('=');
  const replaced = (value: string) =>
    rewrite(kind, args, at, inline ? [`--${flag}=${value}`] : [`--${flag}`, value], inline ? 1 : 2);
  if (issue.code === 'too_big' || issue.code === 'too_small') {
    const limit = Number(issue.code === 'too_big' ? issue.maximum : issue.minimum);
    const which = issue.code === 'too_big' ? 'at most' : 'at least';
    const value = GRAMMAR[kind].options[flag] === 'days' ? `${limit}d` : String(limit);
    return { message: `\`--${flag}\` must be ${which} ${value}`, suggestion: replaced(value), usage };
  }
  if (issue.code === 'invalid_value') {
    const allowed = issue.values.map(String);
    const got = inline ? (splitOnce(args[at] as string, '=')[1] ?? '') : (args[at + 1] ?? '');
    const near = nearest(got, allowed, Number.POSITIVE_INFINITY) ?? allowed[0] ?? '';
    const message = `\`--${flag} ${got}\` is not allowed: use one of ${allowed.join(', ')}`;
    return { message, suggestion: replaced(near), usage };
  }
  return { message: `\`--${flag}\`: ${issue.message}`, usage };
}

/** The user's command with `count` arguments from `at` replaced. */
function rewrite(kind: CommandKind, args: readonly string[], at: number, by: string[], count = 1): string {
  const next = [...args];
  next.splice(at, count, ...by);
  return `/perf ${[kind, ...next].join(' ')}`;
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const at = s.indexOf(sep);
  return at < 0 ? [s, undefined] : [s.slice(0, at), s.slice(at + 1)];
}

const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The closest candidate when it is close enough to be what was meant (at most half the word wrong). */
function nearest<T extends string>(
  word: string,
  candidates: readonly T[],
  max = Math.max(2, Math.ceil(word.length / 2)),
) {
  if (candidates.length === 0) return undefined;
  const best = closest(word, candidates) as T;
  return distance(word, best) <= max ? best : undefined;
}

function usageError(message: string, suggestion?: string, usage = USAGE): { ok: false; error: UsageError } {
  return fail(suggestion === undefined ? { message, usage } : { message, suggestion, usage });
}

/** A command back as text, e.g. `baseline kafka --runs 3`: the thread's title; it parses back to itself. */
export function formatCommand(command: Command): string {
  const parts: string[] = [command.kind];
  // Parsing puts the fields in schema order, which is the order of the arguments.
  for (const [key, value] of Object.entries(CommandSchema.parse(command))) {
    if (key === 'kind' || value === undefined) continue;
    if (typeof value === 'number')
      parts.push(key === 'sinceDays' ? `--since ${value}d` : `--${kebab(key)} ${value}`);
    else if (typeof value === 'string') parts.push(quote([value]));
    else {
      for (const [k, v] of Object.entries(value)) {
        parts.push(key === 'settings' ? quote([`${k}=${v}`]) : `--${kebab(k)} ${v}`);
      }
    }
  }
  return parts.join(' ');
}
