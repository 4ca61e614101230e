import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sendSlashCommand } from '../../src/sim/slack/requests.js';
import { countJobs, FAST, type Stack, startStack } from '../helpers/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ yaml: FAST });
});
afterAll(async () => {
  await stack?.close();
});

describe('/perf cancel', () => {
  it('stops a running job: the worker aborts the probe and the thread says cancelled, with no result', async () => {
    // The probe's first exec hangs: the job is surely running when the cancel arrives.
    stack.platform.sandbox.faults.set('exec.slow', { delayMs: 60_000, times: 1 });
    await sendSlashCommand(stack.events, stack.secret, {
      text: 'baseline resources',
      channel_id: 'C0CANCEL',
    });
    const root = await stack.slack.waitFor((s) =>
      s.messagesIn('C0CANCEL').find((m) => m.threadTs === undefined),
    );
    const jobId = /job `([^`]+)`/.exec(JSON.stringify(root.blocks))?.[1];
    expect(jobId).toMatch(/^baseline-/);
    // A sandbox fault, not a Slack change: polled, since the Slack stand-in's waitFor looks only on its calls.
    await vi.waitFor(() => expect(stack.platform.sandbox.faults.has('exec.slow')).toBe(false), {
      timeout: 20_000,
      interval: 50,
    });

    const reply = await sendSlashCommand(stack.events, stack.secret, {
      text: `cancel ${jobId}`,
      channel_id: 'C0CANCEL',
      response_url: stack.slack.responseUrl('cancel'),
    });
    expect(reply.status).toBe(200);
    const answer = await stack.slack.waitFor((s) => s.state.responses.find((r) => r.id === 'cancel'));
    expect(String(answer.body.text)).toMatch(/stop|cancel/i);

    const thread = await stack.slack.waitFor((s) => {
      const t = s.thread('C0CANCEL', root.ts);
      return /: cancelled/.test(t.root?.text ?? '') ? t : undefined;
    }, 20_000);
    expect(thread.files).toHaveLength(0);
    expect(await stack.store.results.latest('resources')).toBeUndefined();
    // On the simulated platform the stopped command ended with it: the service is free at once (a real
    // cluster's lock is held for it: test/integration/baseline-lock-hold.test.ts).
    expect(await stack.store.locks.holder('measure', 'resources')).toBeUndefined();
  });

  it('says so when there is no such job', async () => {
    const reply = await sendSlashCommand(stack.events, stack.secret, {
      text: 'cancel baseline-00000000',
      channel_id: 'C0CANCEL2',
      response_url: stack.slack.responseUrl('none'),
    });
    expect(reply.status).toBe(200);
    const answer = await stack.slack.waitFor((s) => s.state.responses.find((r) => r.id === 'none'));
    expect(String(answer.body.text)).toMatch(/no job/i);
  });
});

describe('/perf cancel of baseline all', () => {
  it('stops every service: running ones abort, and the overview says what was cancelled', async () => {
    stack.platform.sandbox.faults.set('exec.slow', { delayMs: 60_000 });
    try {
      await sendSlashCommand(stack.events, stack.secret, {
        text: 'baseline all --runs 1',
        channel_id: 'C0CANALL',
      });
      const root = await stack.slack.waitFor((s) =>
        s.messagesIn('C0CANALL').find((m) => m.threadTs === undefined),
      );
      const jobId = /job `([^`]+)`/.exec(JSON.stringify(root.blocks))?.[1];
      expect(jobId).toMatch(/^all-/);
      // Wait until the children are running (their own status lines say so).
      await stack.slack.waitFor(
        (s) => s.thread('C0CANALL', root.ts).replies.some((m) => /: running/.test(m.text ?? '')),
        20_000,
      );
      // One service of it cannot be cancelled alone: its status line is not the thread's.
      await sendSlashCommand(stack.events, stack.secret, {
        text: `cancel ${jobId}-kafka`,
        channel_id: 'C0CANALL',
        response_url: stack.slack.responseUrl('child'),
      });
      const child = await stack.slack.waitFor((s) => s.state.responses.find((r) => r.id === 'child'));
      expect(String(child.body.text)).toMatch(/one service of/);
      await sendSlashCommand(stack.events, stack.secret, { text: `cancel ${jobId}`, channel_id: 'C0CANALL' });
      const thread = await stack.slack.waitFor((s) => {
        const t = s.thread('C0CANALL', root.ts);
        return /baseline all: done/.test(t.root?.text ?? '') ? t : undefined;
      }, 30_000);
      const overview = thread.replies.map((m) => JSON.stringify(m.blocks)).join('\n');
      expect(overview).toMatch(/[Cc]ancel/);
      expect(
        thread.replies.filter((m) => /^baseline \w+: cancelled/.test(m.text ?? '')).length,
      ).toBeGreaterThan(0);
    } finally {
      stack.platform.sandbox.faults.clear('exec.slow');
    }
  }, 60_000);
});

describe('/perf cancel of a job no worker has taken yet', () => {
  it('removes it from the queue and marks its thread cancelled', async () => {
    const botOnly = await startStack({ mode: 'bot', yaml: FAST });
    try {
      await sendSlashCommand(botOnly.events, botOnly.secret, {
        text: 'baseline kafka',
        channel_id: 'C0WAIT',
      });
      const root = await botOnly.slack.waitFor((s) =>
        s.messagesIn('C0WAIT').find((m) => m.threadTs === undefined),
      );
      const jobId = /job `([^`]+)`/.exec(JSON.stringify(root.blocks))?.[1];
      await sendSlashCommand(botOnly.events, botOnly.secret, {
        text: `cancel ${jobId}`,
        channel_id: 'C0WAIT',
      });
      const cancelled = await botOnly.slack.waitFor((s) => {
        const text = s.message('C0WAIT', root.ts)?.text ?? '';
        return /: cancelled/.test(text) ? text : undefined;
      });
      expect(cancelled).toMatch(/before it started/);
      expect(await countJobs(botOnly)).toBe(0);
    } finally {
      await botOnly.close();
    }
  });
});
