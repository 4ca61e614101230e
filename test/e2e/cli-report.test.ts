import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { splitCliFlags } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/load.js';
import { createRedisStore } from '../../src/store/redis-store.js';
import { connectTestRedis, dropPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.js';

// `perfbot report --sandbox --out FILE` after a baseline in the sandbox: the CLI's own entry
// (`runCli`), the sandbox's store, the report written to disk with its chart beside it.
const prefix = uniquePrefix('clirep');
const redis = connectTestRedis();
const dirs: string[] = [];

afterAll(async () => {
  await dropPrefix(redis, `${prefix}-sandbox`);
  await redis.quit();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const config = () =>
  loadConfig(
    { REDIS_URL, PERFBOT_REDIS_PREFIX: prefix, LOG_LEVEL: 'silent', PERFBOT_CONFIG: '/p.yaml' },
    { readFile: () => JSON.stringify({ services: { resources: { intervalSeconds: 0 } } }) },
  );

function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out, err };
}

describe('perfbot report', () => {
  it('writes the report of the sandbox store to --out, its chart beside it, and prints its path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'perfbot-report-'));
    dirs.push(dir);
    const base = captureIo();
    const args = ['baseline', 'resources', '--sandbox', '--charts', join(dir, 'charts')];
    expect(await runCli(splitCliFlags(args), config(), base.io)).toBe(0);
    const store = createRedisStore({ redis, prefix: `${prefix}-sandbox`, keepResults: 10 });
    const measured = await store.results.latest('resources');
    if (!measured) throw new Error('the baseline stored nothing');

    const file = join(dir, 'out', 'x.md');
    const run = captureIo();
    const code = await runCli(splitCliFlags(['report', '--sandbox', '--out', file]), config(), run.io);
    expect(code).toBe(0);
    const printed = run.out.join('');
    expect(printed).toContain(`written to ${file}`);
    // The report reads the store only: no simulated platform is started for it.
    expect(run.err.join('')).not.toMatch(/SIMULATED PLATFORM at/);

    const markdown = await readFile(file, 'utf8');
    expect(markdown).toMatch(/^## Performance report, \d{4}-\d\d-\d\d/);
    // The baseline's figures, each on a row naming its result.
    const rows = markdown.split('\n').filter((l) => l.startsWith('| resources |'));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).toContain(measured.id);
    // The blanks say how to fill them, in the terminal's words, against the sandbox the report read.
    expect(markdown).toContain('**kafka** not measured: run `perfbot baseline kafka --sandbox`');
    expect(markdown).toContain('not measured: run `perfbot bottlenecks --sandbox`');
    expect(markdown).toMatch(/- \[ \] \*\*baselines of every service taken\*\*/);

    const charts = (await readdir(join(dir, 'out'))).filter((f) => f.endsWith('.png'));
    expect(charts).toHaveLength(1);
    expect(charts[0]).toMatch(/^perf-report-\d{4}-\d\d-\d\d-resources-/);
    expect(markdown).toContain(charts[0]);
    const png = await readFile(join(dir, 'out', charts[0] ?? 'missing'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  }, 120_000);

  it('refuses --out on another command, and an --out without a file', async () => {
    const other = captureIo();
    expect(await runCli(splitCliFlags(['history', 'kafka', '--out', '/tmp/x.md']), config(), other.io)).toBe(
      2,
    );
    expect(other.err.join('')).toMatch(/--out is for `perfbot report`/);
    const empty = captureIo();
    expect(await runCli(splitCliFlags(['report', '--out']), config(), empty.io)).toBe(2);
    expect(empty.err.join('')).toMatch(/--out takes a file name/);
  });
});
