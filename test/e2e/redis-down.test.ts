import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendSlashCommand } from '../../src/sim/slack/requests.js';
import { type FakeSlack, startFakeSlack } from '../../src/sim/slack/server.js';
import { closedPort } from '../helpers/net.js';
import { type PrivateRedis, startPrivateRedis } from '../helpers/private-redis.js';
import { uniquePrefix } from '../helpers/redis.js';

const SECRET = 'redis-down-secret';

let slack: FakeSlack;
let redis: PrivateRedis;
let perfbot: ChildProcess;
let output = '';
let dir: string;

/** `perfbot all` in its own process, on a Redis of the test's own that the test then stops. */
beforeAll(async () => {
  slack = await startFakeSlack();
  redis = await startPrivateRedis();
  // A cluster nothing answers for: the worker starts, and this test needs no probe.
  dir = await mkdtemp(join(tmpdir(), 'perfbot-redis-down-'));
  const kubeconfig = join(dir, 'kubeconfig.yaml');
  await writeFile(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters: [{ name: c, cluster: { server: 'https://127.0.0.1:${await closedPort()}' } }]\n` +
      'users: [{ name: u, user: { token: t } }]\ncontexts: [{ name: x, context: { cluster: c, user: u } }]\n' +
      'current-context: x\n',
  );
  perfbot = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/perfbot-cli.ts', 'all'], {
    env: {
      PATH: process.env.PATH ?? '',
      LOG_LEVEL: 'info',
      REDIS_URL: redis.url,
      PERFBOT_REDIS_PREFIX: uniquePrefix('redis-down'),
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
      PORT: '0',
      KUBECONFIG: kubeconfig,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  perfbot.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  perfbot.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  await waitForOutput(/"msg":"worker started"/, 30_000);
}, 40_000);

afterAll(async () => {
  perfbot?.kill('SIGKILL');
  await redis?.stop();
  await slack?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = output.match(pattern);
    if (m) return m;
    if (Date.now() > deadline) throw new Error(`no ${pattern} in perfbot's output:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a Redis outage', () => {
  it('is logged in a few lines, without stack traces, and users hear it in a sentence', async () => {
    const port = Number((await waitForOutput(/"port":(\d+),"endpoint":"\/slack\/events"/, 5000))[1]);
    const before = output.length;
    await redis.stop();
    // Reconnect attempts go on for a while: each used to log an error with a stack, and a
    // connection with no error listener printed ioredis's "Unhandled error event".
    await new Promise((r) => setTimeout(r, 4000));
    const res = await sendSlashCommand(`http://127.0.0.1:${port}/slack/events`, SECRET, {
      text: 'baseline kafka',
      response_url: slack.responseUrl('during-outage'),
    });
    expect(res.status, output.slice(before)).toBe(200);
    const answer = await slack.waitFor(
      (s) => s.state.responses.find((r) => r.id === 'during-outage'),
      15_000,
    );
    const text = JSON.stringify(answer);
    expect(text).toContain('cannot reach its Redis');
    expect(text).not.toMatch(/max retries|unexpected error/i);
    const during = output.slice(before);
    expect(during).not.toContain('Unhandled error event');
    const redisLines = during
      .split('\n')
      .filter((l) => /Redis (does not answer|still does not answer)/.test(l));
    // One line per connection role when the outage starts (bot, worker, subscriber, queue), none per attempt.
    expect(redisLines.length).toBeGreaterThan(0);
    expect(redisLines.length).toBeLessThanOrEqual(8);
    expect(during.split('\n').filter((l) => /"msg":"worker error"/.test(l))).toEqual([]);
  }, 40_000);
});
