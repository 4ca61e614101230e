import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendSlashCommand } from '../../src/sim/slack/requests.js';
import { countJobs, FAST, type Stack, startStack } from '../helpers/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ mode: 'bot', yaml: FAST });
});
afterAll(async () => {
  await stack?.close();
});

describe('a replayed signed request (issue 18, item 6)', () => {
  it('starts one job and one root message, remembered in Redis', async () => {
    const timestampSec = Math.floor(Date.now() / 1000);
    const fields = { text: 'baseline resources', channel_id: 'C0E2ERE', trigger_id: '1700000000.7.feedface' };
    const first = await sendSlashCommand(stack.events, stack.secret, fields, { timestampSec });
    const replay = await sendSlashCommand(stack.events, stack.secret, fields, { timestampSec });
    expect(first.status).toBe(200);
    expect(replay.status).toBe(200);
    expect(replay.body).toBe('');
    await stack.slack.waitFor((s) => s.messagesIn('C0E2ERE')[0]);
    for (let i = 0; i < 100 && (await countJobs(stack)) === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await countJobs(stack)).toBe(1);
    expect(stack.slack.messagesIn('C0E2ERE')).toHaveLength(1);
    const remembered = await stack.redis.keys(`${stack.prefix}:delivered:request:*`);
    expect(remembered).toHaveLength(1);
    expect(await stack.redis.pttl(remembered[0] as string)).toBeGreaterThan(200_000);
  });
});
