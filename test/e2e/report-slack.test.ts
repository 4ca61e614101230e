import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendSlashCommand } from '../../src/sim/slack/requests.js';
import { FAST, type Stack, startStack } from '../helpers/stack.js';

// `/perf report` through Slack: the bot queues the `report` job, a worker builds it from the store
// and uploads it into the thread as a Markdown file, beside the checklist and its charts.
const CHANNEL = 'C0REPORT';
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

describe('/perf report over signed HTTP', () => {
  it('uploads the report as a Markdown file into the thread, with the checklist and a chart per measured service', async () => {
    const base = await slash('baseline resources --runs 1');
    expect(base.root?.text).toMatch(/: done/);
    const measured = await stack.store.results.latest('resources');
    if (!measured) throw new Error('the baseline stored nothing');

    const done = await slash('report --since 7d');
    expect(done.root?.text).toMatch(/report --since 7d: done/);
    const report = done.files.find((f) => /^perf-report-\d{4}-\d\d-\d\d\.md$/.test(f.filename));
    if (!report?.bytes) throw new Error('no report file in the thread');
    const markdown = report.bytes.toString('utf8');
    expect(markdown).toMatch(/^## Performance report/);
    expect(markdown).toContain(measured.id);
    expect(markdown).toContain('**kafka** not measured: run `/perf baseline kafka`');
    expect(done.files.some((f) => /^perf-report-.*-resources-.*\.png$/.test(f.filename))).toBe(true);
    const text = done.replies.map((m) => `${m.text ?? ''}${JSON.stringify(m.blocks)}`).join('\n');
    expect(text).toMatch(/Performance report: \d+ of 8 success criteria met/);
    expect(text).toContain(':white_large_square:');
  }, 120_000);

  it('answers a bad window ephemerally with usage, and queues nothing', async () => {
    const reply = await sendSlashCommand(stack.events, stack.secret, {
      text: 'report --since 0d',
      channel_id: CHANNEL,
      user_id: 'U0ALICE',
    });
    expect(reply.status).toBe(200);
    const json = reply.json as { response_type?: string; text?: string };
    expect(json.response_type).toBe('ephemeral');
    expect(json.text).toMatch(/--since/);
  });
});
