import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendSlashCommand } from '../../src/sim/slack/requests.js';
import { countJobs, FAST, type Stack, startStack } from '../helpers/stack.js';

const CHANNEL = 'C0PERF';
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ yaml: FAST });
});
afterAll(async () => {
  await stack?.close();
});

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('/perf baseline resources over signed HTTP', () => {
  it('acks in time, then the thread gets a moving status, the summary and one chart', async () => {
    const reply = await sendSlashCommand(stack.events, stack.secret, {
      text: 'baseline resources',
      channel_id: CHANNEL,
      user_id: 'U0ALICE',
    });
    expect(reply.status).toBe(200);
    expect(reply.ms).toBeLessThan(3000);

    const root = await stack.slack.waitFor((s) =>
      s.messagesIn(CHANNEL).find((m) => m.threadTs === undefined),
    );
    const done = await stack.slack.waitFor((s) => {
      const thread = s.thread(CHANNEL, root.ts);
      return /: done/.test(thread.root?.text ?? '') && thread.files.length > 0 ? thread : undefined;
    }, 30_000);

    // The status message moved from queued through running to done, by editing one message.
    const versions = [...(done.root?.edits ?? []), done.root].map((v) => v?.text ?? '');
    const states = versions.map((t) => /: (queued|running|done)/.exec(t)?.[1]);
    expect(states[0]).toBe('queued');
    expect(states).toContain('running');
    expect(states.at(-1)).toBe('done');
    expect(stack.slack.messagesIn(CHANNEL).filter((m) => m.threadTs === undefined)).toHaveLength(1);

    // The figures come from the simulated cluster's metrics.k8s.io: every node it reports is named.
    const nodes = await stack.kube.listNodes();
    const summary = done.replies.map((m) => JSON.stringify(m.blocks) + (m.text ?? '')).join('\n');
    for (const node of nodes) expect(summary).toContain(node.name);
    expect(summary).toContain('Busiest node CPU');

    // One chart, uploaded with files.uploadV2 into the thread, as a PNG.
    expect(done.files).toHaveLength(1);
    const file = done.files[0];
    expect(file?.threadTs).toBe(root.ts);
    expect(file?.bytes?.subarray(0, 8)).toEqual(PNG);
    expect(file?.altText).toMatch(/k8s-worker/);
    const complete = stack.slack.callsTo('files.completeUploadExternal');
    expect(complete.at(-1)?.params.thread_ts).toBe(root.ts);

    // The result is stored, with each run's samples and raw output, for history and validation.
    const stored = await stack.store.results.latest('resources');
    expect(stored?.runs).toHaveLength(3);
    expect(stored?.runs[0]?.raw).toContain('k8s-worker');
    expect(stored?.context.simulated).toBe(true);
    const max = stored?.summary.find((s) => s.key === 'max_node_cpu_pct');
    expect(max?.n).toBe(3);
    expect(max?.median).toBeGreaterThan(0);
  });

  it('answers a malformed command ephemerally with the nearest valid one, and queues nothing', async () => {
    const before = stack.slack.messagesIn(CHANNEL).length;
    const jobsBefore = await countJobs(stack);
    const reply = await sendSlashCommand(stack.events, stack.secret, {
      text: 'baselin kafka',
      channel_id: CHANNEL,
    });
    expect(reply.status).toBe(200);
    expect(JSON.stringify(reply.json)).toMatch(/baseline kafka/);
    expect((reply.json as { response_type?: string }).response_type).toBe('ephemeral');
    expect(await countJobs(stack)).toBe(jobsBefore);
    expect(stack.slack.messagesIn(CHANNEL).length).toBe(before);
  });
});
