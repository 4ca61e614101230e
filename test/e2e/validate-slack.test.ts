import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendSlashCommand } from '../../src/sim/slack/requests.js';
import { FAST, type Stack, startStack } from '../helpers/stack.js';

// `/perf validate` through Slack: the bot queues the `validate` job, a worker runs it against the
// simulated platform, and the thread gets the validation and its charts.
const CHANNEL = 'C0PERF';
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ yaml: FAST });
});
afterAll(async () => {
  await stack?.close();
});

async function slash(text: string) {
  const before = new Set(stack.slack.messagesIn(CHANNEL).map((m) => m.ts));
  const reply = await sendSlashCommand(stack.events, stack.secret, {
    text,
    channel_id: CHANNEL,
    user_id: 'U0ALICE',
  });
  expect(reply.status).toBe(200);
  const root = await stack.slack.waitFor((s) =>
    s.messagesIn(CHANNEL).find((m) => m.threadTs === undefined && !before.has(m.ts)),
  );
  return stack.slack.waitFor((s) => {
    const thread = s.thread(CHANNEL, root.ts);
    return /: (done|failed)/.test(thread.root?.text ?? '') ? thread : undefined;
  }, 60_000);
}

describe('/perf validate over signed HTTP', () => {
  it('re-runs the probe of the last baseline and posts the validation with its charts', async () => {
    const base = await slash('baseline trino --runs 5');
    expect(base.root?.text).toMatch(/: done/);
    const baseline = await stack.store.results.latest('trino');

    const done = await slash('validate trino');
    expect(done.root?.text).toMatch(/validate trino: done/);
    const text = done.replies.map((m) => JSON.stringify(m.blocks) + (m.text ?? '')).join('\n');
    expect(text).toContain('Validation: trino');
    expect(text).toContain(baseline?.id);
    expect(done.files.length).toBeGreaterThanOrEqual(2);

    const after = await stack.store.results.latest('trino');
    expect(after?.validation?.beforeId).toBe(baseline?.id);
    expect(after?.validation?.metrics.map((m) => m.verdict)).not.toContain('improved');
  }, 120_000);
});
