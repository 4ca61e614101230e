import type { Chart, Element, Plugin } from 'chart.js';

/** What a dataset asks for (`BAR_LABELS` in `style.ts`); the shape of chartjs-plugin-datalabels' option. */
interface LabelOptions {
  display?: boolean;
  color?: string;
  font?: { size?: number; weight?: string };
}

/** A point as `labelledPoints` builds it: its text, and the highest mark of its category. */
type LabelledPoint = { label?: unknown; labelAt?: unknown } | null | undefined;

/** How far above its bar a mark may be for the label to go over it (about a label's height and a half). */
const LIFT_PX = 24;

/**
 * Draws each point's `label` above its bar or point, for the datasets whose `datalabels.display` is
 * true: the subset of chartjs-plugin-datalabels that perfbot's configs use, so that the same config
 * shows its values on QuickChart (which bundles that plugin) and here. The plugin itself is not used
 * in-process: its CommonJS build loads a second Chart.js, whose elements it then fails to recognise.
 */
export const valueLabels: Plugin = {
  id: 'perfbot-value-labels',
  afterDatasetsDraw(chart: Chart) {
    const { ctx, chartArea } = chart;
    chart.data.datasets.forEach((dataset, index) => {
      const options = (dataset as { datalabels?: LabelOptions }).datalabels;
      if (options?.display !== true || !chart.isDatasetVisible(index)) return;
      const size = options.font?.size ?? 11;
      ctx.save();
      ctx.fillStyle = options.color ?? '#222222';
      ctx.font = `${options.font?.weight ?? 'bold'} ${size}px sans-serif`;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'bottom';
      chart.getDatasetMeta(index).data.forEach((element, at) => {
        const point = dataset.data[at] as LabelledPoint;
        if (typeof point?.label !== 'string' || point.label === '') return;
        const place = labelPlace(chart, element, point);
        if (place) ctx.fillText(point.label, place.x, Math.max(place.y, chartArea.top + size + 2));
      });
      ctx.restore();
    });
  },
};

/**
 * Where a label's baseline goes: above its bar, or over a mark just above the bar (a run, a target
 * it nearly reaches: `labelAt`) rather than under it. A mark far above leaves the label on its bar,
 * where it is read as the bar's. A bar without a value (no data) has its label at the axis' base.
 */
function labelPlace(
  chart: Chart,
  element: Element,
  point: LabelledPoint,
): { x: number; y: number } | undefined {
  const { x, y } = element.getProps(['x', 'y'], true) as { x: number; y: number };
  if (!Number.isFinite(x)) return undefined;
  const base = Number.isFinite(y) ? y : chart.chartArea.bottom;
  const at = point?.labelAt;
  const mark = typeof at === 'number' ? chart.scales.y?.getPixelForValue(at) : undefined;
  const lift = mark !== undefined && Number.isFinite(mark) && mark < base && base - mark <= LIFT_PX;
  return { x, y: (lift ? mark : base) - 4 };
}
