import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runDemo } from '../../src/cli/demo.js';
import { loadConfig } from '../../src/config/load.js';
import { connectTestRedis, dropPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.js';

const prefix = uniquePrefix('demo');
const redis = connectTestRedis();
let dir: string | undefined;

afterAll(async () => {
  await dropPrefix(redis, `${prefix}-demo`);
  await redis.quit();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('perfbot demo (what `npm start` runs without a cluster)', () => {
  it('names the simulated platform, runs typed commands through the real bot and worker, and prints the thread', async () => {
    dir = await mkdtemp(join(tmpdir(), 'perfbot-demo-'));
    const config = loadConfig(
      { REDIS_URL, PERFBOT_REDIS_PREFIX: prefix, LOG_LEVEL: 'silent', PERFBOT_CONFIG: '/p.yaml' },
      { readFile: () => JSON.stringify({ services: { resources: { intervalSeconds: 0 } } }) },
    );
    const out: string[] = [];
    const input = Readable.from([
      '/perf baselin resources\n',
      '/perf baseline resources\n',
      '/perf status\n',
      'exit\n',
    ]);
    const code = await runDemo(undefined, config, { input, out: (t) => void out.push(t), chartDir: dir });
    const text = out.join('');
    expect(code).toBe(0);
    expect(text).toMatch(/LOCAL SIMULATED PLATFORM/);
    expect(text).toMatch(/Did you mean `?\/perf baseline resources/);
    expect(text).toMatch(/\[status\] baseline resources: queued/);
    expect(text).toMatch(/\[status\] baseline resources: done/);
    expect(text).toMatch(/Busiest node CPU/);
    expect(text).toMatch(/baseline-[0-9a-f]{8}/);
    expect((await readdir(dir)).some((f) => /^resources-nodes-.+\.png$/.test(f))).toBe(true);
  }, 60_000);

  it('takes commands while a job runs: status shows it active, cancel stops it', async () => {
    const config = loadConfig(
      { REDIS_URL, PERFBOT_REDIS_PREFIX: prefix, LOG_LEVEL: 'silent', PERFBOT_CONFIG: '/p.yaml' },
      { readFile: () => '{}' },
    );
    const out: string[] = [];
    const text = () => out.join('');
    const input = new PassThrough();
    const demo = runDemo(undefined, config, {
      input,
      out: (t) => void out.push(t),
      chartDir: dir ?? tmpdir(),
    });
    const seen = (pattern: RegExp) =>
      vi.waitFor(() => expect(text()).toMatch(pattern), { timeout: 30_000, interval: 50 });
    input.write('/perf baseline kafka --runs 10\n');
    await seen(/\[status\] baseline kafka: running .*run 1 of 10/);
    input.write('/perf status\n');
    await seen(/baseline-[0-9a-f]{8}.*: active/);
    const jobId = /(baseline-[0-9a-f]{8}).*: active/.exec(text())?.[1] ?? '';
    input.write(`/perf cancel ${jobId}\n`);
    await seen(new RegExp(`Cancelled job ${jobId}`));
    await seen(/\[status\] baseline kafka: cancelled/);
    input.end('exit\n');
    expect(await demo).toBe(0);
    expect(text()).not.toMatch(/baseline kafka: done/);
  }, 90_000);

  it("proposes a change, refuses your own approval, and applies it on Alice's click", async () => {
    const config = loadConfig(
      { REDIS_URL, PERFBOT_REDIS_PREFIX: prefix, LOG_LEVEL: 'silent', PERFBOT_CONFIG: '/p.yaml' },
      { readFile: () => '{}' },
    );
    const out: string[] = [];
    const text = () => out.join('');
    const input = new PassThrough();
    const demo = runDemo(undefined, config, {
      input,
      out: (t) => void out.push(t),
      chartDir: dir ?? tmpdir(),
    });
    const seen = (pattern: RegExp) =>
      vi.waitFor(() => expect(text()).toMatch(pattern), { timeout: 60_000, interval: 50 });
    input.write('/perf tune superset cache redis=redis-master.redis.svc.cluster.local:6380\n');
    await seen(/change (chg-[0-9a-f]{8}) proposed/);
    const id = /change (chg-[0-9a-f]{8}) proposed/.exec(text())?.[1] ?? '';
    input.write(`approve ${id} as me\n`);
    await seen(/someone else must approve it/);
    input.write(`approve ${id}\n`);
    await seen(/approved by @U0ALICE/);
    await seen(new RegExp(`Applied and verified: superset cache \\(${id}\\)`));
    expect(text()).toMatch(/REDIS_PORT=6380/);
    input.end('exit\n');
    expect(await demo).toBe(0);
  }, 120_000);
});
