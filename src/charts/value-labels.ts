import type { Chart, Plugin } from 'chart.js';

/** What a dataset asks for (`BAR_LABELS` in `style.ts`); the shape of chartjs-plugin-datalabels' option. */
interface LabelOptions {
  display?: boolean;
  color?: string;
  font?: { size?: number; weight?: string };
}

/**
 * Draws each point's `label` above its bar or point, for the datasets whose `datalabels.display` is
 * true: the subset of chartjs-plugin-datalabels that perfbot's configs use, so that the same config
 * shows its values on QuickChart (which bundles that plugin) and here. The plugin itself is not used
 * in-process: its CommonJS build loads a second Chart.js, whose elements it then fails to recognise.
 * A point's `labelAt` (a value on the y axis: the highest mark of its category, run or target) lifts
 * the label clear of them; a point without a value (no data) gets its label at the axis' base.
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
        const point = dataset.data[at] as { label?: unknown; labelAt?: unknown } | null | undefined;
        if (typeof point?.label !== 'string' || point.label === '') return;
        const { x, y } = element.getProps(['x', 'y'], true) as { x: number; y: number };
        if (!Number.isFinite(x)) return;
        const lifted =
          typeof point.labelAt === 'number' ? chart.scales.y?.getPixelForValue(point.labelAt) : y;
        const anchor = Math.min(Number.isFinite(y) ? y : chartArea.bottom, lifted ?? y);
        const top = (Number.isFinite(anchor) ? anchor : chartArea.bottom) - 4;
        ctx.fillText(point.label, x, Math.max(top, chartArea.top + size + 2));
      });
      ctx.restore();
    });
  },
};
