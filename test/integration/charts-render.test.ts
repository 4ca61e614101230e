import { createCanvas, loadImage } from '@napi-rs/canvas';
import { Chart } from 'chart.js';
import { describe, expect, it } from 'vitest';
import { headline } from '../../src/analysis/headline.js';
import { buildHistoryChart } from '../../src/charts/history.js';
import { buildOverviewChart } from '../../src/charts/overview.js';
import type { ChartSpec, RenderedChart } from '../../src/charts/port.js';
import { createChartRenderer, createPngRenderer, createQuickChartRenderer } from '../../src/charts/render.js';
import { buildResourcesChart } from '../../src/charts/resources.js';
import { PlatformConfigSchema } from '../../src/config/platform.js';
import { chartsOf } from '../../src/domain/charts.js';
import { kafkaResult, resourcesDetails, trinoResult } from '../unit/charts/results.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function png(rendered: RenderedChart): Uint8Array {
  if (rendered.kind !== 'png') throw new Error(`expected a PNG, got ${rendered.kind}`);
  return rendered.png;
}

/** Width and height from the IHDR chunk, which PNG requires first: length, "IHDR", width, height (big-endian). */
function ihdr(bytes: Uint8Array): { width: number; height: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  expect(new TextDecoder().decode(bytes.slice(12, 16))).toBe('IHDR');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

async function pixel(bytes: Uint8Array, x: number, y: number): Promise<number[]> {
  const image = await loadImage(Buffer.from(bytes));
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  return [...ctx.getImageData(x, y, 1, 1).data];
}

const [kafkaThroughput] = chartsOf(kafkaResult({ previous: true }));
if (!kafkaThroughput) throw new Error('fixture gives no chart');

describe('createPngRenderer', () => {
  const renderer = createPngRenderer();

  it('renders a config to a PNG of the asked size on a white background', async () => {
    const bytes = png(await renderer.render(kafkaThroughput.config, { width: 800, height: 400 }));
    expect([...bytes.slice(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(ihdr(bytes)).toEqual({ width: 800, height: 400 });
    expect(await pixel(bytes, 0, 0)).toEqual([255, 255, 255, 255]);
    expect(await pixel(bytes, 799, 399)).toEqual([255, 255, 255, 255]);
  });

  it('draws something: the picture is not all white', async () => {
    const bytes = png(await renderer.render(kafkaThroughput.config, { width: 400, height: 200 }));
    const image = await loadImage(Buffer.from(bytes));
    const canvas = createCanvas(image.width, image.height);
    const ctx = canvas.getContext('2d');
    ctx.drawImage(image, 0, 0);
    const data = ctx.getImageData(0, 0, image.width, image.height).data;
    let coloured = 0;
    for (let i = 0; i < data.length; i += 4)
      if (data[i] !== 255 || data[i + 1] !== 255 || data[i + 2] !== 255) coloured++;
    expect(coloured).toBeGreaterThan(1000);
  });

  it('renders every chart perfbot builds, and destroys each chart afterwards', async () => {
    const lead = (r: ReturnType<typeof kafkaResult>) => {
      const h = headline(r);
      if (!h) throw new Error('no headline');
      return { service: r.service, ...h };
    };
    const specs: ChartSpec[] = [
      ...chartsOf(kafkaResult({ previous: true })),
      ...chartsOf(trinoResult({ previous: true })),
      buildResourcesChart(resourcesDetails, 'res-1'),
      buildOverviewChart([lead(kafkaResult()), lead(trinoResult())], 'job-1'),
    ];
    const history = buildHistoryChart([kafkaResult(), kafkaResult({ previous: true })]);
    if (history) specs.push(history);
    for (const spec of specs) {
      const bytes = png(await renderer.render(spec.config, { width: 640, height: 320 }));
      expect(ihdr(bytes)).toEqual({ width: 640, height: 320 });
    }
    expect(Object.keys(Chart.instances)).toHaveLength(0);
  });

  it('leaves the pure config untouched (Chart.js mutates what it is given)', async () => {
    const before = JSON.stringify(kafkaThroughput.config);
    await renderer.render(kafkaThroughput.config, { width: 300, height: 200 });
    expect(JSON.stringify(kafkaThroughput.config)).toBe(before);
  });
});

describe('createQuickChartRenderer', () => {
  it('builds a URL on the self-hosted host carrying the encoded config, without a network call', async () => {
    const renderer = createQuickChartRenderer({ host: 'quickchart.perf.internal:3400', scheme: 'http' });
    const rendered = await renderer.render(kafkaThroughput.config, { width: 800, height: 400 });
    if (rendered.kind !== 'url') throw new Error('expected a URL');
    const url = new URL(rendered.url);
    expect(url.origin).toBe('http://quickchart.perf.internal:3400');
    expect(url.pathname).toBe('/chart');
    expect(rendered.url).toContain(
      new URLSearchParams({ c: JSON.stringify(kafkaThroughput.config) }).toString(),
    );
    expect(JSON.parse(url.searchParams.get('c') ?? '')).toEqual(kafkaThroughput.config);
    expect(Object.fromEntries([...url.searchParams].filter(([k]) => k !== 'c'))).toMatchObject({
      w: '800',
      h: '400',
      bkg: 'white',
      f: 'png',
      v: '4',
    });
  });
});

describe('createChartRenderer', () => {
  it('picks the renderer from charts.mode', async () => {
    const config = PlatformConfigSchema.parse({});
    const local = await createChartRenderer(config.charts).render(kafkaThroughput.config, {
      width: 200,
      height: 150,
    });
    expect(local.kind).toBe('png');
    const linked = await createChartRenderer({
      ...config.charts,
      mode: 'quickchart',
      quickchartHost: 'charts.example.test',
    }).render(kafkaThroughput.config, { width: 200, height: 150 });
    expect(linked.kind === 'url' && linked.url.startsWith('https://charts.example.test/chart?')).toBe(true);
  });

  it('falls back to a PNG when the QuickChart link would be longer than a Slack image block allows', async () => {
    const config = PlatformConfigSchema.parse({
      charts: { mode: 'quickchart', quickchartHost: 'charts.example.test' },
    });
    const labels = Array.from({ length: 120 }, (_, i) => `a rather long metric label number ${i}`);
    const big = { type: 'bar', data: { labels, datasets: [{ label: 'm', data: labels.map((_, i) => i) }] } };
    const rendered = await createChartRenderer(config.charts).render(big, { width: 200, height: 150 });
    expect(rendered.kind).toBe('png');
  });

  it('refuses quickchart mode without a self-hosted host (the public service would get the figures)', () => {
    expect(PlatformConfigSchema.safeParse({ charts: { mode: 'quickchart' } }).success).toBe(false);
  });
});
