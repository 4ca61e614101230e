import { z } from 'zod';
import { PerfError } from '../errors.js';
import type { Button, Doc } from './document.js';

/**
 * The interaction port: a button in Slack and a y/N prompt in the terminal are two adapters
 * (`bot/actions/interactions.ts`, `cli/prompt.ts`) of one handler. A button's `value` names the
 * record it acts on and the version the person saw, so a handler can refuse a stale click
 * (compare-and-set on the record's version).
 */

/** Every perfbot action id starts with this; Bolt routes `/^perf:/` to the registry. */
export const ACTION_PREFIX = 'perf:';

/**
 * What a button carries: `{"recordId":"chg-1","version":3}`, and `item` when it acts on one part of
 * the record (a finding of a stored bottlenecks answer). Slack allows 2,000 characters.
 */
export const InteractionValueSchema = z.object({
  recordId: z.string().min(1).max(200),
  version: z.number().int().nonnegative(),
  item: z.number().int().nonnegative().max(10_000).optional(),
});
export type InteractionValue = z.infer<typeof InteractionValueSchema>;

export interface Actor {
  /** A Slack user id, or the local user name in the CLI. */
  id: string;
  source: 'slack' | 'cli';
}

export interface Interaction extends InteractionValue {
  actionId: string;
  actor: Actor;
}

/**
 * Handles one interaction and returns the updated card (Slack replaces the message with it; the CLI
 * prints it). A refusal throws a `PerfError` (`not_authorized`, `conflict` for a stale version…),
 * which the adapter shows only to the person who clicked.
 *
 * @example const approve: InteractionHandler = async (i) => buildVerdict(await changes.approve(i.recordId, i.version, i.actor))
 */
export type InteractionHandler = (interaction: Interaction) => Promise<Doc>;

/** Action id → handler; action ids are `as const` in the module that owns them (`perf:approve`). */
export type InteractionRegistry = ReadonlyMap<string, InteractionHandler>;

/** A button for a record: its value is what `parseInteraction` reads back. */
export function interactionButton(
  actionId: string,
  label: string,
  value: InteractionValue,
  extra: Pick<Button, 'style' | 'confirm'> = {},
): Button {
  return { actionId, label, value: JSON.stringify(InteractionValueSchema.parse(value)), ...extra };
}

/**
 * Pure: a click (or a confirmed prompt) → an `Interaction`, or why it cannot be one.
 *
 * @example parseInteraction('perf:approve', { id: 'U1', source: 'slack' }, '{"recordId":"chg-1","version":2}')
 */
export function parseInteraction(
  actionId: string,
  actor: Actor,
  value: string | undefined,
): { ok: true; value: Interaction } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(value ?? '');
  } catch {
    return { ok: false, error: `the button's value is not JSON: ${JSON.stringify(value ?? '')}` };
  }
  const parsed = InteractionValueSchema.safeParse(json);
  if (!parsed.success) return { ok: false, error: z.prettifyError(parsed.error) };
  return { ok: true, value: { actionId, actor, ...parsed.data } };
}

/** Runs the handler an interaction names; unknown action ids and bad values are the user's error. */
export async function handleInteraction(
  registry: InteractionRegistry,
  actionId: string,
  actor: Actor,
  value: string | undefined,
): Promise<Doc> {
  // A button repeated in one message carries a numbered action id (`perf:propose-fix:2`), as Slack
  // wants its action ids unique: it is routed to the handler of its base id.
  const handler = registry.get(actionId) ?? registry.get(actionId.replace(/:\d{1,5}$/, ''));
  if (!handler)
    throw new PerfError('not_available', `no handler for ${actionId}`, {
      userMessage: `This button (\`${actionId}\`) is not handled by this perfbot: it may come from an older version.`,
    });
  const parsed = parseInteraction(actionId, actor, value);
  if (!parsed.ok)
    throw new PerfError('usage', `bad interaction value: ${parsed.error}`, {
      userMessage: 'This button carries no valid record: it may come from an older version of perfbot.',
    });
  return handler(parsed.value);
}
