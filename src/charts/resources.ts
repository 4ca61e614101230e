import { formatNumber, platformNote } from '../analysis/format.js';
import type { ResourcesDetails } from '../probes/resources/schema.js';
import type { ChartSpec } from './port.js';
import {
  BAR_LABELS,
  bandHalfHeight,
  COLOR,
  capAltText,
  guideBand,
  HEADROOM,
  labelledPoints,
  slug,
  titleAndLegend,
  valueAxis,
} from './style.js';

/** Above this share of allocatable a node has little headroom left for a burst or a rescheduled pod. */
export const NODE_GUIDE_PCT = 80;
/** Nodes beyond this many are left out of the picture (the table lists the busiest). */
export const MAX_NODES = 20;

/**
 * Pure: nodes' CPU and memory as % of allocatable, grouped bars labelled with their figure, with an
 * 80% guide line. The details do not say where they were measured: `simulated` (the result's
 * `context.simulated`) puts it in the title; `id` (the result's) makes the file name its own.
 */
export function buildResourcesChart(details: ResourcesDetails, id: string, simulated?: boolean): ChartSpec {
  const nodes = [...details.nodes]
    .sort((a, b) => Math.max(b.cpuPct, b.memoryPct) - Math.max(a.cpuPct, a.memoryPct))
    .slice(0, MAX_NODES);
  const title = `Node usage, % of allocatable${platformNote(simulated)}`;
  const words = nodes.map((n) => `${n.name}: CPU ${pct(n.cpuPct)}, memory ${pct(n.memoryPct)}`);
  const over = nodes.filter((n) => n.cpuPct >= NODE_GUIDE_PCT || n.memoryPct >= NODE_GUIDE_PCT).length;
  const omitted = details.nodes.length - nodes.length;
  return {
    config: {
      type: 'bar',
      data: {
        labels: nodes.map((n) => n.name),
        datasets: [
          {
            type: 'bar',
            label: 'CPU %',
            data: percentPoints(
              nodes.map((n) => n.name),
              nodes.map((n) => n.cpuPct),
            ),
            backgroundColor: COLOR.median,
            datalabels: BAR_LABELS,
            order: 1,
          },
          {
            type: 'bar',
            label: 'memory %',
            data: percentPoints(
              nodes.map((n) => n.name),
              nodes.map((n) => n.memoryPct),
            ),
            backgroundColor: COLOR.memory,
            datalabels: BAR_LABELS,
            order: 1,
          },
          guideBand(
            `${NODE_GUIDE_PCT}% guide`,
            NODE_GUIDE_PCT,
            nodes.length,
            COLOR.guide,
            bandHalfHeight(100),
          ),
        ],
      },
      options: {
        plugins: titleAndLegend(title),
        scales: { y: valueAxis('% of allocatable', { suggestedMax: 100 * HEADROOM }) },
      },
    },
    title,
    altText: capAltText(
      `${title}, ${nodes.length} node(s), ${over} at or above the ${NODE_GUIDE_PCT}% guide: ${words.join('; ')}.` +
        (omitted > 0 ? ` ${omitted} quieter node(s) not shown.` : ''),
    ),
    filename: `resources-nodes-${slug(id)}.png`,
  };
}

function percentPoints(names: string[], values: number[]) {
  return labelledPoints(
    names,
    values.map(round1),
    values.map((v) => pct(round1(v))),
  );
}

function pct(value: number): string {
  return `${formatNumber(value)}%`;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
