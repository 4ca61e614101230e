import type { RespondArguments, SlackCommandMiddlewareArgs, SlashCommand } from '@slack/bolt';
import type { Command } from '../../commands/command.js';
import type { PlatformConfig } from '../../config/platform.js';
import { asPerfError } from '../../errors.js';
import type { Dispatcher } from '../../jobs/dispatcher.js';
import type { Logger } from '../../log.js';
import type { Doc } from '../../present/document.js';
import type { Notifier } from '../../present/notifier.js';
import { renderSlack } from '../../present/slack/render.js';
import type { AuditEntry, AuditLog } from '../../store/audit.js';
import type { ChangeRecords } from '../../store/changes.js';
import type { Journal } from '../../store/journal.js';
import { content } from '../slack-notifier.js';

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
  /** Where the bot records a thread's root `ts` for the job already queued (`jobs/root-message.ts`). */
  journal: Journal;
  log: Logger;
  /** The user group ids (S…) the user belongs to; called only when a rule names a group. */
  resolveUserGroups(userId: string): Promise<string[]>;
  metrics?: CommandMetrics;
  /** The change records, for `/perf changes` and the changes `/perf status` lists. */
  changes?: ChangeRecords;
  /** Milliseconds, for the ack latency. */
  now?: () => number;
}

/** Ephemeral answers go in the ack while it is unsent, then through `response_url`. */
export interface Replier {
  ack(doc?: Doc): Promise<void>;
  answer(doc: Doc): Promise<void>;
}

export function createReplier(args: SlackCommandMiddlewareArgs, onAck: () => void): Replier {
  let acked = false;
  const ack = async (doc?: Doc) => {
    if (acked) return;
    acked = true;
    await args.ack(doc === undefined ? undefined : ephemeral(doc));
    onAck();
  };
  return {
    ack,
    answer: async (doc) => {
      if (acked) await args.respond(ephemeral(doc));
      else await ack(doc);
    },
  };
}

/** The document as Block Kit (`present/slack/`); the fake Slack in tests checks it against Slack's limits. */
export const ephemeral = (doc: Doc): RespondArguments => ({
  response_type: 'ephemeral',
  ...content(renderSlack(doc)),
});

export const detailOf = (slash: SlashCommand, command: Command) => ({
  kind: command.kind,
  text: slash.text.slice(0, 200),
  channel: slash.channel_id,
  team: slash.team_id,
});

/** The audit log must not turn an answered command into a crash: log its failures. */
export async function record(deps: PerfCommandDeps, entry: AuditEntry): Promise<void> {
  await deps.audit.append(entry).catch((error: unknown) => {
    deps.log.error({ err: asPerfError(error), entry }, 'audit append failed');
  });
}
