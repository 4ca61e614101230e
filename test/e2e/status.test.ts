import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendSlashCommand } from '../../src/sim/slack/requests.js';
import { FAST, type Stack, startStack } from '../helpers/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ yaml: FAST });
});
afterAll(async () => {
  await stack?.close();
});

async function runToEnd(text: string, channel: string): Promise<void> {
  await sendSlashCommand(stack.events, stack.secret, { text, channel_id: channel });
  await stack.slack.waitFor((s) => {
    const root = s.messagesIn(channel).find((m) => m.threadTs === undefined);
    return root && /: (done|failed)/.test(root.text ?? '') ? root : undefined;
  }, 30_000);
}

describe('/perf status', () => {
  it('lists the newest jobs whatever their state, failed ones included, without stale progress', async () => {
    await runToEnd('baseline resources --runs 1', 'C0ST1');
    stack.platform.sandbox.faults.set('kafka.unreachable');
    try {
      await runToEnd('baseline kafka --runs 1', 'C0ST2');
    } finally {
      stack.platform.sandbox.faults.clear('kafka.unreachable');
    }
    await sendSlashCommand(stack.events, stack.secret, {
      text: 'status',
      channel_id: 'C0ST3',
      response_url: stack.slack.responseUrl('status'),
    });
    const answer = await stack.slack.waitFor((s) => s.state.responses.find((r) => r.id === 'status'));
    const text = String(answer.body.text);
    expect(text).toMatch(/baseline kafka: failed/);
    expect(text).toMatch(/baseline resources: completed/);
    expect(text).not.toMatch(/completed · /);
  });
});
