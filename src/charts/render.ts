import { createCanvas } from '@napi-rs/canvas';
import { Chart, type ChartConfiguration, type Plugin, registerables } from 'chart.js';
import QuickChartImport from 'quickchart-js';
import type { PlatformConfig } from '../config/platform.js';
import type { ChartConfig, ChartRenderer } from './port.js';
import { valueLabels } from './value-labels.js';

// The package's types describe its CommonJS build (`module.exports.default`); Node's ESM import gets the class.
const QuickChart = ((QuickChartImport as unknown as { default?: unknown }).default ??
  QuickChartImport) as unknown as typeof QuickChartImport.default;

// Chart.js's tree-shaken build draws nothing until its controllers, elements and scales are registered.
Chart.register(...registerables);

/** Chart.js paints on a transparent canvas; Slack's dark theme would hide black text on it. */
const whiteBackground: Plugin = {
  id: 'perfbot-white-background',
  beforeDraw(chart) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = 'white';
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

/** A copy of the pure config with what a one-shot server-side render needs (no animation, fixed size). */
function serverConfig(config: ChartConfig): ChartConfiguration {
  const copy = structuredClone(config);
  return {
    ...copy,
    options: {
      ...copy.options,
      animation: false,
      responsive: false,
      maintainAspectRatio: false,
      devicePixelRatio: 1,
    },
    // Value labels: each config turns them on per dataset (`datalabels.display`).
    plugins: [whiteBackground, valueLabels],
  } as unknown as ChartConfiguration;
}

/** Renders in-process: Chart.js on `@napi-rs/canvas`, PNG bytes on a white background. */
export function createPngRenderer(): ChartRenderer {
  return {
    async render(config, size) {
      const canvas = createCanvas(size.width, size.height);
      // Chart.js only calls getContext('2d') and reads width/height, which the napi canvas provides.
      const chart = new Chart(
        canvas as unknown as ConstructorParameters<typeof Chart>[0],
        serverConfig(config),
      );
      try {
        const png = await canvas.encode('png');
        return { kind: 'png', png: new Uint8Array(png.buffer, png.byteOffset, png.byteLength) };
      } finally {
        chart.destroy();
      }
    },
  };
}

export interface QuickChartOptions {
  host: string;
  scheme: 'http' | 'https';
}

/**
 * A link to a QuickChart server: no network call here, the Slack client fetches the picture. Point it
 * at a self-hosted server: the public one would receive the cluster's figures.
 */
export function createQuickChartRenderer(options: QuickChartOptions): ChartRenderer {
  return {
    async render(config, size) {
      const chart = new QuickChart()
        .setHost(options.host)
        .setScheme(options.scheme)
        // The client defaults to Chart.js 2; perfbot's configs are Chart.js 4.
        .setVersion('4')
        .setConfig(JSON.stringify(config))
        .setWidth(size.width)
        .setHeight(size.height)
        .setBackgroundColor('white');
      return { kind: 'url', url: chart.getUrl() };
    },
  };
}

/** Slack refuses an image block whose `image_url` is longer than this (invalid_blocks). */
export const SLACK_IMAGE_URL_MAX = 3000;

/**
 * `charts.mode` in perfbot.yaml picks the renderer. A QuickChart link too long for Slack's image
 * block (a chart with many bars) falls back to a PNG rendered here, rather than failing the post.
 */
export function createChartRenderer(charts: PlatformConfig['charts']): ChartRenderer {
  const png = createPngRenderer();
  if (charts.mode !== 'quickchart' || charts.quickchartHost === undefined) return png;
  const quickchart = createQuickChartRenderer({
    host: charts.quickchartHost,
    scheme: charts.quickchartScheme,
  });
  return {
    async render(config, size) {
      const rendered = await quickchart.render(config, size);
      return rendered.kind === 'url' && rendered.url.length > SLACK_IMAGE_URL_MAX
        ? png.render(config, size)
        : rendered;
    },
  };
}
