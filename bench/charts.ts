/**
 * Benchmark 6: charts. Time to render one chart to PNG with perfbot's renderer (`createPngRenderer`:
 * Chart.js on @napi-rs/canvas) and the PNG's size, for a realistic baseline result: `baseline kafka`
 * measured by the real probe on the simulated platform. The floor is Chart.js drawing the same
 * config on the same canvas and encoding it, without perfbot's wrapper; iterations alternate.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import { Chart, type ChartConfiguration } from 'chart.js';
import type { ChartConfig } from '../src/charts/port.js';
import { createPngRenderer } from '../src/charts/render.js';
import { chartsOf } from '../src/domain/charts.js';
import { buildJobDeps } from '../src/job-deps.js';
import { measure } from '../src/jobs/run-probe.js';
import { createKubeClient } from '../src/kube/client.js';
import type { ProbeResult } from '../src/results/schema.js';
import { startSimulatedPlatform } from '../src/sim/platform.js';
import { createFileStore } from '../src/store/file-store.js';
import { benchOptions, envNumber } from './lib/options.js';
import { benchConfig, discardLogger } from './lib/perfbot.js';
import { noopNotifier } from './lib/queue.js';
import { report, row } from './lib/report.js';
import { nowMs, spread } from './lib/stats.js';

const NAME = 'charts';
const WARMUP = 20;

/** A `baseline kafka` result as a worker would store it, from the simulated platform. */
async function kafkaResult(): Promise<ProbeResult> {
  const platform = await startSimulatedPlatform({ speed: 0, seed: 7 });
  const dir = await mkdtemp(join(tmpdir(), 'perfbot-bench-charts-'));
  try {
    const base = benchConfig({
      prefix: 'unused',
      slackApiUrl: 'http://127.0.0.1:9/',
      botToken: 'xoxb-bench',
      signingSecret: 'x',
    });
    const config = { ...base, platform: platform.overlay(base.platform) };
    const kube = createKubeClient({ kubeConfigYaml: platform.kubeconfig });
    const store = createFileStore(dir, 10);
    const deps = await buildJobDeps({
      config,
      kube,
      store,
      notifier: noopNotifier,
      log: discardLogger(),
      simulated: true,
    });
    const ctx = {
      jobId: 'bench-charts',
      attempt: 1,
      signal: new AbortController().signal,
      progress: () => undefined,
    };
    return await measure(deps.probes.kafka, {}, deps, ctx);
  } finally {
    await platform.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The floor: Chart.js straight onto a napi canvas, encoded to PNG. */
async function bareRender(config: ChartConfig, width: number, height: number): Promise<Uint8Array> {
  const canvas = createCanvas(width, height);
  const options = { ...config.options, animation: false, responsive: false, devicePixelRatio: 1 };
  const chart = new Chart(
    canvas as unknown as ConstructorParameters<typeof Chart>[0],
    { ...config, options } as unknown as ChartConfiguration,
  );
  try {
    return await canvas.encode('png');
  } finally {
    chart.destroy();
  }
}

async function main(): Promise<void> {
  const options = benchOptions(process.argv.slice(2));
  const iterations = envNumber('BENCH_CHART_ITERATIONS', options.full ? 1000 : 200);
  const result = await kafkaResult();
  const specs = chartsOf(result);
  const spec = specs[0];
  if (!spec) throw new Error('the baseline result gave no chart');
  const size = { width: 800, height: 400 };
  const renderer = createPngRenderer();
  const times = { perfbot: [] as number[], bare: [] as number[] };
  let pngBytes = 0;
  let bareBytes = 0;
  for (let i = 0; i < WARMUP + iterations; i++) {
    const t0 = nowMs();
    const out = await renderer.render(spec.config, size);
    const t1 = nowMs();
    const bare = await bareRender(spec.config, size.width, size.height);
    const t2 = nowMs();
    if (out.kind !== 'png') throw new Error('the PNG renderer returned a URL');
    pngBytes = out.png.byteLength;
    bareBytes = bare.byteLength;
    if (i < WARMUP) continue;
    times.perfbot.push(t1 - t0);
    times.bare.push(t2 - t1);
  }
  const p = spread(times.perfbot);
  const b = spread(times.bare);
  report({
    name: NAME,
    settings: { iterations, warmup: WARMUP, size, chart: spec.filename, full: options.full },
    notes: [
      `${iterations} renders of "${spec.title}" (${spec.filename}, ${size.width}×${size.height}) after ${WARMUP} warm-up, alternating with the floor${options.full ? '' : ' (`--full` or BENCH_CHART_ITERATIONS: 1000)'}.`,
      `From a simulated \`baseline kafka\` result (${result.runs.length} runs); this result gives ${specs.length} chart(s).`,
    ],
    rows: [
      row(NAME, { figure: 'render to PNG, median', unit: 'ms', perfbot: p.p50, floor: b.p50 }),
      row(NAME, { figure: 'render to PNG, p99', unit: 'ms', perfbot: p.p99, floor: b.p99 }),
      row(NAME, { figure: 'PNG size', unit: 'KiB', perfbot: pngBytes / 1024, floor: bareBytes / 1024 }),
    ],
    details: { perfbot: p, bare: b, pngBytes, bareBytes },
  });
}

await main();
