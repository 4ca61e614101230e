import type { App, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { asPerfError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { bold, type Doc, icon, line } from '../../present/document.js';
import { ACTION_PREFIX, handleInteraction, type InteractionRegistry } from '../../present/interaction.js';
import { renderSlack } from '../../present/slack/render.js';
import { content } from '../slack-notifier.js';

const PERF_ACTION = new RegExp(`^${ACTION_PREFIX}`);

/**
 * The Slack adapter of the interaction port: every `perf:` button is acked at once (Slack's 3 s),
 * parsed, handed to its handler, and the message is replaced with the card the handler returns.
 * A refusal (or a failure) goes only to the person who clicked, and leaves the message as it was.
 *
 * @example registerInteractions(app, new Map([['perf:approve', approve]]), log)
 */
export function registerInteractions(app: App, registry: InteractionRegistry, log: Logger): void {
  app.action<BlockAction>(PERF_ACTION, async (args) => {
    await args.ack();
    const { action, body } = args;
    const actionId = action.action_id;
    const value = action.type === 'button' ? action.value : undefined;
    try {
      const doc = await handleInteraction(registry, actionId, { id: body.user.id, source: 'slack' }, value);
      await args.respond({ replace_original: true, ...blockKit(doc) });
    } catch (error) {
      const perfError = asPerfError(error);
      log.warn({ err: perfError, actionId, userId: body.user.id }, 'interaction refused');
      await refuse(args, perfError.userMessage);
    }
  });
}

async function refuse(args: SlackActionMiddlewareArgs<BlockAction>, userMessage: string): Promise<void> {
  const doc: Doc = {
    summary: line(userMessage),
    blocks: [
      { kind: 'paragraph', lines: [line(icon('no_entry_sign'), ' ', bold('Not done')), line(userMessage)] },
    ],
  };
  await args.respond({ response_type: 'ephemeral', replace_original: false, ...blockKit(doc) });
}

/** The document as Block Kit (`present/slack/`). */
const blockKit = (doc: Doc) => content(renderSlack(doc));
