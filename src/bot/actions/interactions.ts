import type { App, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { asPerfError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { bold, type Doc, icon, type Line, line, mention, text } from '../../present/document.js';
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
      // A refusal is the policy working (not an approver, a stale card): info; anything else is a warning.
      const expected = ['not_authorized', 'usage', 'conflict'].includes(perfError.code);
      log[expected ? 'info' : 'warn'](
        { err: perfError, actionId, userId: body.user.id },
        'interaction refused',
      );
      await refuse(args, perfError.userMessage);
    }
  });
}

async function refuse(args: SlackActionMiddlewareArgs<BlockAction>, userMessage: string): Promise<void> {
  const doc: Doc = {
    summary: line(userMessage),
    blocks: [
      {
        kind: 'paragraph',
        lines: [line(icon('no_entry_sign'), ' ', bold('Not done')), withMentions(userMessage)],
      },
    ],
  };
  await args.respond({ response_type: 'ephemeral', replace_original: false, ...blockKit(doc) });
}

/**
 * A refusal names who may act in Slack's mention syntax (`<@U1>`, `<!subteam^S1>`, as the approval
 * policy writes them): mention spans, so that the reader can click them rather than read them escaped.
 */
function withMentions(message: string): Line {
  return message
    .split(/(<@[UW][A-Z0-9]+>|<!subteam\^S[A-Z0-9]+>)/)
    .filter((part) => part !== '')
    .map((part) => {
      const id = /^<(?:@|!subteam\^)([UWS][A-Z0-9]+)>$/.exec(part)?.[1];
      return id ? mention(id) : text(part);
    });
}

/** The document as Block Kit (`present/slack/`). */
const blockKit = (doc: Doc) => content(renderSlack(doc));
