import { createHash } from 'node:crypto';
import type { BottleneckAnswer } from '../../bottlenecks/answer.js';
import type { Finding } from '../../bottlenecks/rules.js';
import { type Command, CommandSchema, JobIdSchema } from '../../commands/command.js';
import type { PlatformConfig } from '../../config/platform.js';
import { PerfError } from '../../errors.js';
import { changeIdOf, type Dispatcher, type JobCommand } from '../../jobs/dispatcher.js';
import type { Logger } from '../../log.js';
import { ANSWER_VERSION, BottleneckAction, buildBottlenecks, fixCommand } from '../../present/bottlenecks.js';
import { code, type Doc, line, mention } from '../../present/document.js';
import type { Interaction, InteractionHandler, InteractionRegistry } from '../../present/interaction.js';
import type { Notifier } from '../../present/notifier.js';
import { buildStatus } from '../../present/status.js';
import type { AuditLog } from '../../store/audit.js';
import type { BottleneckAnswers } from '../../store/bottleneck-answers.js';
import type { ChangeRecords } from '../../store/changes.js';
import { authorize, needsGroupLookup } from '../authorize.js';
import { formatCommand } from '../grammar.js';

/** What the Propose fix handler uses: the stored answers, the policy, and the queue. */
export interface ProposeFixDeps {
  platform: PlatformConfig;
  answers: BottleneckAnswers;
  /** A fix already proposed from this finding is not proposed twice. */
  changes?: ChangeRecords;
  audit: AuditLog;
  dispatcher: Dispatcher;
  notifier: Notifier;
  /** The clicker's user groups; called only when `access.commands.tune` names a group. */
  resolveUserGroups(userId: string): Promise<string[]>;
  now(): number;
  log: Logger;
}

/**
 * Evidence older than this no longer says what constrains the platform now: the click asks for a
 * fresh answer rather than propose a change from it.
 */
export const ANSWER_FRESH_MS = 60 * 60_000;

/**
 * `perf:propose-fix` (issue #17): a click on a finding's Propose fix opens the tuning proposal for
 * the knob it names, as `/perf tune` would, in the answer's thread (the tune job posts the card, with
 * its preflight and approval). The button carries only the answer's id and the finding's index: the
 * finding and its fix are read back from the store; the clicker is authorized as for `/perf tune`
 * (`access.commands.tune`); the click is audited. Each finding opens one proposal (its job id is
 * derived from the answer and the index), however often it is clicked.
 *
 * @example registerInteractions(app, createProposeFixActions(deps), log)
 */
export function createProposeFixActions(deps: ProposeFixDeps): InteractionRegistry {
  return new Map<string, InteractionHandler>([[BottleneckAction.proposeFix, (i) => proposeFix(i, deps)]]);
}

async function proposeFix(i: Interaction, deps: ProposeFixDeps): Promise<Doc> {
  const answer = await deps.answers.get(i.recordId);
  if (!answer)
    throw stale(
      `no bottlenecks answer ${i.recordId}`,
      'This bottlenecks answer is no longer known (answers are kept a week, and this one may come from another perfbot): run `/perf bottlenecks` again.',
    );
  const index = i.item;
  const finding = index === undefined ? undefined : answer.findings[index];
  if (i.version !== ANSWER_VERSION || index === undefined || !finding?.fix)
    throw stale(
      `answer ${answer.id} has no fix at ${String(index)}`,
      'This button names no finding with a fix in its answer (it may come from an older perfbot): run `/perf bottlenecks` again.',
    );
  if (deps.now() - Date.parse(answer.at) > ANSWER_FRESH_MS)
    throw new PerfError('conflict', `answer ${answer.id} is stale`, {
      userMessage: `These findings were read at ${answer.at}, over ${ANSWER_FRESH_MS / 60_000} minutes ago: they may no longer hold. Run \`/perf bottlenecks\` again for a fresh answer.`,
    });
  const command = tuneCommand(finding.fix);
  const detail = { answer: answer.id, finding: index, rule: finding.rule, command: formatCommand(command) };
  await authorized(i, deps, detail);
  const jobId = fixJobId(answer.id, index);
  const already = await alreadyOpened(jobId, deps);
  if (already)
    throw new PerfError('conflict', `fix ${index} of ${answer.id} already opened`, { userMessage: already });
  await open(answer, command, jobId, i, deps);
  await record(deps, {
    actor: i.actor.id,
    action: 'bottlenecks.propose_fix',
    outcome: 'ok',
    detail: { ...detail, jobId },
  });
  return buildBottlenecks({
    ...answer,
    surface: 'slack',
    answerId: answer.id,
    note: line(
      mention(i.actor.id),
      ` opened fix ${index + 1}: `,
      code(`/perf ${formatCommand(command)}`),
      ` (job ${jobId}); its card follows in this thread, through preflight and approval.`,
    ),
  });
}

