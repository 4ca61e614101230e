import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/bot/grammar.js';
import { CommandSchema } from '../../src/commands/command.js';
import { type FakeSlack, startFakeSlack } from '../../src/sim/slack/server.js';
import { startTestBot, type TestBot } from '../helpers/slack.js';

let slack: FakeSlack;
let t: TestBot;
beforeAll(async () => {
  slack = await startFakeSlack();
  t = await startTestBot({ slack });
});
afterAll(async () => {
  await t?.stop();
  await slack?.close();
});

const WORDS = [
  'baseline',
  'history',
  'kafka',
  'trino',
  'all',
  '--runs',
  '3',
  '0',
  ';',
  '|',
  '$(id)',
  '`',
  '--acks',
  'tune',
  '<!channel>',
  '"',
  "'",
  '&&',
];
/** Text near the grammar (its words, shell syntax, quotes) as well as anything at all. */
const text = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.array(fc.constantFrom(...WORDS), { maxLength: 6 }).map((w) => w.join(' ')),
);

describe('/perf with arbitrary text, through the real bot over signed HTTP', () => {
  it('always answers 200 and queues exactly the job commands the grammar accepts, nothing else', async () => {
    await fc.assert(
      fc.asyncProperty(text, async (typed) => {
        const before = t.dispatcher.enqueued.length;
        const res = await t.slash(typed);
        expect(res.status).toBe(200);
        const parsed = parseCommand(typed);
        const queues = parsed.ok && (parsed.value.kind === 'baseline' || parsed.value.kind === 'history');
        if (queues) await t.audit.waitForEntries(t.audit.entries.length + 1).catch(() => undefined);
        const added = t.dispatcher.enqueued.slice(before);
        expect(added.length).toBe(queues ? 1 : 0);
        for (const { command } of added) expect(CommandSchema.safeParse(command).success).toBe(true);
      }),
      { numRuns: 120 },
    );
  }, 120_000);
});
