import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBullDispatcher } from '../../src/jobs/bullmq-dispatcher.js';
import { createQueues } from '../../src/jobs/queues.js';
import { sendSlashCommand } from '../../src/sim/slack/requests.js';
import { FAST, type Stack, startStack } from '../helpers/stack.js';

// BullMQ keeps a queue's own state next to its jobs (`<prefix>:bull:perf:meta`, `…:id`): a job id
// that is not one must never reach those keys, by /perf or by the dispatcher.
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ mode: 'bot', yaml: { ...FAST, access: { cancelAnyJob: ['U0ADMIN'] } } });
  // A real job in the queue, so that its meta hash exists.
  await sendSlashCommand(stack.events, stack.secret, { text: 'baseline resources', channel_id: 'C0IDS' });
  await stack.slack.waitFor((s) => s.messagesIn('C0IDS')[0]);
  await waitForKey(`${stack.prefix}:bull:perf:meta`);
});
afterAll(async () => {
  await stack?.close();
});

async function waitForKey(key: string): Promise<void> {
  for (let i = 0; i < 100 && (await stack.redis.exists(key)) === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function answer(text: string, userId = 'U0ALICE'): Promise<string> {
  const id = `ids-${Math.random()}`;
  const res = await sendSlashCommand(stack.events, stack.secret, {
    text,
    user_id: userId,
    response_url: stack.slack.responseUrl(id),
  });
  const acked = (res.json as { text?: string } | undefined)?.text;
  if (acked) return acked;
  const reply = await stack.slack.waitFor((s) => s.state.responses.find((r) => r.id === id));
  return String(reply.body.text);
}

describe('job ids have one shape', () => {
  it.each(['meta', 'id', 'wait', 'events'])(
    'answers `/perf status %s` with usage, no phantom job',
    async (id) => {
      const text = await answer(`status ${id}`);
      expect(text).toContain(`\`${id}\` is not a valid job id`);
      expect(text).not.toMatch(/WRONGTYPE|unexpected error/);
      expect(text).toContain('Usage:');
    },
  );

  it('refuses `/perf cancel meta` by an access.cancelAnyJob user, and the queue keeps its meta hash', async () => {
    const meta = `${stack.prefix}:bull:perf:meta`;
    const before = await stack.redis.hgetall(meta);
    expect(Object.keys(before).length).toBeGreaterThan(0);
    const text = await answer('cancel meta', 'U0ADMIN');
    expect(text).toContain('`meta` is not a valid job id');
    expect(await stack.redis.hgetall(meta)).toEqual(before);
    const entries = await stack.store.audit.read(20);
    expect(entries.filter((e) => e.action === 'cancel')).toEqual([]);
  });

  it('keeps BullMQ keys out of the dispatcher itself, whatever its caller', async () => {
    const queues = createQueues(stack.redis, `${stack.prefix}:bull`);
    try {
      const dispatcher = createBullDispatcher({
        queues,
        publisher: stack.redis,
        cancelChannel: `${stack.prefix}:cancel`,
        jobs: stack.config.platform.jobs,
        flagCancelled: async () => undefined,
      });
      const meta = `${stack.prefix}:bull:perf:meta`;
      const before = await stack.redis.hgetall(meta);
      expect(await dispatcher.get('meta')).toBeUndefined();
      expect(await dispatcher.get('id')).toBeUndefined();
      expect(await dispatcher.cancel('meta', 'U0ADMIN')).toMatchObject({ cancelled: false });
      expect(await stack.redis.hgetall(meta)).toEqual(before);
      const [job] = await dispatcher.recent(1);
      expect(job?.id).toMatch(/^baseline-[0-9a-f]{8}$/);
      expect(await dispatcher.get(job?.id ?? '')).toMatchObject({
        id: job?.id,
        summary: 'baseline resources',
      });
    } finally {
      await queues.close();
    }
  });
});
