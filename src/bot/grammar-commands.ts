import { catalogLines } from '../changes/catalog.js';
import { type CommandKind, NOT_YET_AVAILABLE } from '../commands/command.js';
import {
  BASELINE_OPTION_KEYS,
  BASELINE_OPTIONS,
  type BaselineOptionKey,
  optionsUsage,
} from '../commands/options.js';
import { targetsOf } from '../commands/target-options.js';
import { COMPONENT_NAMES } from '../domain/components.js';
import { SERVICE_NAMES } from '../domain/services.js';
import { fail } from '../errors.js';
import { asCommand, type Surface } from '../present/surface.js';
import { defined, lower, type Raw, splitOnce } from './grammar-words.js';

/**
 * A `/perf` text that is not a command: what was wrong, and the nearest valid command. Commands are
 * written without their prefix (`baseline kafka`): the reply adds `/perf` or `perfbot` for its reader.
 */
export interface UsageError {
  message: string;
  /** The nearest valid command, e.g. `baseline kafka`; it always parses (`parseCommand`). */
  suggestion?: string;
  /** Usage lines without the prefix, e.g. `history <service> [--limit N]`. */
  usage: string;
}

type Build = (positionals: readonly string[], options: Raw) => Raw;

/**
 * Each command's usage line is its grammar: `<x>` a required argument, `[x]` an optional one,
 * `[x …]` the rest, `[--flag N]` a whole number, `[--flag Nd]` days, `[--flag a|b]` a word. Options
 * reach `build` under their camelCased name; `CommandSchema` then checks every value.
 */
export const COMMANDS: Readonly<
  Record<CommandKind, readonly [usage: string, summary: string, build: Build]>
> = {
  baseline: [
    `baseline <${[...SERVICE_NAMES, 'all'].join('|')}> ${optionsUsage()}`,
    'measure a service (or all of them) against its targets and last baseline',
    ([target], options) => ({ kind: 'baseline', target: lower(target), options }),
  ],
  bottlenecks: [
    'bottlenecks [service]',
    'what constrains the platform now, ranked, each finding with its evidence and, where a knob addresses it, Propose fix (reads only: no benchmark, no lock)',
    ([service]) => defined({ kind: 'bottlenecks', service: lower(service) }),
  ],
  tune: [
    'tune <component> <knob-set> [key=value …] [--dry-run]',
    `propose a change to ${COMPONENT_NAMES.join(', ')} (exact diff, preflight, Approve / Reject; --dry-run: the card only)`,
    ([component, knob, ...pairs], o) => {
      const settings = Object.fromEntries(pairs.map((p) => splitOnce(p, '=')));
      return defined({
        kind: 'tune',
        component: lower(component),
        knob: lower(knob),
        settings,
        dryRun: o.dryRun,
      });
    },
  ],
  validate: [
    `validate <${[...SERVICE_NAMES, 'all'].join('|')}> [--against <result-id>] [--runs N]`,
    'before/after on the same probes with the same params: verdicts with their interval, targets judged',
    ([target], o) => defined({ kind: 'validate', target: lower(target), against: o.against, runs: o.runs }),
  ],
  report: [
    'report [--since Nd]',
    'the performance report: baselines, changes, gains',
    (_, o) => defined({ kind: 'report', sinceDays: o.since }),
  ],
  history: [
    'history <service> [metric] [--limit N]',
    'a trend chart of the stored baselines (a metric key, or the headline one), with the changes applied and rolled back',
    ([target, metric], o) =>
      defined({ kind: 'history', target: lower(target), metric: lower(metric), limit: o.limit }),
  ],
  status: ['status [job-id]', 'a job, or the recent ones', ([jobId]) => defined({ kind: 'status', jobId })],
  cancel: ['cancel <job-id>', 'stop a queued or running job', ([jobId]) => ({ kind: 'cancel', jobId })],
  rollback: [
    'rollback <change-id>',
    'propose restoring the snapshot taken before an applied change (same approvals)',
    ([changeId]) => ({ kind: 'rollback', changeId }),
  ],
  changes: [
    'changes [component]',
    'the change ledger: who asked, who approved, what, when, outcome',
    ([component]) => defined({ kind: 'changes', component: lower(component) }),
  ],
  help: [
    'help [command]',
    'this help, or one command in detail',
    ([topic]) => defined({ kind: 'help', topic: lower(topic) }),
  ],
};

