import {
  type CriteriaInput,
  type Criterion,
  configuredTargets,
  lastBaseline,
  successCriteria,
  targetCriterion,
} from '../analysis/criteria.js';
import { formatTarget, formatValue } from '../analysis/format.js';
import type { ChangeRecord } from '../changes/record.js';
import { SERVICE_NAMES, type ServiceName } from '../domain/services.js';
import type { ProbeResult } from '../results/schema.js';
import { formatTime } from './change-card.js';
import { bold, code, type Doc, type DocBlock, joinLines, type Line, line } from './document.js';
import { asCommand, type Surface } from './surface.js';

/**
 * `/perf report` (issue #16), pure: the runbook's performance report filled from stored results and
 * the change ledger only. The runbook's template is not in the repository; its sections follow the
 * issue's list: platform and date, each service's baseline, the bottlenecks found, the changes
 * applied, the validated gains, what is still below target, and the success criteria as a checklist.
 * Every figure sits on the row of the stored result it comes from (its id); every blank is "not
 * measured" with the command that would measure it.
 */

/**
 * A stored answer of `/perf bottlenecks` (issue #17), as the report needs it. The store keeps none
 * yet: the report is given `[]` and says how to measure them.
 */
export interface StoredBottlenecks {
  id: string;
  takenAt: string;
  findings: readonly { severity: string; subject: string; statement: string }[];
}

export interface ReportInput extends CriteriaInput {
  surface: Surface;
  /** Read from the CLI's `--sandbox` store: the commands it suggests say `--sandbox` too. */
  sandbox?: boolean;
  /** ISO: when the report was made. */
  generatedAt: string;
  days: number;
  /** Where the figures come from: the config file and the store. */
  platform: { config: string; store: string };
  bottlenecks: readonly StoredBottlenecks[];
  /** The charts shared beside the report (files next to it, or in the thread). */
  charts: readonly { filename: string; title: string }[];
}

/** A command as the report's reader types it (`/perf …`, `perfbot …`, with `--sandbox` when read from there). */
type Say = (command: string) => string;

/** "not measured: run `/perf baseline ray`" as a line. */
const notMeasured = (say: Say, command: string, what = 'not measured'): Line =>
  line(`${what}: run `, code(say(command)));

