import { closest, distance } from 'fastest-levenshtein';
import { quote, parse as shellParse } from 'shell-quote';
import type { z } from 'zod';
import { type Command, type CommandKind, CommandSchema, SERVICE_NAMES } from '../commands/command.js';
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
type OptionKind = 'int' | 'days' | 'acks';
interface OptionSpec {
  key: string;
  kind: OptionKind;
}
interface Grammar {
  usage: string;
  summary: string;
  /** Positional names in order; a trailing `…` collects the rest. */
  positionals: readonly string[];
  required: number;
  options: Readonly<Record<string, OptionSpec>>;
  build(pos: readonly string[], options: Raw): Raw;
}

const SERVICES_OR_ALL = [...SERVICE_NAMES, 'all'] as const;
const int = (key: string): OptionSpec => ({ key, kind: 'int' });
const lower = (s: string | undefined) => s?.toLowerCase();
const defined = (o: Raw): Raw => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

const spec = (
  usage: string,
  summary: string,
  positionals: readonly string[],
  required: number,
  build: Grammar['build'],
  options: Grammar['options'] = {},
): Grammar => ({ usage, summary, positionals, required, options, build });

const GRAMMAR: Readonly<Record<CommandKind, Grammar>> = {
  baseline: spec(
    '/perf baseline <kafka|trino|ray|postgres|resources|all> [--runs N] [--records N] [--record-size N] [--throughput N] [--acks 0|1|all] [--queries N]',
    'measure a service (or all of them) against its targets and last baseline',
    ['service'],
    1,
    ([target], options) => ({ kind: 'baseline', target: lower(target), options }),
    {
      runs: int('runs'),
      records: int('records'),
      'record-size': int('recordSize'),
      throughput: int('throughput'),
      acks: { key: 'acks', kind: 'acks' },
      queries: int('queries'),
    },
  ),
  bottlenecks: spec(
    '/perf bottlenecks [service]',
    'rank what constrains the platform now',
    ['service'],
    0,
    ([service]) => defined({ kind: 'bottlenecks', service: lower(service) }),
  ),
  tune: spec(
    '/perf tune <service> <knob> [key=value …]',
    'propose a change (diff, preflight, Approve / Reject)',
    ['service', 'knob', 'key=value…'],
    2,
    ([service, knob, ...pairs]) => ({
      kind: 'tune',
      service: lower(service),
      knob: lower(knob),
      settings: Object.fromEntries(pairs.map((p) => splitOnce(p, '='))),
    }),
  ),
  validate: spec(
    '/perf validate <service> [change-id]',
    'before/after on the same probes, with a confidence interval',
    ['service', 'change-id'],
    1,
    ([service, changeId]) => defined({ kind: 'validate', service: lower(service), changeId }),
  ),
  report: spec(
    '/perf report [--since Nd]',
    'the performance report: baselines, changes, gains',
    [],
    0,
    (_, o) => defined({ kind: 'report', sinceDays: o.sinceDays }),
    { since: { key: 'sinceDays', kind: 'days' } },
  ),
  history: spec(
    '/perf history <service> [--limit N]',
    'a trend chart of the stored baselines',
    ['service'],
    1,
    ([target], o) => defined({ kind: 'history', target: lower(target), limit: o.limit }),
    { limit: int('limit') },
  ),
  status: spec('/perf status [job-id]', 'a job, or the recent ones', ['job-id'], 0, ([jobId]) =>
    defined({ kind: 'status', jobId }),
  ),
  cancel: spec('/perf cancel <job-id>', 'stop a queued or running job', ['job-id'], 1, ([jobId]) => ({
    kind: 'cancel',
    jobId,
  })),
  rollback: spec(
    '/perf rollback <change-id>',
    'restore the snapshot taken before a change',
    ['change-id'],
    1,
    ([changeId]) => ({ kind: 'rollback', changeId }),
  ),
  help: spec('/perf help [command]', 'this help, or one command in detail', ['command'], 0, ([topic]) =>
    defined({ kind: 'help', topic: lower(topic) }),
  ),
};

const KINDS = Object.keys(GRAMMAR) as CommandKind[];
export const USAGE = KINDS.map((k) => GRAMMAR[k].usage).join('\n');

