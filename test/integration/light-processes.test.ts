import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../../src/sim/slack/server.js';
import { closedPort } from '../helpers/net.js';
import { REDIS_URL, uniquePrefix } from '../helpers/redis.js';

// What only a job runner needs: a bot that loads it pays in memory and start-up for nothing
// (issue: "a light bot process"). A worker loads the probes, but the chart renderer only when it draws.
const WORKER_ONLY: readonly [string, RegExp][] = [
  ['the Kubernetes client', /node_modules\/@kubernetes\//],
  ['the canvas', /node_modules\/@napi-rs\//],
  ['Chart.js', /node_modules\/chart\.js\//],
  ['the pg client', /node_modules\/pg\//],
  ['the probes', /\/src\/probes\/[^/]+\/run\.ts$/],
  ['the chart renderer', /\/src\/charts\/render\.ts$/],
  ['the simulated platform', /\/src\/sim\//],
];

let dir: string;
let slack: FakeSlack;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perfbot-light-'));
  slack = await startFakeSlack();
  // A cluster on a port nothing listens on: a worker starts without reaching it.
  const server = `https://127.0.0.1:${await closedPort()}`;
  await writeFile(
    join(dir, 'kubeconfig.yaml'),
    `apiVersion: v1\nkind: Config\nclusters: [{ name: c, cluster: { server: '${server}' } }]\n` +
      'users: [{ name: u, user: { token: t } }]\ncontexts: [{ name: x, context: { cluster: c, user: u } }]\n' +
      'current-context: x\n',
  );
});
afterAll(async () => {
  await slack?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Starts `perfbot <mode>` on the sources with a loader hook, waits until it is ready, stops it. */
async function loadsOf(mode: 'bot' | 'worker'): Promise<string[]> {
  const log = join(dir, `${mode}.loads`);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', './test/helpers/record-loads.mjs', 'test/helpers/perfbot-cli.ts', mode],
    {
      env: {
        PATH: process.env.PATH ?? '',
        LOG_LEVEL: 'info',
        REDIS_URL,
        PERFBOT_REDIS_PREFIX: uniquePrefix(`light-${mode}`),
        SLACK_BOT_TOKEN: slack.botToken,
        SLACK_SIGNING_SECRET: 'light-test-secret',
        SLACK_API_URL: slack.apiUrl,
        KUBECONFIG: join(dir, 'kubeconfig.yaml'),
        PORT: '0',
        PERFBOT_LOAD_LOG: log,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/"msg":"(bot|worker) started"/.test(output)) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) =>
      reject(new Error(`perfbot ${mode} exited ${code} before it was ready:\n${output}`)),
    );
  });
  await ready;
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  return [...new Set((await readFile(log, 'utf8')).split('\n').filter(Boolean))];
}

describe('what each process loads', () => {
  it('the bot loads none of what only job runners use', async () => {
    const loaded = await loadsOf('bot');
    expect(loaded.some((u) => u.includes('/src/bot/app.ts'))).toBe(true);
    for (const [what, pattern] of WORKER_ONLY)
      expect(
        loaded.filter((u) => pattern.test(u)),
        what,
      ).toEqual([]);
  }, 30_000);

  it('a worker loads the probes and the Kubernetes client, but draws no chart until a job does', async () => {
    const loaded = await loadsOf('worker');
    expect(loaded.some((u) => /\/src\/probes\/kafka\/run\.ts$/.test(u))).toBe(true);
    expect(loaded.some((u) => /node_modules\/@kubernetes\//.test(u))).toBe(true);
    expect(loaded.filter((u) => /node_modules\/(chart\.js|@napi-rs)\//.test(u))).toEqual([]);
    expect(loaded.filter((u) => /\/src\/charts\/render\.ts$/.test(u))).toEqual([]);
  }, 30_000);
});