const pct = (v: number) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}%`;

const sayOf =
  (input: Pick<ReportInput, 'surface' | 'sandbox'>): Say =>
  (command) =>
    `${asCommand(input.surface, command)}${input.sandbox ? ' --sandbox' : ''}`;

/** @example renderMarkdown(buildReport(input)) */
export function buildReport(input: ReportInput): Doc {
  const criteria = successCriteria(input);
  const met = criteria.filter((c) => c.done).length;
  return {
    summary: line(`Performance report: ${met} of ${criteria.length} success criteria met`),
    blocks: [
      { kind: 'heading', text: `Performance report, ${input.generatedAt.slice(0, 10)}` },
      ...platformBlocks(input),
      ...baselineBlocks(input),
      ...bottleneckBlocks(input.bottlenecks, sayOf(input)),
      ...changeBlocks(input.changes, sayOf(input)),
      ...gainBlocks(input),
      ...belowTargetBlocks(input),
      ...checklistBlocks(criteria, sayOf(input)),
      ...chartBlocks(input.charts),
    ],
  };
}

function platformBlocks(input: ReportInput): DocBlock[] {
  const newest = SERVICE_NAMES.flatMap((s) => input.results[s]?.at(-1) ?? []).sort((a, b) =>
    a.finishedAt.localeCompare(b.finishedAt),
  );
  const last = newest.at(-1);
  const kind = last
    ? line(
        last.context.simulated ? 'the local simulated platform' : 'a Kubernetes cluster',
        last.context.nodeCount === undefined ? '' : `, ${last.context.nodeCount} nodes`,
        ' (',
        code(last.id),
        ')',
      )
    : notMeasured(sayOf(input), 'baseline all', 'nothing measured in the window');
  return [
    { kind: 'heading', text: 'Platform and date' },
    {
      kind: 'fields',
      fields: [
        { label: 'Platform', value: kind },
        { label: 'Config', value: line(input.platform.config) },
        { label: 'Results from', value: line(input.platform.store) },
        { label: 'Date', value: line(formatTime(input.generatedAt)) },
        {
          label: 'Window',
          value: line(
            `the last ${input.days} days: ${formatTime(input.since)} to ${formatTime(input.generatedAt)}`,
          ),
        },
      ],
    },
  ];
}

/** Each service's last baseline: median, spread (MAD) and runs of every metric, with its result id. */
function baselineBlocks(input: ReportInput): DocBlock[] {
  const rows: string[][] = [];
  const missing: Line[] = [];
  for (const service of SERVICE_NAMES) {
    const result = lastBaseline(input.results[service]);
    if (!result) {
      missing.push(line(bold(service), ' ', notMeasured(sayOf(input), `baseline ${service}`)));
      continue;
    }
    for (const s of result.summary) {
      const def = result.metrics.find((m) => m.key === s.key);
      if (!def) continue;
      rows.push([
        service,
        def.label,
        formatValue(s.median, def.unit),
        s.mad === null ? '—' : formatValue(s.mad, def.unit),
        String(s.n),
        s.target ? formatTarget(s.target, def.unit) : '—',
        result.id,
      ]);
    }
  }
  return [
    { kind: 'heading', text: 'Baselines' },
    ...(rows.length > 0
      ? [
          {
            kind: 'table',
            title: line(
              'Each service\u2019s last baseline in the window: median of the runs, spread (MAD), runs',
            ),
            columns: [
              { header: 'service' },
              { header: 'metric' },
              { header: 'median', align: 'right' },
              { header: 'spread (MAD)', align: 'right' },
              { header: 'n', align: 'right' },
              { header: 'target' },
              { header: 'result id' },
            ],
            rows,
          } as const,
        ]
      : []),
    ...(missing.length > 0 ? [{ kind: 'list', items: missing } as const] : []),
  ];
}

/**
 * The bottlenecks found, from the stored answers of `/perf bottlenecks` (newest first); "not
 * measured" with the command while the store holds none.
 */
export function bottleneckBlocks(answers: readonly StoredBottlenecks[], say: Say): DocBlock[] {
  const heading = { kind: 'heading', text: 'Bottlenecks found' } as const;
  const newest = [...answers].sort((a, b) => b.takenAt.localeCompare(a.takenAt))[0];
  if (!newest) return [heading, { kind: 'paragraph', lines: [notMeasured(say, 'bottlenecks')] }];
  if (newest.findings.length === 0)
    return [
      heading,
      {
        kind: 'paragraph',
        lines: [line('no findings in ', code(newest.id), `, ${formatTime(newest.takenAt)}`)],
      },
    ];
  return [
    heading,
    {
      kind: 'table',
      title: line('From ', code(newest.id), `, ${formatTime(newest.takenAt)}`),
      columns: [{ header: 'severity' }, { header: 'where' }, { header: 'finding' }, { header: 'answer id' }],
      rows: newest.findings.map((f) => [f.severity, f.subject, f.statement, newest.id]),
    },
  ];
}

const approvedBy = (c: ChangeRecord) => c.approvals.map((a) => `@${a.by}`).join(', ') || '—';
const appliedAt = (c: ChangeRecord) => c.history.find((h) => h.to === 'applied')?.at;

/** The changes of the window from the ledger: what, who asked, who approved, when, outcome, id. */
function changeBlocks(changes: readonly ChangeRecord[], say: Say): DocBlock[] {
  const heading = { kind: 'heading', text: 'Changes applied' } as const;
  if (changes.length === 0)
    return [
      heading,
      {
        kind: 'paragraph',
        lines: [notMeasured(say, 'tune <component> <knob-set>', 'no change in the window')],
      },
    ];
  const rows = changes.map((c) => {
    const knob = (c.plan as { knobSet?: unknown } | null)?.knobSet;
    const applied = appliedAt(c);
    return [
      `${c.service}${typeof knob === 'string' ? ` ${knob}` : ''}`,
      `@${c.requestedBy}`,
      approvedBy(c),
      applied ? `applied ${formatTime(applied)}` : `proposed ${formatTime(c.createdAt)}`,
      `${c.state.replace('_', ' ')}${c.outcome ? `: ${c.outcome.summary}` : ''}`,
      c.id,
    ];
  });
  return [
    heading,
    {
      kind: 'table',
      columns: [
        { header: 'what' },
        { header: 'asked by' },
        { header: 'approved by' },
        { header: 'when' },
        { header: 'outcome' },
        { header: 'change id' },
      ],
      rows,
    },
  ];
}

/** Every validation of the window: per tested metric, before/after medians, change, interval, verdict, target. */
function gainBlocks(input: ReportInput): DocBlock[] {
  const rows: string[][] = [];
  const missing: Line[] = [];
  const quiet: Line[] = [];
  for (const service of SERVICE_NAMES) {
    const validations = (input.results[service] ?? []).filter((r) => r.validation !== undefined);
    const wanted = input.targets[service] ?? [];
    if (validations.length === 0 && wanted.length > 0)
      missing.push(
        line(bold(service), ' ', notMeasured(sayOf(input), `validate ${service}`, 'not validated')),
      );
    for (const v of validations) {
      const shown = gainRows(service, v);
      rows.push(...shown);
      const others = (v.validation?.metrics.length ?? 0) - shown.length;
      if (others > 0)
        quiet.push(
          line(`${service}: ${others} other metric(s) neither improved nor regressed (`, code(v.id), ')'),
        );
    }
  }
  return [
    { kind: 'heading', text: 'Validated gains' },
    ...(rows.length > 0
      ? [
          {
            kind: 'table',
            title: line(
              'Target metrics and those that moved: before/after medians of the runs; change (Hodges–Lehmann) with its interval; verdict; the target judged on the interval',
            ),
            columns: [
              { header: 'service' },
              { header: 'metric' },
              { header: 'before', align: 'right' },
              { header: 'after', align: 'right' },
              { header: 'change [interval]', align: 'right' },
              { header: 'verdict' },
              { header: 'target' },
              { header: 'met' },
              { header: 'before id' },
              { header: 'validation id' },
            ],
            rows,
          } as const,
        ]
      : []),
    ...(quiet.length > 0 ? [{ kind: 'list', items: quiet } as const] : []),
    ...(missing.length > 0 ? [{ kind: 'list', items: missing } as const] : []),
  ];
}

function gainRows(service: ServiceName, v: ProbeResult): string[][] {
  const stored = v.validation;
  if (!stored) return [];
  return stored.metrics.flatMap((m) => {
    const def = v.metrics.find((d) => d.key === m.key);
    const target = stored.targets.find((t) => t.metric === m.key);
    if (!def || !(target || m.verdict === 'improved' || m.verdict === 'regressed')) return [];
    const t = m.test;
    const sign = def.direction === 'lower_is_better' ? '−' : '+';
    return [
      [
        service,
        def.label,
        t ? formatValue(t.medianBefore, def.unit) : 'no data',
        t ? formatValue(t.medianAfter, def.unit) : 'no data',
        t ? `${pct(t.change)} [${pct(t.low)}, ${pct(t.high)}] (${Math.round(t.level * 100)}%)` : '—',
        // The reason repeats the interval when there is one; without a test it says what was missing.
        `${m.verdict.replace('_', ' ')}${m.reason && !t ? `: ${m.reason}` : ''}`,
        target ? `${sign}${Math.round(target.change * 100)}%` : '—',
        target ? (target.met === true ? 'met' : target.met === false ? 'not met' : 'not decided') : '—',
        stored.beforeId,
        v.id,
      ],
    ];
  });
}

/** What is still below target: baseline targets missed, and improvement targets not met. */
function belowTargetBlocks(input: ReportInput): DocBlock[] {
  const items: Line[] = [];
  for (const service of SERVICE_NAMES) {
    const result = input.results[service]?.at(-1);
    for (const s of result?.summary ?? []) {
      const def = result?.metrics.find((m) => m.key === s.key);
      if (!result || !def || !s.target || s.met === true) continue;
      const word =
        s.met === false ? 'below target' : 'not decided (runs on both sides of the target, or one run)';
      items.push(
        line(
          bold(`${service} ${def.label}`),
          ` ${word}: median ${formatValue(s.median, def.unit)}, target ${formatTarget(s.target, def.unit)} (`,
          code(result.id),
          ')',
        ),
      );
    }
  }
  for (const t of configuredTargets(input.targets)) {
    const c = targetCriterion(t.service, t, input);
    if (!c.done) items.push(criterionLine(c, sayOf(input)));
  }
  return [
    { kind: 'heading', text: 'Still below target' },
    items.length > 0
      ? { kind: 'list', items }
      : { kind: 'paragraph', lines: [line('Nothing: every target checked was met.')] },
  ];
}

function criterionLine(c: Criterion, say: Say): Line {
  const ids = [...new Set(c.ids)].map((id) => line(code(id)));
  return line(
    bold(c.label),
    ids.length > 0 ? line(' (from ', joinLines(ids, ', '), ')') : [],
    `: ${c.detail}`,
    ...(c.command && !c.done ? [line('; run ', code(say(c.command)))] : []),
  );
}

function checklistBlocks(criteria: readonly Criterion[], say: Say): DocBlock[] {
  return [
    { kind: 'heading', text: 'Success criteria' },
    { kind: 'checklist', items: criteria.map((c) => ({ done: c.done, text: criterionLine(c, say) })) },
  ];
}

function chartBlocks(charts: ReportInput['charts']): DocBlock[] {
  if (charts.length === 0) return [];
  return [
    { kind: 'heading', text: 'Charts' },
    { kind: 'list', items: charts.map((c) => line(code(c.filename), `: ${c.title}`)) },
  ];
}
