import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Config } from '../../src/config/load.js';
import { type RunningPerfbot, startPerfbot } from '../../src/main.js';
import { type SimulatedPlatform, startSimulatedPlatform } from '../../src/sim/platform.js';
import { sendSlashCommand } from '../../src/sim/slack/requests.js';
import { type FakeSlack, startFakeSlack } from '../../src/sim/slack/server.js';
import { connectTestRedis, dropPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.js';
import { testConfig } from '../helpers/stack.js';

const CHANNEL = 'C0CRASH';
// A short lock, so that a dead worker's job is taken over in seconds rather than BullMQ's default 30 s.
const YAML = {
  // Not shorter: under a loaded CI machine a live worker must still renew its lock in time.
  jobs: { lockDurationMs: 5000, stalledIntervalMs: 2000, attempts: 3 },
  services: { resources: { intervalSeconds: 0 } },
  slack: { progressIntervalMs: 250 },
};

let platform: SimulatedPlatform;
let slack: FakeSlack;
let bot: RunningPerfbot;
let dir: string;
let env: NodeJS.ProcessEnv;
const prefix = uniquePrefix('crash');
const secret = randomBytes(12).toString('hex');
const children: ChildProcess[] = [];
const redis = connectTestRedis();

beforeAll(async () => {
  platform = await startSimulatedPlatform({ speed: 0 });
  slack = await startFakeSlack();
  dir = await mkdtemp(join(tmpdir(), 'perfbot-crash-'));
  await writeFile(join(dir, 'kubeconfig'), platform.kubeconfig);
  await writeFile(join(dir, 'perfbot.yaml'), JSON.stringify(YAML));
  const config: Config = testConfig(prefix, slack, secret, YAML);
  bot = await startPerfbot({ mode: 'bot', config });
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

/** Starts `test/helpers/worker-process.ts` in its own Node process and waits until it takes jobs. */
function startWorkerProcess(extraEnv: NodeJS.ProcessEnv = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/worker-process.ts'], {
    env: { ...env, ...extraEnv },
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

describe('a worker killed mid-job', () => {
  it('does not lose the job: another worker takes it over and the thread gets exactly one result', async () => {
    // The first exec (df in the MinIO pod) hangs, so the job is surely in the first worker's hands when it dies.
    platform.sandbox.faults.set('exec.slow', { delayMs: 60_000, times: 1 });
    const first = await startWorkerProcess();
    const reply = await sendSlashCommand(`http://127.0.0.1:${bot.port}/slack/events`, secret, {
      text: 'baseline resources',
      channel_id: CHANNEL,
    });
    expect(reply.status).toBe(200);
    const root = await slack.waitFor((s) => s.messagesIn(CHANNEL).find((m) => m.threadTs === undefined));
    await slack.waitFor((s) => /running/.test(s.message(CHANNEL, root.ts)?.text ?? ''), 20_000);
    // A sandbox fault, not a Slack change: polled, since the Slack stand-in's waitFor looks only on its calls.
    await vi.waitFor(() => expect(platform.sandbox.faults.has('exec.slow')).toBe(false), {
      timeout: 20_000,
      interval: 50,
    });

    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    await startWorkerProcess();

    const thread = await slack.waitFor((s) => {
      const t = s.thread(CHANNEL, root.ts);
      return /: done/.test(t.root?.text ?? '') ? t : undefined;
    }, 45_000);
    const summaries = thread.replies.filter((m) => /^baseline resources: .*target/.test(m.text ?? ''));
    expect(summaries).toHaveLength(1);
    expect(thread.files).toHaveLength(1);
    expect(thread.replies.filter((m) => /failed|error/i.test(m.text ?? ''))).toHaveLength(0);
  }, 90_000);

  it('finishes the job in hand on SIGTERM before it exits (graceful shutdown)', async () => {
    // Only this test's worker may take the job.
    for (const child of children.splice(0)) child.kill('SIGKILL');
    platform.sandbox.faults.set('exec.slow', { delayMs: 1500, times: 1 });
    const worker = await startWorkerProcess();
    await sendSlashCommand(`http://127.0.0.1:${bot.port}/slack/events`, secret, {
      text: 'baseline resources',
      channel_id: 'C0TERM',
    });
    const root = await slack.waitFor((s) => s.messagesIn('C0TERM').find((m) => m.threadTs === undefined));
    // A sandbox fault, not a Slack change: polled, since the Slack stand-in's waitFor looks only on its calls.
    await vi.waitFor(() => expect(platform.sandbox.faults.has('exec.slow')).toBe(false), {
      timeout: 20_000,
      interval: 50,
    });
    const exited = new Promise<number | null>((resolve) => worker.once('exit', resolve));
    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
    const thread = slack.thread('C0TERM', root.ts);
    expect(thread.root?.text).toMatch(/: done/);
    expect(thread.files).toHaveLength(1);
  }, 60_000);

  it('on SIGTERM past its grace period, puts the job in hand back in the queue for another worker', async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    await writeFile(
      join(dir, 'short-grace.yaml'),
      JSON.stringify({ ...YAML, jobs: { ...YAML.jobs, shutdownGraceMs: 300 } }),
    );
    platform.sandbox.faults.set('exec.slow', { delayMs: 60_000, times: 1 });
    const worker = await startWorkerProcess({ PERFBOT_CONFIG: join(dir, 'short-grace.yaml') });
    await sendSlashCommand(`http://127.0.0.1:${bot.port}/slack/events`, secret, {
      text: 'baseline resources',
      channel_id: 'C0REQUEUE',
    });
    const root = await slack.waitFor((s) => s.messagesIn('C0REQUEUE').find((m) => m.threadTs === undefined));
    // A sandbox fault, not a Slack change: polled, since the Slack stand-in's waitFor looks only on its calls.
    await vi.waitFor(() => expect(platform.sandbox.faults.has('exec.slow')).toBe(false), {
      timeout: 20_000,
      interval: 50,
    });
    const exited = new Promise<number | null>((resolve) => worker.once('exit', resolve));
    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
    await startWorkerProcess();
    const thread = await slack.waitFor((s) => {
      const t = s.thread('C0REQUEUE', root.ts);
      return /: done/.test(t.root?.text ?? '') ? t : undefined;
    }, 45_000);
    expect(thread.replies.filter((m) => /failed|error/i.test(m.text ?? ''))).toHaveLength(0);
    expect(thread.files).toHaveLength(1);
  }, 60_000);
});
