import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PerfError } from '../../src/errors.js';
import { bold, line } from '../../src/present/document.js';
import {
  type Interaction,
  type InteractionRegistry,
  interactionButton,
} from '../../src/present/interaction.js';
import { blockActionPayload, sendBlockAction } from '../../src/sim/slack/requests.js';
import { type FakeSlack, startFakeSlack } from '../../src/sim/slack/server.js';
import { SIGNING_SECRET, startTestBot, type TestBot } from '../helpers/slack.js';

/** A test-only handler: no real button exists yet (tuning brings the first). */
const seen: Interaction[] = [];
const registry: InteractionRegistry = new Map([
  [
    'perf:test-approve',
    async (i: Interaction) => {
      seen.push(i);
      if (i.version !== 2) {
        throw new PerfError('conflict', 'stale', {
          userMessage: `Record ${i.recordId} moved on: it is at version 2.`,
        });
      }
      return {
        summary: line(`${i.recordId} approved`),
        blocks: [{ kind: 'paragraph', lines: [line(bold('Approved'), ` by ${i.actor.id}`)] }],
      };
    },
  ],
]);

let slack: FakeSlack;
let t: TestBot;

beforeAll(async () => {
  slack = await startFakeSlack();
});
afterAll(async () => {
  await slack.close();
});
beforeEach(async () => {
  seen.length = 0;
  t = await startTestBot({ slack, interactions: registry });
});
afterEach(async () => {
  await t.stop();
});

async function click(actionId: string, value: string | undefined, responseId: string) {
  const payload = blockActionPayload({
    actionId,
    ...(value === undefined ? {} : { value }),
    userId: 'U0APPROVER',
    responseUrl: slack.responseUrl(responseId),
  });
  const res = await sendBlockAction(t.eventsUrl, SIGNING_SECRET, payload);
  expect(res.status).toBe(200);
  return slack.waitFor((s) => s.state.responses.find((r) => r.id === responseId)?.body);
}

describe('the Slack adapter of the interaction port', () => {
  it('parses a signed click, calls the handler with the actor and record, and replaces the message', async () => {
    const button = interactionButton('perf:test-approve', 'Approve', { recordId: 'chg-1', version: 2 });
    const body = await click(button.actionId, button.value, 'act1');
    expect(seen).toEqual([
      {
        actionId: 'perf:test-approve',
        actor: { id: 'U0APPROVER', source: 'slack' },
        recordId: 'chg-1',
        version: 2,
      },
    ]);
    expect(body).toMatchObject({ replace_original: true, text: 'chg-1 approved' });
    expect(JSON.stringify(body.blocks)).toContain('*Approved* by U0APPROVER');
  });

  it('shows a refusal only to the person who clicked, and leaves the message', async () => {
    const button = interactionButton('perf:test-approve', 'Approve', { recordId: 'chg-1', version: 1 });
    const body = await click(button.actionId, button.value, 'act2');
    expect(body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(body.text).toBe('Record chg-1 moved on: it is at version 2.');
  });

  it.each([
    ['a value that is not a record', 'perf:test-approve', 'chg-1', 'carries no valid record'],
    [
      'an action nobody handles',
      'perf:unknown',
      '{"recordId":"x","version":0}',
      'is not handled by this perfbot',
    ],
  ])('refuses %s ephemerally, calling no handler', async (_name, actionId, value, expected) => {
    const body = await click(actionId, value, `act-${actionId.length}-${value.length}`);
    expect(body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(String(body.text)).toContain(expected);
    expect(seen).toEqual([]);
  });
});
