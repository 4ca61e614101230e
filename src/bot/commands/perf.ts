import type { SlackCommandMiddlewareArgs, SlashCommand } from '@slack/bolt';
import { type Command, NOT_YET_AVAILABLE } from '../../commands/command.js';
import { checkLimits } from '../../commands/limits.js';
import type { ComponentName } from '../../domain/components.js';
import { asPerfError } from '../../errors.js';
import { LEDGER_ROWS, statusChanges } from '../../jobs/changes/ledger.js';
import { statusRefOf } from '../../jobs/contracts.js';
import { currentTs, isPendingTs } from '../../jobs/root-message.js';
import { buildChangesLedger } from '../../present/change-card.js';
import { code, line, mention } from '../../present/document.js';
import {
  buildCancel,
  buildFailure,
  buildHelp,
  buildJobs,
  buildNotAuthorized,
  buildNotAvailable,
  buildRefusal,
  buildUsage,
} from '../../present/replies.js';
import { buildStatus } from '../../present/status.js';
import { authorize, needsGroupLookup } from '../authorize.js';
import { helpText, MAX_ECHO_CHARS, parseCommand } from '../grammar.js';
import { withinLimits } from '../usage-limits.js';
import {
  type CommandOutcome,
  createReplier,
  detailOf,
  type PerfCommandDeps,
  type Replier,
  record,
} from './perf-context.js';
import { enqueue } from './perf-enqueue.js';

export type { CommandMetrics, CommandOutcome, PerfCommandDeps } from './perf-context.js';

type Handled = { kind: string; outcome: CommandOutcome };

/** The user's text as a reply may quote it: cut past `MAX_ECHO_CHARS`, saying so. */
const echoed = (text: string) =>
  text.length <= MAX_ECHO_CHARS ? text : `${text.slice(0, MAX_ECHO_CHARS)}… (cut)`;

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
      await reply
        .answer(buildFailure(echoed(args.command.text), perfError.userMessage))
        .catch(() => undefined);
      return { kind: 'unknown', outcome: 'failed' } satisfies Handled;
    });
    deps.metrics?.counted(handled.kind, handled.outcome);
  };
}

async function handle(slash: SlashCommand, reply: Replier, deps: PerfCommandDeps): Promise<Handled> {
  const parsed = parseCommand(slash.text);
  if (!parsed.ok) {
    await reply.answer(buildUsage(withinLimits(parsed.error, deps.platform)));
    return { kind: 'unknown', outcome: 'usage' };
  }
  const command = parsed.value;
  // Not built yet is the first thing to say: a policy over a command nobody can run would mislead.
  if (NOT_YET_AVAILABLE.has(command.kind)) {
    await reply.answer(buildNotAvailable(command.kind));
    return { kind: command.kind, outcome: 'not_available' };
  }
  const allowed = await isAllowed(slash, command, reply, deps);
  if (!allowed) return { kind: command.kind, outcome: 'refused' };
  const overLimit = checkLimits(command, deps.platform);
  if (overLimit !== undefined) {
    await reply.answer(buildUsage({ message: overLimit, usage: helpText(command.kind) }));
    return { kind: command.kind, outcome: 'usage' };
  }
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
  await reply.answer(buildRefusal(command.kind, decision.error.allowed));
  await record(deps, {
    actor: userId,
    action: 'command',
    outcome: 'refused',
    detail: detailOf(slash, command),
  });
  return false;
}

async function run(
  slash: SlashCommand,
  command: Command,
  reply: Replier,
  deps: PerfCommandDeps,
): Promise<CommandOutcome> {
  switch (command.kind) {
    case 'help':
      await reply.answer(buildHelp(helpText(command.topic)));
      return 'ok';
    case 'status':
      return showStatus(command.jobId, reply, deps);
    case 'cancel':
      return cancel(slash, command.jobId, reply, deps);
    case 'baseline':
    case 'history':
    case 'tune':
    case 'rollback':
    case 'validate':
    case 'report':
    case 'bottlenecks':
      return enqueue(slash, command, reply, deps);
    case 'changes':
      return showChanges(command.component, reply, deps);
  }
}

/** `status [job-id]`: one job, or the five most recent and the changes in flight and recent. */
async function showStatus(jobId: string | undefined, reply: Replier, deps: PerfCommandDeps) {
  await reply.ack();
  const jobs = jobId === undefined ? await deps.dispatcher.recent(5) : await deps.dispatcher.get(jobId);
  const doc = buildJobs(Array.isArray(jobs) ? jobs : jobs ? [jobs] : [], jobId);
  const changes = jobId === undefined && deps.changes ? statusChanges(await deps.changes.list()) : [];
  const ledger = changes.length > 0 ? buildChangesLedger(changes, 'slack') : undefined;
  await reply.answer(ledger ? { summary: doc.summary, blocks: [...doc.blocks, ...ledger.blocks] } : doc);
  return 'ok' as const;
}

/** `changes [component]`: the ledger, from the store (ephemeral). */
async function showChanges(component: ComponentName | undefined, reply: Replier, deps: PerfCommandDeps) {
  await reply.ack();
  const records = deps.changes ? await deps.changes.list(component) : [];
  await reply.answer(buildChangesLedger(records.slice(-LEDGER_ROWS), 'slack', component));
  return 'ok' as const;
}

async function cancel(slash: SlashCommand, jobId: string, reply: Replier, deps: PerfCommandDeps) {
  await reply.ack();
  const job = await deps.dispatcher.get(jobId);
  if (job && job.requestedBy !== slash.user_id && !(await mayCancelAny(slash.user_id, deps))) {
    const only = line(
      'Only ',
      mention(job.requestedBy),
      ' (who asked for it) or access.cancelAnyJob may cancel ',
    );
    await reply.answer(buildNotAuthorized(line(only, code(jobId), '.')));
    await record(deps, { actor: slash.user_id, action: 'cancel', outcome: 'refused', detail: { jobId } });
    return 'refused' as const;
  }
  const result = await deps.dispatcher.cancel(jobId, slash.user_id);
  if (result.origin && result.title) {
    // Removed before any worker took it: nobody else will move its status on.
    const { origin, title } = result;
    const pending = statusRefOf(origin);
    const ref = { ...pending, ts: await currentTs(deps.journal, pending.ts) };
    const view = {
      title,
      state: 'cancelled',
      requestedBy: origin.userId,
      jobId,
      detail: 'cancelled before it started',
    } as const;
    // A root message still being posted has no ts yet: the bot's enqueue cancels what it cannot post.
    if (!isPendingTs(ref.ts))
      await deps.notifier
        .update(ref, buildStatus(view))
        .catch((e: unknown) => deps.log.warn({ err: e }, 'status update failed'));
  }
  await reply.answer(buildCancel(jobId, result));
  await record(deps, {
    actor: slash.user_id,
    action: 'cancel',
    outcome: result.cancelled ? 'ok' : 'refused',
    detail: { jobId },
  });
  return 'ok' as const;
}

/** `access.cancelAnyJob`: user ids, group ids (resolved only when listed) or `*`. */
async function mayCancelAny(userId: string, deps: PerfCommandDeps): Promise<boolean> {
  const allowed = deps.platform.access.cancelAnyJob;
  if (allowed.includes('*') || allowed.includes(userId)) return true;
  if (!allowed.some((p) => p.startsWith('S'))) return false;
  const groups = await deps.resolveUserGroups(userId);
  return groups.some((g) => allowed.includes(g));
}
