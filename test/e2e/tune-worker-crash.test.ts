import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Config } from '../../src/config/load.js';
import { createKubeClient } from '../../src/kube/client.js';
import { type RunningPerfbot, startPerfbot } from '../../src/main.js';
import { type SimulatedPlatform, startSimulatedPlatform } from '../../src/sim/platform.js';
import { blockActionPayload, sendBlockAction, sendSlashCommand } from '../../src/sim/slack/requests.js';
import { type FakeSlack, startFakeSlack } from '../../src/sim/slack/server.js';
import { createRedisStore } from '../../src/store/redis-store.js';
import { buttonsOf } from '../helpers/changes.js';
import { connectTestRedis, dropPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.js';
import { testConfig } from '../helpers/stack.js';

// A worker SIGKILLed while it applies a change: the next attempt (another worker) finds the change
// written and resumes watching and verifying it. One PATCH in all, one outcome in the thread.
const CHANNEL = 'C0TUNECRASH';
const YAML = {
  jobs: { lockDurationMs: 5000, stalledIntervalMs: 2000, attempts: 3 },
  slack: { progressIntervalMs: 250 },
  access: { commands: { tune: ['U0ALICE'] }, approvers: ['U0BOB'] },
  tuning: { rolloutPollMs: 50 },
};

let platform: SimulatedPlatform;
let slack: FakeSlack;
let bot: RunningPerfbot;
let dir: string;
let env: NodeJS.ProcessEnv;
const prefix = uniquePrefix('tunecrash');
const secret = randomBytes(12).toString('hex');
const children: ChildProcess[] = [];
const redis = connectTestRedis();
const store = createRedisStore({ redis, prefix, keepResults: 10 });

beforeAll(async () => {
  platform = await startSimulatedPlatform({ speed: 0 });
  slack = await startFakeSlack();
  dir = await mkdtemp(join(tmpdir(), 'perfbot-tunecrash-'));
  await writeFile(join(dir, 'kubeconfig'), platform.kubeconfig);
  await writeFile(join(dir, 'perfbot.yaml'), JSON.stringify(YAML));
  const config: Config = testConfig(prefix, slack, secret, YAML);
  const kube = createKubeClient({ kubeConfigYaml: platform.kubeconfig });
  bot = await startPerfbot({ mode: 'bot', config, kube });
  env = {
    ...process.env,
    REDIS_URL,
    PERFBOT_REDIS_PREFIX: prefix,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_API_URL: slack.apiUrl,
    KUBECONFIG: join(dir, 'kubeconfig'),
    PERFBOT_CONFIG: join(dir, 'perfbot.yaml'),
    LOG_LEVEL: 'silent',
    PORT: '0',
  };
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await bot?.close(1000);
  await dropPrefix(redis, prefix);
  await redis.quit();
  await Promise.all([slack?.close(), platform?.close()]);
  await rm(dir, { recursive: true, force: true });
});

function startWorkerProcess(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/worker-process.ts'], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code} before it was ready`)));
  });
}

const events = () => `http://127.0.0.1:${bot.port}/slack/events`;
const patches = () =>
  platform.sandbox.requests.filter(
    (r) => r.method === 'PATCH' && r.path.endsWith('/dolphinscheduler-api') && !/dryRun/.test(r.query),
  );

describe('a worker killed while it applies a change', () => {
  it('leaves no half-done change: the next attempt resumes it, applied once', async () => {
    const first = await startWorkerProcess();
    await sendSlashCommand(events(), secret, {
      text: 'tune dolphinscheduler jvm options="-Xms1g -Xmx1g -Xmn512m -XX:+UseG1GC"',
      channel_id: CHANNEL,
      user_id: 'U0ALICE',
    });
    const card = await slack.waitFor(
      (s) => s.messagesIn(CHANNEL).find((m) => buttonsOf(m).some((b) => b.action_id === 'perf:approve')),
      30_000,
    );
    const id = /chg-[0-9a-f]{8}/.exec(JSON.stringify(card.blocks))?.[0] ?? '';
    // The apply's verification (jcmd in the new pod) hangs: the change is written when the worker dies.
    platform.sandbox.faults.set('exec.slow', { delayMs: 60_000, times: 1 });
    const approve = buttonsOf(card).find((b) => b.action_id === 'perf:approve');
    await sendBlockAction(
      events(),
      secret,
      blockActionPayload({
        actionId: 'perf:approve',
        value: approve?.value ?? '',
        userId: 'U0BOB',
        channelId: CHANNEL,
        messageTs: card.ts,
        responseUrl: slack.responseUrl('crash-approve'),
      }),
    );
    await vi.waitFor(
      async () => {
        expect((await store.changes.get(id))?.state).toBe('applying');
        expect(platform.sandbox.faults.has('exec.slow')).toBe(false);
      },
      { timeout: 30_000, interval: 50 },
    );
    expect(patches()).toHaveLength(1);

    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    await startWorkerProcess();

    await vi.waitFor(async () => expect((await store.changes.get(id))?.state).toBe('applied'), {
      timeout: 60_000,
      interval: 100,
    });
    expect(patches()).toHaveLength(1);
    const record = await store.changes.get(id);
    expect(record?.outcome?.summary).toMatch(/resumed/);
    const outcomes = await slack.waitFor((s) => {
      const found = s
        .messagesIn(CHANNEL)
        .filter((m) => /jvm \(chg-[0-9a-f]{8}\): applied and verified/.test(m.text ?? ''));
      return found.length > 0 ? found : undefined;
    });
    expect(outcomes).toHaveLength(1);
  }, 120_000);
});
