import type { RespondArguments, SlackCommandMiddlewareArgs, SlashCommand, types } from '@slack/bolt';
import { type Command, NOT_YET_AVAILABLE } from '../../commands/command.js';
import type { PlatformConfig } from '../../config/platform.js';
import { asPerfError } from '../../errors.js';
import { type Dispatcher, newJobId, type QueuedCommand } from '../../jobs/dispatcher.js';
import type { Message, MessageRef, Notifier } from '../../jobs/notifier.js';
import type { Logger } from '../../log.js';
import type { AuditEntry, AuditLog } from '../../store/audit.js';
import { authorize, needsGroupLookup } from '../authorize.js';
import { formatCommand, helpText, parseCommand } from '../grammar.js';
import {
  renderAccepted,
  renderCancel,
  renderFailure,
  renderHelp,
  renderJobs,
  renderNotAuthorized,
  renderNotAvailable,
  renderUsage,
} from '../views/replies.js';
import { renderStatus } from '../views/status.js';

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
interface Replier {
  ack(message?: Message): Promise<void>;
  answer(message: Message): Promise<void>;
}

type Handled = { kind: string; outcome: CommandOutcome };

/**
 * The `/perf` listener (STYLE.md, "How /perf baseline kafka flows"): parse → authorize → ack →
 * root status message → enqueue → status with the job id. It never throws after the ack: a failure
 * is told to the user ephemerally and logged.
 *
 * @example app.command('/perf', createPerfCommand(deps))
 */
export function createPerfCommand(
  deps: PerfCommandDeps,
): (args: SlackCommandMiddlewareArgs) => Promise<void> {
  const now = deps.now ?? (() => performance.now());
  return async (args) => {
    const log = deps.log.child({
      command: '/perf',
      userId: args.command.user_id,
      channel: args.command.channel_id,
    });
    const started = now();
    const reply = createReplier(args, () => deps.metrics?.acked((now() - started) / 1000));
    const handled = await handle(args.command, reply, { ...deps, log }).catch(async (error: unknown) => {
      const perfError = asPerfError(error);
      log.error({ err: perfError, code: perfError.code }, '/perf failed');
      await reply.answer(renderFailure(args.command.text, perfError.userMessage)).catch(() => undefined);
      return { kind: 'unknown', outcome: 'failed' } satisfies Handled;
    });
    deps.metrics?.counted(handled.kind, handled.outcome);
  };
}

function createReplier(args: SlackCommandMiddlewareArgs, onAck: () => void): Replier {
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

async function handle(slash: SlashCommand, reply: Replier, deps: PerfCommandDeps): Promise<Handled> {
  const parsed = parseCommand(slash.text);
  if (!parsed.ok) {
    await reply.answer(renderUsage(parsed.error));
    return { kind: 'unknown', outcome: 'usage' };
  }
  const command = parsed.value;
  const allowed = await isAllowed(slash, command, reply, deps);
  if (!allowed) return { kind: command.kind, outcome: 'refused' };
  return { kind: command.kind, outcome: await run(slash, command, reply, deps) };
}

async function isAllowed(slash: SlashCommand, command: Command, reply: Replier, deps: PerfCommandDeps) {
  const userId = slash.user_id;
  const access = deps.platform.access;
  let groups: string[] = [];
  if (needsGroupLookup(userId, command.kind, access)) {
    // Slack API calls: acknowledge first, Slack's 3 s deadline does not wait for them.
    await reply.ack();
    groups = await deps.resolveUserGroups(userId);
  }
  const decision = authorize(userId, groups, command.kind, access);
  if (decision.ok) return true;
  await reply.answer(renderNotAuthorized(decision.error.message));
  await record(deps, {
    actor: userId,
    action: 'command',
    outcome: 'refused',
    detail: detailOf(slash, command),
  });
  return false;
}

async function run(slash: SlashCommand, command: Command, reply: Replier, deps: PerfCommandDeps) {
  if (NOT_YET_AVAILABLE.has(command.kind)) {
    await reply.answer(renderNotAvailable(command.kind));
    return 'not_available';
  }
  switch (command.kind) {
    case 'help':
      await reply.answer(renderHelp(helpText(command.topic)));
      return 'ok';
    case 'status': {
      await reply.ack();
      const jobs =
        command.jobId === undefined
          ? await deps.dispatcher.recent(5)
          : await deps.dispatcher.get(command.jobId);
      await reply.answer(renderJobs(Array.isArray(jobs) ? jobs : jobs ? [jobs] : [], command.jobId));
      return 'ok';
    }
    case 'cancel': {
      await reply.ack();
      const result = await deps.dispatcher.cancel(command.jobId, slash.user_id);
      await reply.answer(renderCancel(command.jobId, result));
      await record(deps, {
        actor: slash.user_id,
        action: 'cancel',
        outcome: result.cancelled ? 'ok' : 'refused',
        detail: { jobId: command.jobId },
      });
      return 'ok';
    }
    case 'baseline':
    case 'history':
      return enqueue(slash, command, reply, deps);
    default:
      await reply.answer(renderNotAvailable(command.kind));
      return 'not_available';
  }
}

/**
 * baseline / history: ack, root status message (already naming the job id, so that no later edit of
 * the bot can race the worker's), enqueue.
 */
async function enqueue(slash: SlashCommand, command: QueuedCommand, reply: Replier, deps: PerfCommandDeps) {
  const title = formatCommand(command);
  const userId = slash.user_id;
  const channel = slash.channel_id;
  const detail = detailOf(slash, command);
  await reply.ack(renderAccepted(title));
  const jobId = newJobId(command);
  let root: MessageRef | undefined;
  try {
    root = await deps.notifier.postRoot(
      channel,
      renderStatus({ title, state: 'queued', requestedBy: userId, jobId }),
    );
    const thread = { channel, threadTs: root.ts };
    await deps.dispatcher.enqueue(command, { userId, source: 'slack', thread, statusTs: root.ts }, jobId);
    deps.log.info({ jobId, title }, 'job queued');
    await record(deps, { actor: userId, action: 'command', outcome: 'ok', detail: { ...detail, jobId } });
    return 'ok';
  } catch (error) {
    const perfError = asPerfError(error);
    if (root) {
      const failed = renderStatus({
        title,
        state: 'failed',
        requestedBy: userId,
        jobId,
        detail: perfError.userMessage,
      });
      await deps.notifier.update(root, failed).catch(() => undefined);
    }
    deps.log.error({ err: perfError, code: perfError.code, title }, 'could not start the job');
    await reply
      .answer(renderFailure(title, perfError.userMessage))
      .catch((e: unknown) => deps.log.warn({ err: asPerfError(e) }, 'could not tell the user'));
    await record(deps, {
      actor: userId,
      action: 'command',
      outcome: 'failed',
      detail: { ...detail, code: perfError.code },
    });
    return 'failed';
  }
}

const detailOf = (slash: SlashCommand, command: Command) => ({
  kind: command.kind,
  text: slash.text.slice(0, 200),
  channel: slash.channel_id,
});

/** The audit log must not turn an answered command into a crash: log its failures. */
async function record(deps: PerfCommandDeps, entry: AuditEntry): Promise<void> {
  await deps.audit.append(entry).catch((error: unknown) => {
    deps.log.error({ err: asPerfError(error), entry }, 'audit append failed');
  });
}
