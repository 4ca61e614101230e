import {
  formatComparison,
  formatMet,
  formatTarget,
  formatValue,
  platformLead,
  platformNote,
  SIMULATED_PLATFORM,
} from '../analysis/format.js';
import { headline } from '../analysis/headline.js';
import { selectPrevious } from '../analysis/previous.js';
import { compareResults } from '../analysis/summarize.js';
import { type HistoryMark, shortDate } from '../charts/history.js';
import type { MetricDef, ProbeResult } from '../results/schema.js';
import { bold, type Column, code, type Doc, type DocBlock, icon, line } from './document.js';
import { CHANGE_RULE } from './summary.js';
import { asCommand, type Surface } from './surface.js';

const COLUMNS: readonly Column[] = [
  { header: 'date (UTC)' },
  { header: 'median', align: 'right' },
  { header: 'met' },
  { header: 'vs previous' },
  { header: 'runs', align: 'right' },
];

/**
 * Pure: the last stored baselines of a service, newest first, for the headline metric of the newest:
 * each one's median and its change against the one before it.
 */
export function buildHistory(
  service: string,
  results: readonly ProbeResult[],
  surface: Surface = 'slack',
  options: { metric?: string | undefined; marks?: readonly HistoryMark[] } = {},
): Doc {
  const ordered = [...results].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  const newest = ordered[0];
  const lead = newest ? headline(newest, options.metric) : undefined;
  if (newest && !lead && options.metric !== undefined) return unknownMetric(service, options.metric, newest);
  if (!newest || !lead) {
    const none = line(
      `No baseline of ${service} is stored yet: run `,
      code(asCommand(surface, `baseline ${service}`)),
      ' first.',
    );
    return {
      summary: line(
        `No baseline of ${service} is stored yet: run \`${asCommand(surface, `baseline ${service}`)}\` first.`,
      ),
      blocks: [
        { kind: 'heading', text: `History: ${service}` },
        { kind: 'paragraph', lines: [none] },
      ],
    };
  }
  const { metric } = lead;
  const rows = ordered.map((r, i) => {
    const s = r.summary.find((row) => row.key === metric.key);
    return [
      shortDate(r.startedAt),
      formatValue(s?.median ?? null, metric.unit),
      formatMet(s?.met ?? null),
      changeText(r, ordered.slice(i + 1), metric),
      String(r.runs.length),
    ];
  });
  const target =
    lead.summary.target === null ? 'no target' : `target ${formatTarget(lead.summary.target, metric.unit)}`;
  const platform = platformParts(ordered);
  const blocks: DocBlock[] = [
    { kind: 'heading', text: `History: ${service}${platform.title}` },
    ...platform.blocks,
    { kind: 'table', title: line(bold(metric.label), ` (median), ${target}`), columns: COLUMNS, rows },
    ...marksBlock(options.marks ?? [], ordered.at(-1)?.startedAt ?? newest.startedAt),
    {
      kind: 'note',
      parts: [
        line(
          `${ordered.length} baseline(s), newest first; each is compared with the newest older one of the same params and platform`,
        ),
        line(CHANGE_RULE),
      ],
    },
  ];
  return {
    summary: line(
      `history ${service}: ${platform.lead}${metric.label} ${formatValue(lead.summary.median, metric.unit)} on ${shortDate(newest.startedAt)}, ${ordered.length} baseline(s)`,
    ),
    blocks,
  };
}

/** A row's change against its like-for-like predecessor in the list (same params, same platform), if any. */
function changeText(result: ProbeResult, older: readonly ProbeResult[], metric: MetricDef): string {
  const { previous } = selectPrevious(result, older);
  const compared = previous ? compareResults(metric, result, previous) : undefined;
  return formatComparison(compared ?? null);
}

/** Where the baselines were measured: in the header and text when all on the simulated platform, else counted. */
function platformParts(results: readonly ProbeResult[]): { title: string; lead: string; blocks: DocBlock[] } {
  const simulated = results.filter((r) => r.context.simulated).length;
  if (simulated === 0) return { title: '', lead: '', blocks: [] };
  const all = simulated === results.length;
  const note = line(
    icon('warning'),
    ` ${simulated} of ${results.length} baseline(s) measured on the ${SIMULATED_PLATFORM}, not a real cluster`,
  );
  return { title: platformNote(all), lead: platformLead(all), blocks: [{ kind: 'note', parts: [note] }] };
}

/** The changes applied and rolled back since the oldest baseline listed, newest first (the chart marks them). */
function marksBlock(marks: readonly HistoryMark[], since: string): DocBlock[] {
  const shown = marks.filter((m) => m.at >= since).reverse();
  if (shown.length === 0) return [];
  const items = shown.map((m) =>
    line(
      icon(m.kind === 'applied' ? 'arrows_counterclockwise' : 'warning'),
      ` ${shortDate(m.at)} `,
      code(m.changeId),
      m.kind === 'applied' ? ` ${m.text} applied` : ` rolled back ${m.text}`,
    ),
  );
  return [{ kind: 'list', title: line(bold('Changes'), ' (from the ledger, newest first)'), items }];
}

/** `history trino joins.elapsed_ms`: no such metric; the newest result's keys say which there are. */
function unknownMetric(service: string, metric: string, newest: ProbeResult): Doc {
  const keys = newest.metrics.map((m) => m.key);
  const text = `No stored baseline of ${service} has the metric ${metric}. Its metrics: ${keys.join(', ')}.`;
  return {
    summary: line(text),
    blocks: [
      { kind: 'heading', text: `History: ${service}` },
      {
        kind: 'paragraph',
        lines: [line('No stored baseline of ', bold(service), ' has the metric ', code(metric), '.')],
      },
      {
        kind: 'paragraph',
        lines: [line('Its metrics: ', ...keys.flatMap((k, i) => [...(i ? [', '] : []), code(k)]))],
      },
    ],
  };
}
