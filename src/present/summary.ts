import {
  formatComparison,
  formatMet,
  formatNumber,
  formatSpread,
  formatTarget,
  formatValue,
  isByteUnit,
  platformLead,
  platformNote,
} from '../analysis/format.js';
import { type Headline, headline } from '../analysis/headline.js';
import { MIN_COMPARE_SAMPLES, MIN_EFFECT_PCT, MIN_SAMPLES } from '../analysis/summarize.js';
import { serviceOf } from '../domain/services.js';
import type { MetricDef, MetricSummary, ProbeResult } from '../results/schema.js';
import {
  bold,
  type Column,
  code,
  type Doc,
  type DocBlock,
  icon,
  joinLines,
  type Line,
  line,
} from './document.js';

const COLUMNS: readonly Column[] = [
  { header: 'metric' },
  { header: 'unit' },
  { header: 'median', align: 'right' },
  { header: 'spread' },
  { header: 'target' },
  { header: 'met' },
  { header: 'vs last baseline' },
];

/** Params the view shows elsewhere (runs count, warm-up note). */
const SHOWN_ELSEWHERE = new Set(['runs', 'warmup']);

/**
 * Pure: a baseline's result → its thread message: the headline, the table of the metrics its
 * service leads with (`summaryLeads` in `probes/<svc>/index.ts`, and every metric with a target),
 * the runs not counted and why, the tools' warnings, where it ran, its params, and last the
 * detail table of the other metrics.
 */
export function buildSummary(result: ProbeResult): Doc {
  const lead = headline(result);
  const { leading, detail } = splitMetrics(result);
  const blocks: DocBlock[] = [
    { kind: 'heading', text: `Baseline: ${result.service}${platformNote(result.context.simulated)}` },
    { kind: 'paragraph', lines: [lead ? headlineText(lead) : line('This probe reports no metrics.')] },
    {
      kind: 'table',
      title: line(bold('Median of the runs'), '; a target is met when every run meets it'),
      columns: COLUMNS,
      rows: tableRows(result, leading),
    },
    ...notCountedBlocks(result),
    ...straddleBlocks(result),
    ...comparisonBlocks(result),
    { kind: 'note', parts: aboutRuns(result) },
    ...warningBlocks(result),
    ...paramsBlock(result),
    ...(serviceOf(result.service).table?.(result) ?? []),
    ...detailBlocks(result, detail),
  ];
  return { summary: line(fallbackText(result, lead)), blocks };
}

/** The metrics of the first table (the service's leads and every one with a target), and the rest. */
function splitMetrics(result: ProbeResult): { leading: MetricDef[]; detail: MetricDef[] } {
  const leads = serviceOf(result.service).summaryLeads;
  if (leads === undefined) return { leading: [...result.metrics], detail: [] };
  const targeted = new Set(result.summary.filter((s) => s.target !== null).map((s) => s.key));
  const isLead = (m: MetricDef) => leads.includes(m.key) || targeted.has(m.key);
  return { leading: result.metrics.filter(isLead), detail: result.metrics.filter((m) => !isLead(m)) };
}

function detailBlocks(result: ProbeResult, detail: readonly MetricDef[]): DocBlock[] {
  const rows = tableRows(result, detail);
  if (rows.length === 0) return [];
  return [
    { kind: 'divider' },
    {
      kind: 'table',
      title: line(bold(`Detail: the other ${rows.length} metric(s)`), ', median of the runs'),
      columns: COLUMNS,
      rows,
    },
  ];
}

/** Each reason is cut here: the stored run keeps the whole of it and its raw output. */
const REASON_MAX = 400;
/** Warnings shown under the summary; the stored result keeps up to 20. */
export const WARNINGS_SHOWN = 5;
const WARNING_MAX = 240;

/**
 * Runs kept but not counted in the medians, each with its reason: `run 2 not counted: the producer
 * reports 700,000 records sent of 1,000,000 asked …`.
 */
function notCountedBlocks(result: ProbeResult): DocBlock[] {
  const invalid = result.runs.filter((r) => r.invalid !== undefined);
  if (invalid.length === 0) return [];
  const counted = result.runs.length - invalid.length;
  return [
    {
      kind: 'list',
      title: line(
        icon('warning'),
        ' ',
        bold(`${invalid.length} of ${result.runs.length} run(s) not counted`),
        `: the medians are of the other ${counted}`,
      ),
      items: invalid.map((r) => line(`run ${r.index + 1} not counted: ${cut(r.invalid ?? '', REASON_MAX)}`)),
    },
  ];
}

