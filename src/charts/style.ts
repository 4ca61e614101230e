/** Shared look of perfbot's charts: colours readable on white, and the helpers every chart uses. */
export const COLOR = {
  median: '#4e79a7',
  memory: '#f28e2b',
  run: 'rgba(40, 40, 40, 0.75)',
  target: '#d62728',
  previous: '#555555',
  met: '#59a14f',
  missed: '#e15759',
  /** Neither met nor missed: too few runs to say. */
  inconclusive: '#bab0ac',
  guide: '#d62728',
} as const;

/** Slack's `alt_txt` is capped near 1,000 characters; a cut says so rather than ending mid-number. */
export const ALT_TEXT_MAX = 1000;

export function capAltText(text: string): string {
  if (text.length <= ALT_TEXT_MAX) return text;
  return `${text.slice(0, ALT_TEXT_MAX - 12).replace(/[;,]?\s*\S*$/, '')} … (cut)`;
}

/** What a unit measures, for a chart's title: `throughput (records/s)`, `time (ms)`, `size (bytes)`. */
export function unitTitle(unit: string): string {
  if (unit === '') return 'counts';
  if (/\/s$|^tps$|per.?sec/i.test(unit)) return `throughput (${unit})`;
  if (/^(ns|us|µs|ms|s|min)$/.test(unit)) return `time (${unit})`;
  if (/^(B|bytes?|KiB|MiB|GiB)$/.test(unit)) return `size (${unit})`;
  return unit;
}

/** `records/s` → `records-per-s`: a file name part that keeps units apart. */
export function slug(text: string): string {
  const cleaned = text
    .replace(/\//g, '-per-')
    .replace(/%/g, 'pct')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase();
  return cleaned === '' ? 'count' : cleaned;
}

/**
 * A title plugin block and a bottom legend: every chart names itself inside the picture too. Value
 * labels are off unless a dataset asks for them (`BAR_LABELS`).
 */
export function titleAndLegend(title: string): Record<string, unknown> {
  return {
    title: { display: true, text: title, font: { size: 16 } },
    legend: { display: true, position: 'bottom' },
    datalabels: { display: false },
  };
}

/**
 * A dataset's value labels, in chartjs-plugin-datalabels' option shape: QuickChart bundles that
 * plugin, the PNG renderer draws the same with its own (`value-labels.ts`). Each point's `label`
 * field is its text, above the bar (or the point).
 */
export const BAR_LABELS = { display: true, anchor: 'end', align: 'end' } as const;

/**
 * Points that carry their text, and where to put it when above the bar (`labelAt`: the highest mark
 * of the category, so that the label clears the runs and the target); kept short, as the config may
 * travel in a QuickChart URL: `{ x: 'Producer throughput', y: 86000, label: '86,000', labelAt: 100000 }`.
 */
export function labelledPoints(
  categories: readonly string[],
  values: readonly (number | null)[],
  texts: readonly string[],
  tops: readonly (number | null)[] = values,
): { x: string; y: number | null; label: string; labelAt?: number }[] {
  return categories.map((x, i) => {
    const y = values[i] ?? null;
    const top = tops[i] ?? null;
    return { x, y, label: texts[i] ?? '', ...(top !== null && top !== y ? { labelAt: top } : {}) };
  });
}

/**
 * Room above the tallest thing drawn (bar, run, target, previous baseline) for it and its label:
 * a target the bar reaches would otherwise sit on the plot's top edge, where it cannot be seen.
 */
export const HEADROOM = 1.15;

/** The value axis' `suggestedMax`: `HEADROOM` × the largest value drawn; undefined when nothing is. */
export function headroomMax(values: readonly (number | null | undefined)[]): number | undefined {
  const finite = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (finite.length === 0) return undefined;
  const top = Math.max(...finite);
  return top > 0 ? top * HEADROOM : undefined;
}

/** Value axis starting at zero, titled with its unit. */
export function valueAxis(unit: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { beginAtZero: true, title: { display: unit !== '', text: unit }, ...extra };
}

/** A horizontal mark on each category (target or previous baseline) without a plugin: a point styled as a line. */
export function markerDataset(
  label: string,
  data: (number | null)[],
  color: string,
  pointStyle: 'line' | 'rectRot',
): Record<string, unknown> {
  return {
    type: 'line',
    label,
    data,
    showLine: false,
    pointStyle,
    pointRadius: pointStyle === 'line' ? 18 : 6,
    pointHoverRadius: pointStyle === 'line' ? 18 : 6,
    borderWidth: 3,
    borderColor: color,
    backgroundColor: color,
    order: 0,
  };
}

/**
 * A horizontal guide across the whole plot of a bar chart, with no plugin: a thin floating bar on every
 * category at full category width (`grouped: false` so that it takes no slot beside the real bars).
 * A line dataset would only join the categories' centres, and a second x axis makes Chart.js 4.6
 * halve every bar. `halfHeight` is in the value axis's unit.
 */
export function guideBand(
  label: string,
  value: number,
  count: number,
  color: string,
  halfHeight: number,
): Record<string, unknown> {
  return {
    type: 'bar',
    label,
    data: Array.from({ length: count }, () => [value - halfHeight, value + halfHeight]),
    grouped: false,
    barPercentage: 1,
    categoryPercentage: 1,
    backgroundColor: color,
    borderWidth: 0,
    order: 0,
  };
}

/** A constant line over a line chart's labels (its x axis has no offset, so it spans the plot). */
export function constantLine(
  label: string,
  value: number,
  count: number,
  color: string,
): Record<string, unknown> {
  return {
    type: 'line',
    label,
    data: Array.from({ length: count }, () => value),
    borderColor: color,
    backgroundColor: 'rgba(0, 0, 0, 0)',
    borderWidth: 2,
    borderDash: [6, 4],
    // A single point has no line: show it as a short horizontal mark instead.
    pointStyle: 'line',
    pointRadius: count === 1 ? 18 : 0,
    pointHoverRadius: count === 1 ? 18 : 0,
    fill: false,
    order: 0,
  };
}

/** Half the height of a guide band: about 1.5 px on a 300 px plot whose axis goes up to `top`. */
export function bandHalfHeight(top: number): number {
  return Math.max(top, 1) * 0.0025;
}
