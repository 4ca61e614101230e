import type { RespondArguments, SlackCommandMiddlewareArgs, SlashCommand, types } from '@slack/bolt';
import type { Command } from '../../commands/command.js';
import type { PlatformConfig } from '../../config/platform.js';
import { asPerfError } from '../../errors.js';
import type { Dispatcher } from '../../jobs/dispatcher.js';
import type { Message, Notifier } from '../../jobs/notifier.js';
import type { Logger } from '../../log.js';
import type { AuditEntry, AuditLog } from '../../store/audit.js';

/** What the `/perf` listener's steps share: its deps, the way it replies, and the audit trail. */
export type CommandOutcome = 'ok' | 'usage' | 'refused' | 'not_available' | 'failed';

/** What the listener counts; `bot/app.ts` implements it over prom-client. */
export interface CommandMetrics {
  counted(kind: string, outcome: CommandOutcome): void;
  /** Seconds from the listener's start to Slack's ack (Slack's deadline is 3 s). */
  acked(seconds: number): void;
}

export interface PerfCommandDeps {
  platform: PlatformConfig;
  notifier: Notifier;
  dispatcher: Dispatcher;
  audit: AuditLog;
  log: Logger;
  /** The user group ids (S…) the user belongs to; called only when a rule names a group. */
  resolveUserGroups(userId: string): Promise<string[]>;
  metrics?: CommandMetrics;
  /** Milliseconds, for the ack latency. */
  now?: () => number;
}

/** Ephemeral answers go in the ack while it is unsent, then through `response_url`. */
export interface Replier {
  ack(message?: Message): Promise<void>;
  answer(message: Message): Promise<void>;
}

export function createReplier(args: SlackCommandMiddlewareArgs, onAck: () => void): Replier {
  let acked = false;
  const ack = async (message?: Message) => {
    if (acked) return;
    acked = true;
    await args.ack(message === undefined ? undefined : ephemeral(message));
    onAck();
  };
  return {
    ack,
    answer: async (message) => {
      if (acked) await args.respond(ephemeral(message));
      else await ack(message);
    },
  };
}

/** Block Kit built by `bot/views`; the fake Slack in tests checks it against Slack's limits. */
const ephemeral = (message: Message): RespondArguments => ({
  response_type: 'ephemeral',
  text: message.text,
  ...(message.blocks ? { blocks: [...message.blocks] as unknown as types.KnownBlock[] } : {}),
});

export const detailOf = (slash: SlashCommand, command: Command) => ({
  kind: command.kind,
  text: slash.text.slice(0, 200),
  channel: slash.channel_id,
});

/** The audit log must not turn an answered command into a crash: log its failures. */
export async function record(deps: PerfCommandDeps, entry: AuditEntry): Promise<void> {
  await deps.audit.append(entry).catch((error: unknown) => {
    deps.log.error({ err: asPerfError(error), entry }, 'audit append failed');
  });
}
