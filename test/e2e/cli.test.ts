import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { splitCliFlags } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/load.js';
import { createRedisStore } from '../../src/store/redis-store.js';
import { connectTestRedis, dropPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.js';

const prefix = uniquePrefix('cli');
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

describe('perfbot CLI', () => {
  it('runs baseline resources on the simulated platform with the job code, printing the summary and writing the chart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'perfbot-cli-'));
    dirs.push(dir);
    const { io, out, err } = captureIo();
    const code = await runCli(
      splitCliFlags(['baseline', 'resources', '--sandbox', '--charts', dir]),
      config(),
      io,
    );
    const text = out.join('');
    expect(code).toBe(0);
    expect(err.join('')).toMatch(/LOCAL SIMULATED PLATFORM/);
    expect(text).toMatch(/Busiest node CPU/);
    expect(text).toMatch(/k8s-worker-\d/);
    expect(text).toMatch(/baseline resources: done/);
    // The terminal's own language: no Slack thread, no "requested by", commands as `perfbot …`.
    expect(text.match(/.*(in this thread|requested by|\/perf\s).*/)?.[0]).toBeUndefined();
    // Named after the result, so that the next run writes its own file beside this one.
    const [file, ...others] = (await readdir(dir)).filter((f) => /^resources-nodes-.+\.png$/.test(f));
    expect(others).toEqual([]);
    const png = await readFile(join(dir, file ?? 'missing'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(
      await runCli(splitCliFlags(['baseline', 'resources', '--sandbox', '--charts', dir]), config(), io),
    ).toBe(0);
    expect((await readdir(dir)).filter((f) => f.startsWith('resources-nodes-'))).toHaveLength(2);
    // Kept in the shared Redis, under the prefix's `-sandbox` twin: simulated results stay out of the real history.
    const stored = await createRedisStore({
      redis,
      prefix: `${prefix}-sandbox`,
      keepResults: 10,
    }).results.latest('resources');
    expect(stored?.runs).toHaveLength(3);
  });

  it('keeps --sandbox results apart, says where, and finds them with history --sandbox', async () => {
    // The first test stored a simulated baseline of resources.
    const real = captureIo();
    expect(await runCli(splitCliFlags(['history', 'resources']), config(), real.io)).toBe(0);
    expect(real.out.join('')).toMatch(
      /No baseline of resources is stored yet: run `?perfbot baseline resources`? first/,
    );
    expect(real.err.join('')).toMatch(
      new RegExp(
        `\\d+ result\\(s\\) of resources taken with --sandbox are kept apart, in Redis .*${prefix}-sandbox`,
      ),
    );
    expect(real.err.join('')).toMatch(/`perfbot history resources --sandbox` shows them/);
    const sandbox = captureIo();
    expect(await runCli(splitCliFlags(['history', 'resources', '--sandbox']), config(), sandbox.io)).toBe(0);
    expect(sandbox.out.join('')).toMatch(/History: resources/);
    expect(sandbox.out.join('')).not.toMatch(/No baseline/);
    expect(sandbox.err.join('')).toMatch(/kept apart from the cluster's, in Redis .*-sandbox/);
    expect(sandbox.err.join('')).not.toMatch(/SIMULATED PLATFORM at/);
  });

  it('prints no progress line after a result, even with an edit pending when the work ends', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'perfbot-cli-'));
    dirs.push(dir);
    const paced = loadConfig(
      { REDIS_URL, PERFBOT_REDIS_PREFIX: prefix, LOG_LEVEL: 'silent', PERFBOT_CONFIG: '/p.yaml' },
      {
        readFile: () =>
          JSON.stringify({
            services: { resources: { intervalSeconds: 0 } },
            // An edit every 5 s: the runs' progress is still pending when the result is posted.
            slack: { progressIntervalMs: 5000 },
          }),
      },
    );
    const { io, out } = captureIo();
    const args = ['baseline', 'resources', '--sandbox', '--charts', dir];
    expect(await runCli(splitCliFlags(args), paced, io)).toBe(0);
    const lines = out.join('').split('\n');
    const result = lines.findIndex((l) => /Busiest node CPU/.test(l));
    expect(result).toBeGreaterThan(-1);
    expect(lines.slice(result).filter((l) => /running/.test(l))).toEqual([]);
    expect(lines.slice(result).some((l) => /baseline resources: done/.test(l))).toBe(true);
  });

  it('gives both clocks of the simulated platform, and compares a second start (another port, another seed) with the first', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'perfbot-cli-clock-'));
    dirs.push(dir);
    const args = splitCliFlags(['baseline', 'trino', '--runs', '2', '--sandbox', '--charts', dir]);
    const first = captureIo();
    expect(await runCli(args, config(), first.io)).toBe(0);
    // The CLI's sandbox runs at 0.05: a run's seconds and its queries' reported milliseconds agree, said so.
    expect(first.out.join('')).toMatch(
      /2 run\(s\) in \d+ s, simulated ≈ \d+ s \(the simulated platform runs 20× faster than real time\), after a discarded warm-up run/,
    );
    const second = captureIo();
    expect(await runCli(args, config(), second.io)).toBe(0);
    const store = createRedisStore({ redis, prefix: `${prefix}-sandbox`, keepResults: 10 });
    const [older, newest] = [...(await store.results.history('trino', 2))].sort((a, b) =>
      a.finishedAt.localeCompare(b.finishedAt),
    );
    expect(newest?.context.timeScale).toBe(0.05);
    expect(newest?.previousId).toBe(older?.id);
    expect(second.out.join('')).toContain(`compared with ${older?.id} (same params and platform)`);
    // A fresh seed per start: the figures differ as two real runs would.
    expect(newest?.runs.map((r) => r.samples['join.elapsed_ms'])).not.toEqual(
      older?.runs.map((r) => r.samples['join.elapsed_ms']),
    );
  });

  it('answers a malformed command with usage and exit code 2, running nothing', async () => {
    const { io, out, err } = captureIo();
    const code = await runCli(splitCliFlags(['baseline', ';', 'rm', '-rf', '/']), config(), io);
    expect(code).toBe(2);
    expect(err.join('')).toMatch(/shell/i);
    expect(out.join('')).toBe('');
  });

  it('speaks the CLI form: its own help, `perfbot help baseline`, suggestions as `perfbot …`', async () => {
    const help = captureIo();
    expect(await runCli(splitCliFlags(['help']), config(), help.io)).toBe(0);
    expect(help.out.join('')).toMatch(/^perfbot: /);
    expect(help.out.join('')).toMatch(/perfbot baseline <kafka\|/);
    expect(help.out.join('')).toMatch(/--sandbox/);
    const one = captureIo();
    expect(await runCli(splitCliFlags(['help', 'baseline']), config(), one.io)).toBe(0);
    expect(one.out.join('')).toMatch(/^perfbot baseline <[^\n]+\n.*\n• --runs N: measured runs/);
    const usage = captureIo();
    expect(await runCli(splitCliFlags(['baseline', 'kafka', '--runs', '11']), config(), usage.io)).toBe(2);
    expect(usage.err.join('')).toMatch(/Did you mean `perfbot baseline kafka --runs 10`\?/);
    expect(usage.err.join('')).toMatch(/Usage:\nperfbot baseline </);
    for (const io of [help, one, usage]) expect([...io.out, ...io.err].join('')).not.toMatch(/\/perf/);
  });

  it('exits 4 with --fail-on-miss when a target is missed (a CI gate), 0 without it', async () => {
    // Kafka's default target (100k records/s) is above what the simulated brokers' seed gives.
    const args = ['baseline', 'kafka', '--runs', '2', '--sandbox', '--charts', dirs[0] ?? '/tmp'];
    const gate = await runCli(splitCliFlags([...args, '--fail-on-miss']), config(), captureIo().io);
    expect(gate).toBe(4);
    expect(await runCli(splitCliFlags(args), config(), captureIo().io)).toBe(0);
  });

  it("shows its store's locks for `status`, and sends a worker job's status and cancel to Slack", async () => {
    const locks = captureIo();
    expect(await runCli(splitCliFlags(['status', '--sandbox']), config(), locks.io)).toBe(0);
    expect(locks.out.join('')).toMatch(/No locks are held \(Redis .*-sandbox/);
    const { io, err } = captureIo();
    expect(await runCli(splitCliFlags(['cancel', 'baseline-1234abcd']), config(), io)).toBe(2);
    expect(err.join('')).toMatch(/\/perf cancel/);
  });

  it.each([
    ['trino', /self-join|join/i],
    ['ray', /tasks\/s/],
    ['postgres', /p95/],
  ])(
    'runs baseline %s on the simulated platform with the job code, and writes its charts',
    async (service, label) => {
      const dir = await mkdtemp(join(tmpdir(), `perfbot-cli-${service}-`));
      dirs.push(dir);
      const { io, out } = captureIo();
      const code = await runCli(
        splitCliFlags(['baseline', service, '--runs', '2', '--sandbox', '--charts', dir]),
        config(),
        io,
      );
      expect(code).toBe(0);
      expect(out.join('')).toMatch(label);
      expect(out.join('')).toMatch(new RegExp(`baseline ${service}: done`));
      expect((await readdir(dir)).some((f) => f.endsWith('.png'))).toBe(true);
    },
  );
});
