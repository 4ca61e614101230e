import { QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_NAME } from '../../src/jobs/contracts.js';
import { sendSlashCommand } from '../../src/sim/slack/requests.js';
import { countJobs, FAST, type Stack, startStack, unfinishedJobs } from '../helpers/stack.js';

/** Every Web API call of the stand-in answers after this long: the root message's round trip. */
const LATENCY_MS = 300;

let stack: Stack;
let events: QueueEvents;
/** For each job that became active: how many root messages its channel had then. */
const rootsWhenActive = new Map<string, number>();
const channelOf = new Map<string, string>();

beforeAll(async () => {
  stack = await startStack({ yaml: FAST, slack: { latencyMs: { min: LATENCY_MS, max: LATENCY_MS } } });
  events = new QueueEvents(QUEUE_NAME, {
    connection: stack.redis.duplicate(),
    prefix: `${stack.prefix}:bull`,
  });
  await events.waitUntilReady();
  events.on('active', ({ jobId }) => {
    const channel = channelOf.get('next') ?? '';
    const roots = stack.slack.messagesIn(channel).filter((m) => m.threadTs === undefined).length;
    rootsWhenActive.set(jobId, roots);
  });
});
afterAll(async () => {
  await events?.close();
  await stack?.close();
});

describe('dispatch: the job is queued before the root message is posted', () => {
  it('starts while the root message is on its way; the thread still gets one root, its status edits and the summary', async () => {
    channelOf.set('next', 'C0DISPATCH');
    const reply = await sendSlashCommand(stack.events, stack.secret, {
      text: 'baseline kafka --runs 1',
      channel_id: 'C0DISPATCH',
    });
    expect(reply.status).toBe(200);
    const root = await stack.slack.waitFor((s) =>
      s.messagesIn('C0DISPATCH').find((m) => m.threadTs === undefined),
    );
    const thread = await stack.slack.waitFor((s) => {
      const t = s.thread('C0DISPATCH', root.ts);
      return /: (done|failed)/.test(t.root?.text ?? '') ? t : undefined;
    }, 45_000);
    const jobId = /job `([^`]+)`/.exec(JSON.stringify(root.blocks))?.[1] ?? '';
    // The job was active before the root message (300 ms away) had come back.
    expect(rootsWhenActive.get(jobId)).toBe(0);
    expect(stack.slack.messagesIn('C0DISPATCH').filter((m) => m.threadTs === undefined)).toHaveLength(1);
    expect(thread.root?.text).toMatch(/baseline kafka: done/);
    expect(thread.root?.edits.some((v) => /baseline kafka: running/.test(v.text ?? ''))).toBe(true);
    const summaries = thread.replies.filter(
      (m) => /^baseline kafka:/.test(m.text ?? '') && /target/.test(m.text ?? ''),
    );
    expect(summaries).toHaveLength(1);
    expect(thread.files.length).toBeGreaterThan(0);
  }, 60_000);

  it('cancels the job and tells the user when the root message cannot be posted', async () => {
    channelOf.set('next', 'C0NOROOT');
    const before = await countJobs(stack);
    stack.slack.failNext('chat.postMessage', 'channel_not_found');
    await sendSlashCommand(stack.events, stack.secret, {
      text: 'baseline kafka --runs 1',
      channel_id: 'C0NOROOT',
      response_url: stack.slack.responseUrl('noroot'),
    });
    const answer = await stack.slack.waitFor((s) => s.state.responses.find((r) => r.id === 'noroot'));
    expect(answer.body.response_type ?? 'ephemeral').toBe('ephemeral');
    expect(JSON.stringify(answer.body)).toMatch(/baseline kafka/);
    // Nothing measured, nothing posted, and the job ended (cancelled or removed before it ran).
    await expect.poll(() => unfinishedJobs(stack), { timeout: 45_000, interval: 50 }).toBe(0);
    expect(stack.slack.messagesIn('C0NOROOT')).toHaveLength(0);
    expect(await countJobs(stack)).toBeLessThanOrEqual(before + 1);
  }, 60_000);
});
