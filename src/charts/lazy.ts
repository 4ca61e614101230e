import type { PlatformConfig } from '../config/platform.js';
import type { ChartRenderer } from './port.js';

/**
 * The chart renderer, loaded when the first chart is drawn: Chart.js and the canvas binary cost a
 * process tens of MiB, and a worker that runs no baseline (or the bot, which never draws) need not pay.
 */
export function createLazyChartRenderer(config: PlatformConfig['charts']): ChartRenderer {
  let loaded: Promise<ChartRenderer> | undefined;
  return {
    async render(chart, size) {
      loaded ??= import('./render.js').then((m) => m.createChartRenderer(config));
      return (await loaded).render(chart, size);
    },
  };
}
