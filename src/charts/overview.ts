import {
  formatNumber,
  formatTarget,
  formatValue,
  platformNote,
  SIMULATED_PLATFORM,
} from '../analysis/format.js';
import type { MetricDef, MetricSummary } from '../results/schema.js';
import type { ChartSpec } from './port.js';
import { bandHalfHeight, COLOR, capAltText, guideBand, titleAndLegend, valueAxis } from './style.js';

export interface OverviewEntry {
  service: string;
  metric: MetricDef;
  summary: MetricSummary;
  /** The result's `context.simulated`: measured on perfbot's simulated platform. */
  simulated?: boolean | undefined;
}

/**
 * Pure: each service's headline median as a percentage of its target value, coloured by verdict,
 * with the 100% line. For a `≤` target below 100% is good, for a `≥` target above it: the colour
 * says which, and the alt text says it in words. Services without a target or data are named, not drawn.
 */
export function buildOverviewChart(entries: readonly OverviewEntry[]): ChartSpec {
  const drawn = entries.filter(
    (e) => e.summary.target !== null && e.summary.target.value !== 0 && e.summary.median !== null,
  );
  const skipped = entries.filter((e) => !drawn.includes(e));
  const title = `Baselines against targets (% of target)${simulatedNote(entries)}`;
  const mixed = entries.some((e) => e.simulated) && entries.some((e) => !e.simulated);
  const values = drawn.map((e) => ratio(e));
  const words = drawn.map((e, i) => {
    const verdict = e.summary.met === null ? 'inconclusive' : e.summary.met ? 'met' : 'missed';
    const where = mixed && e.simulated ? ` (${SIMULATED_PLATFORM})` : '';
    return `${e.service}${where} ${e.metric.label}: ${formatValue(e.summary.median, e.metric.unit)}, ${formatNumber(values[i] ?? 0)}% of target ${formatTarget(e.summary.target, e.metric.unit)} (${verdict})`;
  });
  const notDrawn = skipped.map((e) => `${e.service}: ${e.summary.median === null ? 'no data' : 'no target'}`);
  return {
    config: {
      type: 'bar',
      data: {
        labels: drawn.map((e) => `${e.service}: ${e.metric.label}`),
        datasets: [
          {
            type: 'bar',
            label: '% of target',
            data: values,
            backgroundColor: drawn.map((e) =>
              e.summary.met === null ? COLOR.inconclusive : e.summary.met ? COLOR.met : COLOR.missed,
            ),
            order: 1,
          },
          guideBand(
            'target (100%)',
            100,
            drawn.length,
            COLOR.target,
            bandHalfHeight(Math.max(100, ...values)),
          ),
        ],
      },
      options: {
        plugins: titleAndLegend(title),
        scales: { y: valueAxis('% of target') },
      },
    },
    title,
    altText: capAltText(
      `${title}: ${words.join('; ') || 'nothing to draw'}.${notDrawn.length > 0 ? ` Not drawn: ${notDrawn.join('; ')}.` : ''}`,
    ),
    filename: 'overview.png',
  };
}

/** ` (simulated platform)` when every entry was, ` (partly on the simulated platform)` when some were. */
function simulatedNote(entries: readonly OverviewEntry[]): string {
  const count = entries.filter((e) => e.simulated).length;
  if (count === 0 || count === entries.length) return platformNote(count > 0);
  return ` (partly on the ${SIMULATED_PLATFORM})`;
}

function ratio(entry: OverviewEntry): number {
  const target = entry.summary.target?.value ?? 1;
  return Math.round(((entry.summary.median ?? 0) / target) * 1000) / 10;
}