/** The help text: every command, or one in detail. */
export function helpText(topic?: string): string {
  const kind = topic === undefined ? undefined : KINDS.find((k) => k === topic.toLowerCase());
  if (kind !== undefined) return `\`${GRAMMAR[kind].usage}\`\n${GRAMMAR[kind].summary}.`;
  const lines = KINDS.map((k) => `• \`${GRAMMAR[k].usage}\`: ${GRAMMAR[k].summary}`);
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
  const candidate = GRAMMAR[kind].build(split.value.positionals, split.value.options);
  const parsed = CommandSchema.safeParse(candidate);
  if (parsed.success) return ok(parsed.data);
  return fail(describeIssue(kind, args, parsed.error.issues[0]));
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

interface Split {
  positionals: string[];
  options: Raw;
}

function splitArgs(kind: CommandKind, args: readonly string[]): Result<Split, UsageError> {
  const grammar = GRAMMAR[kind];
  const out: Split = { positionals: [], options: {} };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith('--')) {
      out.positionals.push(arg);
      continue;
    }
    const [rawName = '', inline] = splitOnce(arg.slice(2), '=');
    const name = rawName.toLowerCase();
    const spec = grammar.options[name];
    if (spec === undefined) {
      const near = nearest(name, Object.keys(grammar.options));
      const hint = near === undefined ? `${kind} takes no options` : `did you mean \`--${near}\`?`;
      const fixed =
        near === undefined
          ? undefined
          : rewrite(kind, args, i, [inline ? `--${near}=${inline}` : `--${near}`]);
      return usageError(`unknown option \`--${rawName}\` (${hint})`, fixed);
    }
    const value = inline ?? args[++i];
    if (value === undefined) return usageError(`\`--${name}\` needs a value`);
    const converted = convert(spec.kind, value);
    if (converted === undefined) return usageError(`\`--${name} ${value}\`: ${expected(spec.kind)}`);
    out.options[spec.key] = converted;
  }
  return checkPositionals(kind, out);
}

function checkPositionals(kind: CommandKind, split: Split): Result<Split, UsageError> {
  const grammar = GRAMMAR[kind];
  const { positionals } = split;
  if (positionals.length < grammar.required) {
    const missing = grammar.positionals[positionals.length] ?? 'argument';
    return usageError(`\`${kind}\` needs a ${missing}`, undefined, grammar.usage);
  }
  const variadic = grammar.positionals.at(-1)?.endsWith('…') === true;
  if (!variadic && positionals.length > grammar.positionals.length) {
    const extra = positionals[grammar.positionals.length];
    return usageError(`unexpected \`${extra}\` after \`${kind}\``, undefined, grammar.usage);
  }
  if (kind === 'tune') {
    const bad = positionals.slice(2).find((p) => !/^[A-Za-z][\w.-]*=/.test(p));
    if (bad !== undefined)
      return usageError(`\`${bad}\` is not a \`key=value\` setting`, undefined, grammar.usage);
  }
  return ok(split);
}

function convert(kind: OptionKind, value: string): string | number | undefined {
  if (kind === 'acks') return value.toLowerCase();
  const match = (kind === 'days' ? /^(-?\d[\d_]*)d?$/i : /^(-?\d[\d_]*)$/).exec(value);
  return match?.[1] === undefined ? undefined : Number(match[1].replace(/_/g, ''));
}

const expected = (kind: OptionKind) =>
  kind === 'days' ? 'expected days, e.g. `7d`' : 'expected a whole number';

type Issue = z.core.$ZodIssue;
const POSITIONAL_NAME: Readonly<Record<string, string>> = {
  target: 'service',
  changeId: 'change-id',
  jobId: 'job-id',
  topic: 'command',
};