/** The tools' warnings (distinct once their timestamps are set aside), the first few, each cut short. */
function warningBlocks(result: ProbeResult): DocBlock[] {
  const distinct = [...new Set((result.warnings ?? []).map(withoutTimestamp).filter((w) => w !== ''))];
  if (distinct.length === 0) return [];
  const shown = distinct.slice(0, WARNINGS_SHOWN);
  const more = distinct.length - shown.length;
  return [
    {
      kind: 'list',
      title: line(icon('warning'), ' ', bold(`Tool warnings (${distinct.length} distinct)`)),
      items: [
        ...shown.map((w) => line(code(cut(w, WARNING_MAX)))),
        ...(more > 0 ? [line(`… and ${more} more, kept with result `, code(result.id))] : []),
      ],
    },
  ];
}

/** `[2024-06-27 09:44:01,123] WARN …` and `2024-06-27 09:44:01 WARN …` → `WARN …`. */
function withoutTimestamp(warning: string): string {
  return warning.replace(/^\[?\d{4}-\d{2}-\d{2}[ T][\d:.,]+\]?\s*/, '').trim();
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Why a target got no verdict from one sample: targets are checked against every run, and one is too few. */
export const ONE_RUN = '1 run: inconclusive, use --runs ≥ 2';

/** Why a target got no verdict from several runs: some met it and some missed it. */
export const STRADDLES = 'inconclusive (runs on both sides of the target)';

/** `met` for the verdict; "no data", one run, "no target" and mixed runs are inconclusive, never a pass. */
export function verdict(summary: MetricSummary): string {
  if (summary.median === null) return 'no data, inconclusive';
  if (summary.target === null) return 'no target';
  if (summary.met === null) return summary.n < MIN_SAMPLES ? ONE_RUN : STRADDLES;
  return summary.met ? 'met' : 'missed';
}

/** How "vs last baseline" is decided, said once under the table whenever a change is shown. */
export const CHANGE_RULE = `vs last baseline: improved/regressed only with ≥ ${MIN_COMPARE_SAMPLES} runs on each side, no run of one within the other’s range (apart by at least half the wider range) and medians ≥ ${MIN_EFFECT_PCT}% apart; otherwise within noise, or inconclusive with fewer than ${MIN_COMPARE_SAMPLES} runs on a side`;

function headlineText({ metric, summary }: Headline): Line {
  const parts: Line[] = [line(bold(metric.label), ': ', bold(formatValue(summary.median, metric.unit)))];
  if (summary.target !== null) {
    parts.push(
      line(
        `target ${formatTarget(summary.target, metric.unit)} ${formatMet(summary.met)} ${verdict(summary)}`,
      ),
    );
  } else if (summary.median === null) {
    parts.push(line('inconclusive'));
  }
  if (summary.comparison !== null)
    parts.push(line(`${formatComparison(summary.comparison)} vs the last baseline`));
  return joinLines(parts, ' · ');
}

/** Names the metrics whose `met` is — because their runs fell on both sides of the target. */
function straddleBlocks(result: ProbeResult): DocBlock[] {
  const labels = result.summary
    .filter((s) => s.target !== null && s.median !== null && s.met === null && s.n >= MIN_SAMPLES)
    .map((s) => result.metrics.find((m) => m.key === s.key)?.label ?? s.key);
  if (labels.length === 0) return [];
  return [{ kind: 'note', parts: [line(`met: — for ${labels.join(', ')}: ${STRADDLES}`)] }];
}

function tableRows(result: ProbeResult, metrics: readonly MetricDef[]): string[][] {
  return metrics.flatMap((metric) => {
    const s = result.summary.find((row) => row.key === metric.key);
    if (!s) return [];
    // Values go without their unit (the unit column has it), except bytes, which scale (KiB, MiB, GiB).
    const unit = isByteUnit(metric.unit) ? metric.unit : '';
    return [
      [
        metric.label,
        metric.unit,
        formatValue(s.median, unit),
        formatSpread(s, unit),
        formatTarget(s.target, unit),
        formatMet(s.met),
        formatComparison(s.comparison),
      ],
    ];
  });
}

/**
 * Which baseline the changes are against, and what differs from it (DESIGN.md: a comparison whose
 * environments differ says so); nothing before a first baseline.
 */
function comparisonBlocks(result: ProbeResult): DocBlock[] {
  const note = result.comparison;
  const rule: DocBlock[] = result.summary.some((s) => s.comparison?.method === 'runs-apart')
    ? [{ kind: 'note', parts: [line(CHANGE_RULE)] }]
    : [];
  if (!note) {
    if (result.previousId === null) return rule;
    const compared = line('compared with ', code(result.previousId), ' (same params and platform)');
    return [{ kind: 'note', parts: [compared, ...(rule.length > 0 ? [line(CHANGE_RULE)] : [])] }];
  }
  const title =
    note.previousId === null
      ? line(icon('information_source'), ' ', bold('no like-for-like baseline to compare with'))
      : line(icon('warning'), ' ', bold('compared with ', code(note.previousId), ', which differs'));
  return [{ kind: 'list', title, items: note.differences.map((d) => line(d)) }, ...rule];
}

function aboutRuns(result: ProbeResult): Line[] {
  const warm = result.params.warmup === true ? ', after a discarded warm-up run' : '';
  const took = tookText(result);
  const c = result.context;
  const where: Line[] = [
    ...(c.pod ? [line('pod ', code(c.pod))] : []),
    ...(c.namespace ? [line('namespace ', code(c.namespace))] : []),
    ...(c.nodeCount !== undefined ? [line(`${c.nodeCount} node(s)`)] : []),
  ];
  return [
    line(`${result.runs.length} run(s)${took}${warm}${notCounted(result)}`),
    joinLines(where, ', '),
    c.simulated ? line(icon('warning'), ' simulated platform, not a real cluster') : [],
    line('result ', code(result.id)),
  ];
}

/**
 * ` in 3 min 5 s`. On the simulated platform, whose tools take a fraction of the time they report
 * (`context.timeScale`), both clocks: ` in 3 s, simulated ≈ 1 min (the simulated platform runs 20×
 * faster than real time)`, so that a 1,903 ms query in a run "of 0 s" reads as what it is.
 */
function tookText(result: ProbeResult): string {
  const seconds = (Date.parse(result.finishedAt) - Date.parse(result.startedAt)) / 1000;
  if (!Number.isFinite(seconds)) return '';
  const scale = result.context.simulated ? result.context.timeScale : undefined;
  const real = ` in ${duration(seconds)}`;
  if (scale === undefined || scale === 1) return real;
  if (scale === 0) return `${real}: the simulated platform answers at once, whatever time its figures report`;
  const pace = scale < 1 ? `${formatNumber(1 / scale)}× faster` : `${formatNumber(scale)}× slower`;
  return `${real}, simulated ≈ ${duration(seconds / scale)} (the simulated platform runs ${pace} than real time)`;
}

/** `, 1 not counted` when some runs were marked invalid, else nothing. */
function notCounted(result: ProbeResult): string {
  const invalid = result.runs.filter((r) => r.invalid !== undefined).length;
  return invalid > 0 ? `, ${invalid} not counted` : '';
}

export function duration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
}

