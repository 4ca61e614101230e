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
import type { ProbeResult } from '../results/schema.js';
import { bold, type Column, type Doc, type DocBlock, icon, line } from './document.js';
import { CHANGE_RULE, ONE_RUN, STRADDLES, verdict } from './summary.js';

export interface OverviewRow {
  service: string;
  result?: ProbeResult;
  error?: string;
}

const COLUMNS: readonly Column[] = [
  { header: 'service' },
  { header: 'headline' },
  { header: 'median', align: 'right' },
  { header: 'target' },
  { header: 'met' },
  { header: 'vs last baseline' },
];

/** Pure: `baseline all` → one table across services (each one's headline), then what failed and why. */
export function buildOverview(rows: readonly OverviewRow[]): Doc {
  const measured = rows.filter((r): r is OverviewRow & { result: ProbeResult } => r.result !== undefined);
  const failed = rows.filter((r) => r.result === undefined);
  const leads = measured.map((r) => ({ service: r.service, lead: headline(r.result) }));
  const tableRows = leads.map(({ service, lead }) =>
    lead
      ? [
          service,
          lead.metric.label,
          formatValue(lead.summary.median, lead.metric.unit),
          formatTarget(lead.summary.target, lead.metric.unit),
          formatMet(lead.summary.met),
          formatComparison(lead.summary.comparison),
        ]
      : [service, 'no metrics', '—', '—', '—', '—'],
  );
  const met = leads.filter(({ lead }) => lead?.summary.met === true).length;
  const judged = leads.filter(({ lead }) => lead?.summary.target != null).length;
  const platform = platformParts(measured);
  const blocks: DocBlock[] = [
    { kind: 'heading', text: `Baseline: all services${platform.title}` },
    ...platform.blocks,
  ];
  if (tableRows.length > 0) {
    const title = line(bold('Each service’s headline metric'), ' (median)');
    blocks.push({ kind: 'table', title, columns: COLUMNS, rows: tableRows });
  }
  if (failed.length > 0)
    blocks.push({
      kind: 'list',
      title: line(icon('x'), ' ', bold(`Failed (${failed.length})`)),
      items: failed.map((r) => line(bold(r.service), `: ${r.error ?? 'no result'}`)),
    });
  const oneRun = leads.some(({ lead }) => lead && lead.summary.target !== null && lead.summary.n === 1);
  const straddles = leads.some(({ lead }) => lead && verdict(lead.summary) === STRADDLES);
  const changed = leads.some(({ lead }) => lead?.summary.comparison?.method === 'runs-apart');
  blocks.push({
    kind: 'note',
    parts: [
      line(oneRun ? `met: — where ${ONE_RUN}` : ''),
      line(straddles ? `met: — where ${STRADDLES}` : ''),
      line(changed ? CHANGE_RULE : ''),
      line(
        'each service’s full summary, with what differs from its last baseline, is in its own message in this thread',
      ),
    ],
  });
  const summaryText = leads
    .map(({ service, lead }) => `${service} ${lead ? verdict(lead.summary) : 'no metrics'}`)
    .concat(failed.map((r) => `${r.service} failed`))
    .join('; ');
  return {
    summary: line(
      `baseline all: ${platform.lead}${measured.length} of ${rows.length} service(s) measured, ${met} of ${judged} target(s) met (${summaryText})`,
    ),
    blocks,
  };
}

/** Where the services were measured: said in the header and text when all ran on the simulated platform, else named. */
function platformParts(measured: readonly { service: string; result: ProbeResult }[]): {
  title: string;
  lead: string;
  blocks: DocBlock[];
} {
  const simulated = measured.filter((r) => r.result.context.simulated).map((r) => r.service);
  if (simulated.length === 0) return { title: '', lead: '', blocks: [] };
  const all = simulated.length === measured.length;
  const note = line(
    icon('warning'),
    ` measured on the ${SIMULATED_PLATFORM}, not a real cluster: ${simulated.join(', ')}`,
  );
  return {
    title: platformNote(all),
    lead: all ? platformLead(true) : `${simulated.join(', ')} on the ${SIMULATED_PLATFORM}; `,
    blocks: [{ kind: 'note', parts: [note] }],
  };
}
