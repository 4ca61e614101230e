import { median } from 'simple-statistics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendSlashCommand } from '../../src/sim/slack/requests.js';
import { KafkaFault } from '../../src/sim/tools/kafka-faults.js';
import { FAST, type Stack, startStack } from '../helpers/stack.js';

const CHANNEL = 'C0INVALID';
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ yaml: FAST });
});
afterAll(async () => {
  await stack?.close();
});

describe('a Kafka run whose producer sent fewer records than asked (KAFKA-14812)', () => {
  it('is named in the thread with its reason, left out of the median, and the tool warnings are shown', async () => {
    // The simulated producer exits 0 but sends 70% of the records, after `Expiring` warnings, once:
    // Kafka takes no warm-up, so that is run 1 of 3.
    stack.platform.sandbox.faults.set(KafkaFault.shortSend, { times: 1, fraction: 0.7 });
    const reply = await sendSlashCommand(stack.events, stack.secret, {
      text: 'baseline kafka --runs 3',
      channel_id: CHANNEL,
      user_id: 'U0ALICE',
    });
    expect(reply.status).toBe(200);
    const root = await stack.slack.waitFor((s) =>
      s.messagesIn(CHANNEL).find((m) => m.threadTs === undefined),
    );
    const done = await stack.slack.waitFor((s) => {
      const thread = s.thread(CHANNEL, root.ts);
      return /: done/.test(thread.root?.text ?? '') && thread.files.length > 0 ? thread : undefined;
    }, 60_000);
    const thread = done.replies.map((m) => JSON.stringify(m.blocks) + (m.text ?? '')).join('\n');
    expect(thread).toContain('1 of 3 run(s) not counted');
    expect(thread).toMatch(/run 1 not counted: the producer reports 700,000 records sent of 1,000,000 asked/);
    expect(thread).toMatch(/3 run\(s\) in \d+ s\b.*, 1 not counted/);
    expect(thread).toContain('Tool warnings');
    expect(thread).toMatch(/Expiring \d+ record\(s\)/);

    // The stored result keeps the run, marked, and its median is of the two clean runs only.
    const stored = await stack.store.results.latest('kafka');
    expect(stored?.runs).toHaveLength(3);
    expect(stored?.runs[0]?.invalid).toMatch(/700,000 records sent of 1,000,000 asked/);
    const rate = stored?.summary.find((s) => s.key === 'producer.records_per_sec');
    const clean = (stored?.runs ?? [])
      .slice(1)
      .map((r) => r.samples['producer.records_per_sec'] ?? Number.NaN);
    expect(rate?.n).toBe(2);
    expect(rate?.median).toBe(median(clean));
  }, 90_000);
});
