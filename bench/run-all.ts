/**
 * `npm run bench`: every benchmark in sequence, each in a process of its own (arguments such as
 * `--full` or `--seconds N` are passed on), then one table of all their figures, printed and written
 * as Markdown to `bench/results/summary.md` (what the README's Performance section shows).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMachine } from './lib/machine.js';
import { type BenchResult, markdownTable, RESULTS_DIR, textTable } from './lib/report.js';

const BENCHMARKS = ['ack', 'dispatch', 'orchestration', 'pg-latency', 'footprint', 'charts'] as const;

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const only = args.filter((a) => (BENCHMARKS as readonly string[]).includes(a));
const passOn = args.filter((a) => !only.includes(a));
const failed: string[] = [];
const started = performance.now();

for (const name of only.length > 0 ? only : BENCHMARKS) {
  process.stdout.write(`\n### ${name}\n`);
  const t0 = performance.now();
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(here, `${name}.ts`), ...passOn], {
    stdio: 'inherit',
  });
  process.stdout.write(`### ${name}: ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
  if (run.status !== 0) failed.push(name);
}

const results = BENCHMARKS.map((name) => join(RESULTS_DIR, `${name}.json`))
  .filter((file) => existsSync(file))
  .map((file) => JSON.parse(readFileSync(file, 'utf8')) as BenchResult);
const rows = results.flatMap((r) => r.rows);
const machines = [...new Set(results.map((r) => describeMachine(r.machine).replace(/, \d{4}-.*$/, '')))];
const dates = results.map((r) => r.machine.date).sort();
process.stdout.write(`\n== all benchmarks ==\n${textTable(rows)}\n`);
const summary = [
  `Measured on ${machines.join('; ')}, ${dates[0]?.slice(0, 10)} (${dates[0]?.slice(11, 16)}–${dates.at(-1)?.slice(11, 16)} UTC).`,
  '',
  markdownTable(rows),
  '',
  `1-minute load average as each benchmark ended: ${results.map((r) => `${r.name} ${r.machine.loadAvg1}`).join(', ')}.`,
  '',
].join('\n');
writeFileSync(join(RESULTS_DIR, 'summary.md'), summary);
process.stdout.write(
  `\nsummary written to ${join(RESULTS_DIR, 'summary.md')}; total ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
);
if (failed.length > 0) {
  process.stderr.write(`failed: ${failed.join(', ')}\n`);
  process.exitCode = 1;
}