const stale = (message: string, userMessage: string) => new PerfError('usage', message, { userMessage });

/** The tune a fix names, checked by the command's own schema (the knob set checks the values). */
function tuneCommand(fix: NonNullable<Finding['fix']>): Extract<Command, { kind: 'tune' }> & JobCommand {
  const parsed = CommandSchema.safeParse({
    kind: 'tune',
    component: fix.component,
    knob: fix.knobSet,
    settings: fix.settings,
  });
  if (!parsed.success || parsed.data.kind !== 'tune')
    throw new PerfError('internal', `the stored fix is not a tune: ${fixCommand(fix)}`, {
      userMessage: `The stored fix (\`${fixCommand(fix)}\`) is not a command perfbot runs.`,
    });
  return parsed.data;
}

/** As `/perf tune` is authorized (`access.commands.tune`); a refusal is audited and says who may. */
async function authorized(i: Interaction, deps: ProposeFixDeps, detail: Record<string, string | number>) {
  const access = deps.platform.access;
  const groups =
    i.actor.source === 'slack' && needsGroupLookup(i.actor.id, 'tune', access)
      ? await deps.resolveUserGroups(i.actor.id)
      : [];
  const decision = authorize(i.actor.id, groups, 'tune', access);
  if (decision.ok) return;
  await record(deps, { actor: i.actor.id, action: 'bottlenecks.propose_fix', outcome: 'refused', detail });
  throw new PerfError('not_authorized', `propose fix refused for ${i.actor.id}`, {
    userMessage: decision.error.message,
  });
}

/** `tune-<8 hex digits>` from the answer and the finding: one proposal per finding, as BullMQ keeps one job per id. */
export function fixJobId(answerId: string, index: number): string {
  const hex = createHash('sha256').update(`${answerId}#${index}`).digest('hex').slice(0, 8);
  return JobIdSchema.parse(`tune-${hex}`);
}

async function alreadyOpened(jobId: string, deps: ProposeFixDeps): Promise<string | undefined> {
  const changeId = changeIdOf(jobId);
  const change = await deps.changes?.get(changeId);
  if (change)
    return `This fix was already proposed as ${changeId} (now ${change.state.replace('_', ' ')}); its card is in this thread. Run \`/perf bottlenecks\` again for a fresh answer.`;
  const job = await deps.dispatcher.get(jobId);
  if (job)
    return `This fix is already being proposed (job ${jobId}, ${job.state}): its card follows in this thread.`;
  return undefined;
}

/** A status message in the answer's thread (the tune job edits it), then the tune job. */
async function open(
  answer: BottleneckAnswer,
  command: JobCommand,
  jobId: string,
  i: Interaction,
  deps: ProposeFixDeps,
): Promise<void> {
  const title = formatCommand(command);
  const status = await deps.notifier.postInThread(
    answer.thread,
    buildStatus({ title, state: 'queued', requestedBy: i.actor.id, jobId }),
  );
  await deps.dispatcher.enqueue(
    command,
    { userId: i.actor.id, source: 'slack', thread: answer.thread, statusTs: status.ts },
    jobId,
  );
  deps.log.info({ jobId, answer: answer.id, title }, 'fix proposal queued from a bottlenecks answer');
}

async function record(deps: ProposeFixDeps, entry: Parameters<AuditLog['append']>[0]): Promise<void> {
  await deps.audit
    .append(entry)
    .catch((error: unknown) => deps.log.error({ err: error }, 'audit append failed'));
}