function describeIssue(kind: CommandKind, args: readonly string[], issue: Issue | undefined): UsageError {
  const usage = GRAMMAR[kind].usage;
  const field = String(issue?.path.at(-1) ?? '');
  const flag = Object.entries(GRAMMAR[kind].options).find(([, s]) => s.key === field)?.[0];
  const at = flag === undefined ? -1 : args.findIndex((a) => a.toLowerCase().split('=')[0] === `--${flag}`);
  if (flag !== undefined && at >= 0 && issue !== undefined)
    return describeOption(kind, args, at, flag, issue);
  const allowed =
    field === 'target' ? [...SERVICES_OR_ALL] : field === 'service' ? [...SERVICE_NAMES] : undefined;
  const position = GRAMMAR[kind].positionals.indexOf(POSITIONAL_NAME[field] ?? field);
  const got = args.filter((a) => !a.startsWith('--'))[position] ?? '';
  if (allowed !== undefined) {
    const near = nearest(got.toLowerCase(), allowed);
    const at = args.indexOf(got);
    const suggestion = near === undefined || at < 0 ? undefined : rewrite(kind, args, at, [near]);
    const message = `\`${got}\` is not a ${field === 'target' ? 'baseline target' : 'service'}: use one of ${allowed.join(', ')}`;
    return suggestion === undefined ? { message, usage } : { message, suggestion, usage };
  }
  const label = field.replace(/Id$/, ' id').replace(/^topic$/, 'help topic');
  return {
    message: `\`${got}\` is not a valid ${label}: expected ${issue?.message ?? 'something else'}`,
    usage,
  };
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
  const width = inline ? 1 : 2;
  const replaced = (value: string) =>
    rewrite(kind, args, at, inline ? [`--${flag}=${value}`] : [`--${flag}`, value], width);
  if (issue.code === 'too_big' || issue.code === 'too_small') {
    const limit = Number(issue.code === 'too_big' ? issue.maximum : issue.minimum);
    const which = issue.code === 'too_big' ? 'at most' : 'at least';
    const value = GRAMMAR[kind].options[flag]?.kind === 'days' ? `${limit}d` : String(limit);
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

/** The user's command with `count` arguments from `at` replaced: the nearest valid command. */
function rewrite(kind: CommandKind, args: readonly string[], at: number, by: string[], count = 1): string {
  const next = [...args];
  next.splice(at, count, ...by);
  return `/perf ${[kind, ...next].join(' ')}`;
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const at = s.indexOf(sep);
  return at < 0 ? [s, undefined] : [s.slice(0, at), s.slice(at + 1)];
}

/** The closest candidate when it is close enough to be what was meant (at most half the word wrong). */
function nearest<T extends string>(
  word: string,
  candidates: readonly T[],
  max = Math.max(2, Math.ceil(word.length / 2)),
): T | undefined {
  if (candidates.length === 0) return undefined;
  const best = closest(word, candidates) as T;
  return distance(word, best) <= max ? best : undefined;
}

function usageError(message: string, suggestion?: string, usage = USAGE): { ok: false; error: UsageError } {
  return fail(suggestion === undefined ? { message, usage } : { message, suggestion, usage });
}

/** A command back as text, e.g. `baseline kafka --runs 3`: the thread's title; it parses back to itself. */
export function formatCommand(command: Command): string {
  const c = command;
  const parts: (string | undefined)[] = [c.kind];
  switch (c.kind) {
    case 'baseline':
      parts.push(c.target, ...flags('baseline', c.options));
      break;
    case 'history':
      parts.push(c.target, ...flags('history', { limit: c.limit }));
      break;
    case 'report':
      parts.push(c.sinceDays === undefined ? undefined : `--since ${c.sinceDays}d`);
      break;
    case 'tune':
      parts.push(c.service, c.knob, ...Object.entries(c.settings).map(([k, v]) => quote([`${k}=${v}`])));
      break;
    case 'bottlenecks':
    case 'validate':
      parts.push(c.service, c.kind === 'validate' ? c.changeId : undefined);
      break;
    case 'status':
    case 'cancel':
      parts.push(c.jobId);
      break;
    case 'rollback':
      parts.push(c.changeId);
      break;
    case 'help':
      parts.push(c.topic === undefined ? undefined : quote([c.topic]));
      break;
  }
  return parts.filter((p) => p !== undefined && p !== '').join(' ');
}

function flags(kind: CommandKind, values: Raw): string[] {
  const byKey = new Map(Object.entries(GRAMMAR[kind].options).map(([flag, spec]) => [spec.key, flag]));
  return Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([key, v]) => `--${byKey.get(key) ?? key} ${v}`);
}