function paramsBlock(result: ProbeResult): DocBlock[] {
  const params = Object.entries(result.params).filter(([key]) => !SHOWN_ELSEWHERE.has(key));
  const images = result.context.images ?? [];
  const parts: Line[] = [
    params.length > 0
      ? line(
          'params: ',
          joinLines(
            params.map(([k, v]) => line(code(`${k}=${v}`))),
            ' ',
          ),
        )
      : [],
    images.length > 0
      ? line(
          'images: ',
          joinLines(
            images.map((i) => line(code(i))),
            ' ',
          ),
        )
      : [],
  ];
  return parts.some((p) => p.length > 0) ? [{ kind: 'note', parts }] : [];
}

function fallbackText(result: ProbeResult, lead: Headline | undefined): string {
  const judged = result.summary.filter((s) => s.target !== null);
  const met = judged.filter((s) => s.met === true).length;
  const head = lead
    ? `${lead.metric.label} ${formatValue(lead.summary.median, lead.metric.unit)} (${verdict(lead.summary)})`
    : 'no metrics';
  const targets = judged.length > 0 ? `, ${met} of ${judged.length} target(s) met` : '';
  return `baseline ${result.service}: ${platformLead(result.context.simulated)}${head}${targets}, ${result.runs.length} run(s)${notCounted(result)}`;
}