/** `flag`: a switch that takes no value (`[--dry-run]`). */
/** `id`: a value kept as typed (`[--against <result-id>]`: result ids have capitals). */
export type OptionKind = 'int' | 'days' | 'word' | 'id' | 'flag';
export interface Grammar {
  usage: string;
  positionals: string[];
  required: number;
  variadic: boolean;
  options: Record<string, OptionKind>;
}

const PART = /<([^>]+)>|\[--([a-z-]+)(?: ([^\]]+))?\]|\[([^\]]+)\]/g;

function compile(usage: string): Grammar {
  const g: Grammar = { usage, positionals: [], required: 0, variadic: false, options: {} };
  for (const [, required, flag, value, optional] of usage.matchAll(PART)) {
    if (required !== undefined) g.required = g.positionals.push(required);
    else if (flag !== undefined)
      g.options[flag] =
        value === undefined
          ? 'flag'
          : value === 'N'
            ? 'int'
            : value === 'Nd'
              ? 'days'
              : value.startsWith('<')
                ? 'id'
                : 'word';
    else if (optional?.includes('…')) g.variadic = true;
    else if (optional !== undefined) g.positionals.push(optional);
  }
  return g;
}

export const KINDS = Object.keys(COMMANDS) as CommandKind[];
export const GRAMMAR = Object.fromEntries(KINDS.map((k) => [k, compile(COMMANDS[k][0])])) as Record<
  CommandKind,
  Grammar
>;
export const USAGE = KINDS.map((k) => COMMANDS[k][0]).join('\n');

/** Commands about the workers' jobs: Slack's, not the CLI's (it runs its own job in its process). */
const WORKER_JOBS_ONLY: ReadonlySet<CommandKind> = new Set(['status', 'cancel']);

/**
 * The help text for its reader: every command (marking those not available yet), or one in detail.
 * Slack gets `code` marks; the terminal plain words.
 */

export function helpText(topic?: string, surface: Surface = 'slack'): string {
  const mark = (text: string) => (surface === 'slack' ? `\`${text}\`` : text);
  const kind = KINDS.find((k) => k === topic?.toLowerCase());
  if (kind !== undefined) {
    const options =
      kind === 'baseline'
        ? BASELINE_OPTION_KEYS.map((key) => optionHelp(key, mark))
        : kind === 'tune'
          ? [
              'Knob sets (without values: the recommended ones from perfbot.yaml `tuning`):',
              ...catalogLines(mark),
            ]
          : [];
    const later = NOT_YET_AVAILABLE.has(kind)
      ? ' Not available yet: it parses, but is still being built.'
      : '';
    return [mark(asCommand(surface, COMMANDS[kind][0])), `${COMMANDS[kind][1]}.${later}`, ...options].join(
      '\n',
    );
  }
  const line = (k: CommandKind) => `• ${mark(asCommand(surface, COMMANDS[k][0]))}: ${COMMANDS[k][1]}`;
  // The CLI runs its job in its own process: the workers' jobs (`status <job-id>`, `cancel`) are Slack's;
  // the CLI's own `perfbot status` (the locks) is in its usage.
  const here = (k: CommandKind) => surface === 'slack' || !WORKER_JOBS_ONLY.has(k);
  const runs = KINDS.filter((k) => !NOT_YET_AVAILABLE.has(k) && here(k));
  const later = KINDS.filter((k) => NOT_YET_AVAILABLE.has(k));
  const unknown = topic === undefined ? [] : [`There is no command ${mark(topic)}. The commands are:`];
  return [
    ...unknown,
    'Runs today:',
    ...runs.map(line),
    ...(later.length > 0
      ? ['Not available yet (they parse, their features are still being built):', ...later.map(line)]
      : []),
  ].join('\n');
}

/** `• \`--records N\`: records per run (kafka)`: from the options table and the services that take it. */
function optionHelp(key: BaselineOptionKey, mark: (text: string) => string): string {
  const { flag, value, help } = BASELINE_OPTIONS[key];
  const where = targetsOf(key).filter((t) => t !== 'all');
  const scope = where.length === SERVICE_NAMES.length ? 'every service' : where.join(', ');
  return `• ${mark(`--${flag} ${value}`)}: ${help} (${scope})`;
}

export function usageError(
  message: string,
  suggestion?: string,
  usage = USAGE,
): { ok: false; error: UsageError } {
  return fail(suggestion === undefined ? { message, usage } : { message, suggestion, usage });
}

/** The user's command with `count` arguments from `at` replaced. */
export function rewrite(
  kind: CommandKind,
  args: readonly string[],
  at: number,
  by: string[],
  count = 1,
): string {
  const next = [...args];
  next.splice(at, count, ...by);
  return [kind, ...next].join(' ');
}
