import { expect } from 'vitest';
import type { ChangeRecord } from '../../src/changes/record.js';
import { blockActionPayload, sendBlockAction, sendSlashCommand } from '../../src/sim/slack/requests.js';
import type { SlackMessage } from '../../src/sim/slack/state.js';
import type { Stack } from './stack.js';

/** Helpers for the tuning flow through Slack: slash commands, the card's buttons, signed clicks. */

export const CHANNEL = 'C0TUNE';

let responses = 0;

/** `/perf <text>` from `user`; what the bot answers through `response_url` is read with `answer`. */
export async function slash(stack: Stack, text: string, user: string) {
  const id = `slash${++responses}`;
  const reply = await sendSlashCommand(stack.events, stack.secret, {
    text,
    channel_id: CHANNEL,
    user_id: user,
    response_url: stack.slack.responseUrl(id),
  });
  expect(reply.status).toBe(200);
  expect(reply.ms).toBeLessThan(3000);
  return { reply, id };
}

/** The text of everything the bot answered through one response_url, joined. */
export async function answer(stack: Stack, id: string): Promise<string> {
  const body = await stack.slack.waitFor((s) => s.state.responses.find((r) => r.id === id)?.body);
  return `${String(body.text ?? '')}\n${JSON.stringify(body.blocks ?? [])}`;
}

interface ButtonElement {
  action_id?: string;
  value?: string;
  style?: string;
  confirm?: unknown;
}

/** The buttons of a message, as Block Kit carries them. */
export function buttonsOf(message: Pick<SlackMessage, 'blocks'>): ButtonElement[] {
  return ((message.blocks ?? []) as { type?: string; elements?: ButtonElement[] }[])
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements ?? []);
}

const textOf = (m: Pick<SlackMessage, 'text' | 'blocks'>) =>
  `${m.text ?? ''}\n${JSON.stringify(m.blocks ?? [])}`;

/** The newest reply in the channel whose text matches, once it is there. */
export async function waitForReply(stack: Stack, match: RegExp, timeoutMs = 30_000): Promise<SlackMessage> {
  return stack.slack.waitFor(
    (s) =>
      [...s.messagesIn(CHANNEL)].reverse().find((m) => m.threadTs !== undefined && match.test(textOf(m))),
    timeoutMs,
  );
}

/**
 * The card of a stored proposal, once posted after the `after`-th message of the channel (it carries
 * a Reject button: an outcome posted meanwhile by an earlier change names a change too), and its record.
 */
export async function waitForCard(
  stack: Stack,
  after: number,
): Promise<{ card: SlackMessage; record: ChangeRecord }> {
  const card = await stack.slack.waitFor(
    (s) =>
      s
        .messagesIn(CHANNEL)
        .slice(after)
        .find((m) => m.threadTs !== undefined && buttonsOf(m).some((b) => b.action_id === 'perf:reject')),
    30_000,
  );
  const id = /chg-[0-9a-f]{8}/.exec(textOf(card))?.[0] ?? '';
  const record = await waitForRecord(stack, id, (r) => r !== undefined);
  return { card, record };
}

/** A change record once it satisfies `until`. */
export async function waitForRecord(
  stack: Stack,
  id: string,
  until: (r: ChangeRecord | undefined) => boolean,
  timeoutMs = 30_000,
): Promise<ChangeRecord> {
  const started = Date.now();
  for (;;) {
    const record = await stack.store.changes.get(id);
    if (until(record) && record) return record;
    if (Date.now() - started > timeoutMs)
      throw new Error(`change ${id} never got there: ${JSON.stringify(record?.state)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A signed click on a card's button by `user`: the body perfbot posted to the click's response_url. */
export async function click(stack: Stack, card: SlackMessage, actionId: string, user: string) {
  const button = buttonsOf(card).find((b) => b.action_id === actionId);
  if (!button?.value) throw new Error(`the card has no ${actionId} button`);
  const id = `click${++responses}`;
  const payload = blockActionPayload({
    actionId,
    value: button.value,
    userId: user,
    channelId: CHANNEL,
    messageTs: card.ts,
    ...(card.threadTs === undefined ? {} : { threadTs: card.threadTs }),
    responseUrl: stack.slack.responseUrl(id),
  });
  const res = await sendBlockAction(stack.events, stack.secret, payload);
  expect(res.status).toBe(200);
  const body = await stack.slack.waitFor((s) => s.state.responses.find((r) => r.id === id)?.body, 15_000);
  return { body, text: `${String(body.text ?? '')}\n${JSON.stringify(body.blocks ?? [])}` };
}

/** PATCHes that changed the cluster (a server-side dry run is not one). */
export const writes = (stack: Stack, name: string) =>
  stack.platform.sandbox.requests.filter(
    (r) => r.method === 'PATCH' && r.path.endsWith(`/${name}`) && !/dryRun/.test(r.query),
  );
