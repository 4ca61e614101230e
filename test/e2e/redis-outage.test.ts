import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sendSlashCommand } from '../../src/sim/slack/requests.js';
import { type PrivateRedis, startPrivateRedis } from '../helpers/private-redis.js';
import { FAST, type Stack, startStack } from '../helpers/stack.js';

const CHANNEL = 'C0OUTAGE';
// BullMQ's job lock at its shortest: Redis away for 3 s outlives it, and the job is handed out again.
const YAML = { ...FAST, jobs: { ...(FAST.jobs as object), lockDurationMs: 1000, stalledIntervalMs: 500 } };

let redis: PrivateRedis;
let stack: Stack;

beforeAll(async () => {
  redis = await startPrivateRedis();
  stack = await startStack({ yaml: YAML, redisUrl: redis.url });
});
afterAll(async () => {
  redis?.thaw();
  await stack?.close();
  await redis?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Redis away longer than the job lock', () => {
  it('measures once: the second attempt waits for the first, one result, one summary, never "failed"', async () => {
    // The first exec of the baseline takes 5 s: the job is surely measuring while Redis is away.
    stack.platform.sandbox.faults.set('exec.slow', { delayMs: 5000, times: 1 });
    await sendSlashCommand(stack.events, stack.secret, { text: 'baseline kafka', channel_id: CHANNEL });
    const root = await stack.slack.waitFor((s) =>
      s.messagesIn(CHANNEL).find((m) => m.threadTs === undefined),
    );
    const jobId = /job `([^`]+)`/.exec(JSON.stringify(root.blocks))?.[1];
    expect(jobId).toMatch(/^baseline-/);
    // A sandbox fault, not a Slack change: polled, since the Slack stand-in's waitFor looks only on its calls.
    await vi.waitFor(() => expect(stack.platform.sandbox.faults.has('exec.slow')).toBe(false), {
      timeout: 10_000,
      interval: 50,
    });
    expect(await stack.store.locks.holder('measure', 'kafka')).toBe(jobId);

    redis.freeze();
    await sleep(3000);
    redis.thaw();
    // The first attempt still measures (its exec lasts 5 s): nothing may have freed its lock.
    await sleep(700);
    expect(await stack.store.locks.holder('measure', 'kafka')).toBe(jobId);

    await stack.slack.waitFor((s) => /: done/.test(s.message(CHANNEL, root.ts)?.text ?? ''), 20_000);
    // Long enough for a second copy, had one run, to finish its measurement and post.
    await sleep(2500);

    const thread = stack.slack.thread(CHANNEL, root.ts);
    const summaries = thread.replies.filter(
      (m) => /kafka/i.test(m.text ?? '') && !/error|failed/i.test(m.text ?? ''),
    );
    expect(summaries).toHaveLength(1);
    expect(thread.replies.filter((m) => /failed|error/i.test(m.text ?? ''))).toHaveLength(0);
    const states = [...(thread.root?.edits ?? []), thread.root].map(
      (v) => /: (\w+)/.exec(v?.text ?? '')?.[1],
    );
    expect(states.at(-1)).toBe('done');
    expect(states.slice(states.indexOf('done'))).not.toContain('failed');
    expect(states.slice(states.indexOf('done')).every((s) => s === 'done')).toBe(true);
    expect(await stack.store.results.history('kafka', 10)).toHaveLength(1);
  }, 40_000);
});
