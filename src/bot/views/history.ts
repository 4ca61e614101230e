import {
  formatChange,
  formatMet,
  formatTarget,
  formatValue,
  platformLead,
  platformNote,
  SIMULATED_PLATFORM,
} from '../../analysis/format.js';
import { headline } from '../../analysis/headline.js';
import { selectPrevious } from '../../analysis/previous.js';
import { compareResults } from '../../analysis/summarize.js';
import { shortDate } from '../../charts/history.js';
import type { Block, Message } from '../../jobs/notifier.js';
import type { MetricDef, ProbeResult } from '../../results/schema.js';
import { CHANGE_RULE } from './summary.js';
import { type Column, context, escapeMrkdwn, fitMessage, header, section, tableBlocks } from './table.js';

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
export function renderHistory(service: string, results: readonly ProbeResult[]): Message {
  const ordered = [...results].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  const newest = ordered[0];
  const lead = newest ? headline(newest) : undefined;
  if (!newest || !lead) {
    const text = `No baseline of ${service} is stored yet: run \`/perf baseline ${service}\` first.`;
    return fitMessage(text, [header(`History: ${service}`), section(escapeMrkdwn(text))]);
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
  const blocks: Block[] = [
    header(`History: ${service}${platform.title}`),
    ...platform.blocks,
    ...tableBlocks(COLUMNS, rows, `*${escapeMrkdwn(metric.label)}* (median), ${target}`),
    context([
      `${ordered.length} baseline(s), newest first; each is compared with the newest older one of the same params and platform`,
      CHANGE_RULE,
    ]),
  ];
  return fitMessage(
    `history ${service}: ${platform.lead}${metric.label} ${formatValue(lead.summary.median, metric.unit)} on ${shortDate(newest.startedAt)}, ${ordered.length} baseline(s)`,
    blocks,
  );
}

/** A row's change against its like-for-like predecessor in the list (same params, same platform), if any. */
function changeText(result: ProbeResult, older: readonly ProbeResult[], metric: MetricDef): string {
  const { previous } = selectPrevious(result, older);
  const compared = previous ? compareResults(metric, result, previous) : undefined;
  return compared ? formatChange(compared.changePct, compared.change) : '—';
}

/** Where the baselines were measured: in the header and text when all on the simulated platform, else counted. */
function platformParts(results: readonly ProbeResult[]): { title: string; lead: string; blocks: Block[] } {
  const simulated = results.filter((r) => r.context.simulated).length;
  if (simulated === 0) return { title: '', lead: '', blocks: [] };
  const all = simulated === results.length;
  const note = `:warning: ${simulated} of ${results.length} baseline(s) measured on the ${SIMULATED_PLATFORM}, not a real cluster`;
  return { title: platformNote(all), lead: platformLead(all), blocks: [context([note])] };
}
