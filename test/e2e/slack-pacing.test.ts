import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendSlashCommand } from '../../src/sim/slack/requests.js';
import type { SlackCall } from '../../src/sim/slack/server.js';
import { FAST, type Stack, startStack, unfinishedJobs } from '../helpers/stack.js';

// Progress paced at 5 s: a baseline of the simulated platform ends with an edit still pending.
const YAML = { ...FAST, slack: { progressIntervalMs: 5000 } };
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ yaml: YAML });
});
afterAll(async () => {
  await stack?.close();
});

async function startBaseline(channel: string) {
  await sendSlashCommand(stack.events, stack.secret, { text: 'baseline resources', channel_id: channel });
  return stack.slack.waitFor((s) => s.messagesIn(channel).find((m) => m.threadTs === undefined));
}

/** The calls made for one thread from its first reply (the summary) on. */
function callsAfterSummary(channel: string, rootTs: string): SlackCall[] {
  const calls = stack.slack.calls;
  const summary = calls.findIndex(
    (c) => c.method === 'chat.postMessage' && c.params.channel === channel && c.params.thread_ts === rootTs,
  );
  expect(summary).toBeGreaterThan(-1);
  return calls.slice(summary);
}

const statusEdits = (calls: readonly SlackCall[], rootTs: string) =>
  calls.filter((c) => c.method === 'chat.update' && c.params.ts === rootTs).map((c) => String(c.params.text));

describe('the result is the last word', () => {
  it('drops the pending progress edit once the result is due: no "running" after the summary', async () => {
    const root = await startBaseline('C0LAST');
    await stack.slack.waitFor((s) => /: done/.test(s.message('C0LAST', root.ts)?.text ?? ''), 20_000);
    const after = statusEdits(callsAfterSummary('C0LAST', root.ts), root.ts);
    expect(after.length).toBeGreaterThan(0);
    for (const text of after) expect(text).not.toMatch(/running/);
    expect(after.at(-1)).toMatch(/: done/);
  });
});

describe('rate limits do not freeze the thread', () => {
  it('answers at once, ephemerally, when the root message is rate-limited, and the job it queued ends without a word in Slack', async () => {
    stack.slack.rateLimit('chat.postMessage', { retryAfterSec: 60, times: 5 });
    const started = Date.now();
    await sendSlashCommand(stack.events, stack.secret, {
      text: 'baseline resources',
      channel_id: 'C0LIMIT',
      response_url: stack.slack.responseUrl('limited'),
    });
    const answer = await stack.slack.waitFor((s) => s.state.responses.find((r) => r.id === 'limited'), 8_000);
    expect(Date.now() - started).toBeLessThan(8_000);
    // Drain what is left of the injected 429s, so that the next test starts clean.
    stack.slack.rateLimit('chat.postMessage', { retryAfterSec: 60, times: 0 });
    expect(stack.slack.callsTo('chat.postMessage').filter((c) => c.status === 429)).toHaveLength(1);
    expect(answer.body.response_type).toBe('ephemeral');
    expect(String(answer.body.text)).toMatch(/rate-limiting.*try again in 60 s/);
    // Queued before the root message, then cancelled: nothing left waiting or running, nothing posted.
    await expect.poll(() => unfinishedJobs(stack), { timeout: 15_000, interval: 50 }).toBe(0);
    expect(stack.slack.messagesIn('C0LIMIT')).toHaveLength(0);
  });

  it('posts the result and finishes the job when every status edit is rate-limited five times', async () => {
    const root = await startBaseline('C0EDITS');
    stack.slack.rateLimit('chat.update', { retryAfterSec: 1, times: 5 });
    const started = Date.now();
    await stack.slack.waitFor((s) => /: done/.test(s.message('C0EDITS', root.ts)?.text ?? ''), 15_000);
    // Five Retry-After of 1 s at most, not the minutes of a patient retry policy.
    expect(Date.now() - started).toBeLessThan(15_000);
    const thread = stack.slack.thread('C0EDITS', root.ts);
    expect(thread.replies.filter((m) => /Busiest node CPU/.test(JSON.stringify(m.blocks)))).toHaveLength(1);
    for (const text of statusEdits(callsAfterSummary('C0EDITS', root.ts), root.ts)) {
      expect(text).not.toMatch(/running/);
    }
    const limited = stack.slack.callsTo('chat.update').filter((c) => c.status === 429);
    expect(limited).toHaveLength(5);
  });
});
