import { formatBytes, formatNumber } from '../analysis/format.js';
import {
  type NodeRow,
  type PodRow,
  type ResourcesDetails,
  ResourcesDetailsSchema,
} from '../probes/resources/schema.js';
import type { ProbeResult } from '../results/schema.js';
import { bold, type Column, type DocBlock, italic, type Line, line } from './document.js';

const NODE_COLUMNS: readonly Column[] = [
  { header: 'node' },
  { header: 'CPU cores', align: 'right' },
  { header: 'CPU %', align: 'right' },
  { header: 'memory', align: 'right' },
  { header: 'mem %', align: 'right' },
];

const POD_COLUMNS: readonly Column[] = [
  { header: 'pod' },
  { header: 'container' },
  { header: 'cores / limit', align: 'right' },
  { header: 'CPU %', align: 'right' },
  { header: 'memory / limit', align: 'right' },
  { header: 'mem %', align: 'right' },
];

const VOLUME_COLUMNS: readonly Column[] = [
  { header: 'volume' },
  { header: 'pod' },
  { header: 'path' },
  { header: 'used / size', align: 'right' },
  { header: 'used %', align: 'right' },
];

/**
 * Pure: the `resources` detail as tables: the busiest nodes (by CPU, and by memory when there are more
 * nodes than shown), the pods closest to their limits, how many pods set no limit, and volume usage.
 */
export function buildResources(details: ResourcesDetails, top = 5): DocBlock[] {
  const byCpu = [...details.nodes].sort((a, b) => b.cpuPct - a.cpuPct);
  const blocks: DocBlock[] = [];
  if (details.nodes.length === 0)
    blocks.push(paragraph(line(italic('No node metrics (is metrics-server installed?).'))));
  else if (details.nodes.length <= top)
    blocks.push(nodeTable(byCpu, line(bold('Nodes'), ', by CPU (% of allocatable)')));
  else {
    const byMemory = [...details.nodes].sort((a, b) => b.memoryPct - a.memoryPct);
    const of = ` of ${details.nodes.length}`;
    blocks.push(nodeTable(byCpu.slice(0, top), line(bold(`Top ${top} nodes by CPU`), of)));
    blocks.push(nodeTable(byMemory.slice(0, top), line(bold(`Top ${top} nodes by memory`), of)));
  }
  blocks.push(...podTable(details, top));
  if (details.volumes.length > 0) {
    const rows = details.volumes.map((v) => [
      v.name,
      v.pod,
      v.path,
      `${formatBytes(v.usedBytes)} / ${formatBytes(v.sizeBytes)}`,
      pct(v.usedPct),
    ]);
    blocks.push({ kind: 'table', title: line(bold('Volumes')), columns: VOLUME_COLUMNS, rows });
  }
  return blocks;
}

const paragraph = (...lines: Line[]): DocBlock => ({ kind: 'paragraph', lines });

function nodeTable(nodes: readonly NodeRow[], title: Line): DocBlock {
  const rows = nodes.map((n) => [
    n.name,
    cores(n.cpuMilli),
    pct(n.cpuPct),
    formatBytes(n.memoryBytes),
    pct(n.memoryPct),
  ]);
  return { kind: 'table', title, columns: NODE_COLUMNS, rows };
}

function podTable(details: ResourcesDetails, top: number): DocBlock[] {
  const noLimits =
    details.podsWithoutLimits > 0
      ? `${details.podsWithoutLimits} pod(s) set no limit and cannot be ranked: they can take a node's headroom unnoticed.`
      : '';
  const ranked = details.pods.slice(0, top);
  if (ranked.length === 0)
    return [
      paragraph(
        line(bold('Pods near their limits'), ': none with limits measured.'),
        ...(noLimits ? [line(noLimits)] : []),
      ),
    ];
  const rows = ranked.map((p: PodRow) => [
    `${p.namespace}/${p.pod}`,
    p.container,
    `${cores(p.cpuMilli)} / ${p.cpuLimitMilli === null ? 'none' : cores(p.cpuLimitMilli)}`,
    p.cpuPctOfLimit === null ? '—' : pct(p.cpuPctOfLimit),
    `${formatBytes(p.memoryBytes)} / ${p.memoryLimitBytes === null ? 'none' : formatBytes(p.memoryLimitBytes)}`,
    p.memoryPctOfLimit === null ? '—' : pct(p.memoryPctOfLimit),
  ]);
  const title = line(bold('Pods closest to their limits'), ` (top ${ranked.length})`);
  return [
    { kind: 'table', title, columns: POD_COLUMNS, rows },
    ...(noLimits ? [paragraph(line(noLimits))] : []),
  ];
}

/** Millicores as cores: `250m` reads as `0.25`, `3500m` as `3.5`. */
function cores(milli: number): string {
  return formatNumber(milli / 1000);
}

function pct(value: number): string {
  return `${formatNumber(value)}%`;
}

/** The resources result's own tables, after the summary's metrics: nodes, pods and volumes from its details. */
export function buildResourcesTables(result: ProbeResult): DocBlock[] {
  const details = ResourcesDetailsSchema.safeParse(result.details);
  if (!details.success)
    return [
      { kind: 'paragraph', lines: [line(italic('No node or pod detail was recorded with this result.'))] },
    ];
  return buildResources(details.data);
}
