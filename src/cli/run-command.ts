import { userInfo } from 'node:os';
import { parseCommand } from '../bot/grammar.js';
import { withinLimits } from '../bot/usage-limits.js';
import { type Command, NOT_YET_AVAILABLE } from '../commands/command.js';
import { checkLimits } from '../commands/limits.js';
import type { PlatformConfig } from '../config/platform.js';
import { asPerfError } from '../errors.js';
import {
  BaselineReturnSchema,
  ChildOutcomeSchema,
  type Origin,
  ValidateOutcomeSchema,
} from '../jobs/contracts.js';
import type { JobContext, JobDeps } from '../jobs/deps.js';
import type { QueuedCommand } from '../jobs/dispatcher.js';
import { admitJob, kindOfCommand, titleOfCommand } from '../jobs/kinds/index.js';
import { reportFailure } from '../jobs/workers/deliver.js';
import { buildNotAvailable, buildUsage } from '../present/replies.js';
import { buildStatus } from '../present/status.js';
import { renderText } from '../present/text.js';
import { cliJobId } from './owner.js';
import { cliHelp, cliUsage } from './usage.js';

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Aborted when the reader went away (a closed pipe): the run stops quietly. */
  gone?: AbortSignal;
}

/** Exit codes of the CLI twin of `/perf`. */
export const Exit = { ok: 0, failed: 1, usage: 2, notAvailable: 3, targetMissed: 4, refused: 5 } as const;

/**
 * Parses a command with the bot's grammar and answers the ones that need no job (help, usage
 * errors, features not built yet). Returns the command when it must run as a job.
 */
export function triageCommand(
  text: string,
  io: CliIo,
  platform: PlatformConfig,
): { exit: number } | { command: Command } {
  const parsed = parseCommand(text);
  if (!parsed.ok) {
    io.err(`${renderText(buildUsage(withinLimits(parsed.error, platform), 'cli'))}\n`);
    return { exit: Exit.usage };
  }
  const command = parsed.value;
  if (command.kind === 'help') {
    io.out(command.topic === undefined ? cliUsage() : cliHelp(command.topic));
    return { exit: Exit.ok };
  }
  if (NOT_YET_AVAILABLE.has(command.kind)) {
    io.err(`${renderText(buildNotAvailable(command.kind, 'cli'))}\n`);
    return { exit: Exit.notAvailable };
  }
  if (command.kind === 'status' || command.kind === 'cancel') {
    io.err(
      `${command.kind} ${command.jobId ?? ''}: the jobs of perfbot's workers are in Slack (/perf ${command.kind}). ` +
        'The CLI runs its job in this process (Ctrl-C stops it); `perfbot status` shows the locks.\n',
    );
    return { exit: Exit.usage };
  }
  const overLimit = checkLimits(command, platform);
  if (overLimit !== undefined) {
    io.err(`${overLimit}\n`);
    return { exit: Exit.usage };
  }
  return { command };
}

/**
 * Runs a job-backed command in this process with the same job kind a worker runs (a flow runs its
 * children here too, `jobs/flows.ts`), answering through `deps.notifier` (the console). Ctrl-C aborts.
 */
export async function runJobCommand(
  command: Command | QueuedCommand,
  deps: JobDeps,
  signal: AbortSignal,
  options: { failOnMiss?: boolean } = {},
): Promise<number> {
  if (!runsInProcess(command)) return Exit.notAvailable;
  const ran = await runInProcess(command, deps, signal);
  if (!ran.ok) return Exit.failed;
  const done = ran.value;
  const validated = ValidateOutcomeSchema.array().safeParse(done);
  if (command.kind === 'validate' && validated.success)
    return options.failOnMiss && validated.data.some((o) => o.missed) ? Exit.targetMissed : Exit.ok;
  const outcomes = ChildOutcomeSchema.array().safeParse(done);
  if (outcomes.success && outcomes.data.some((o) => o.error !== null)) return Exit.failed;
  return options.failOnMiss && (await missedAny(resultIdsOf(done), deps)) ? Exit.targetMissed : Exit.ok;
}

/** The commands the CLI runs as a job in its own process (a change goes through `change-command.ts`). */
const IN_PROCESS: ReadonlySet<string> = new Set(['baseline', 'history', 'validate', 'report', 'bottlenecks']);
const runsInProcess = (command: Command | QueuedCommand): command is QueuedCommand =>
  IN_PROCESS.has(command.kind);

/** Where a job run in this process answers: a thread of the console notifier, and who asked. */
export interface InProcessRun {
  /** Who the job runs as (the local user; for a change, the kubeconfig's identity). */
  user?: string;
  /** An existing thread to answer in (a change's apply follows its proposal), else a new root. */
  origin?: Origin;
}

/**
 * Runs one job in this process with the kind a worker would run, reporting a failure in its thread
 * as a worker does: its value, or not ok (the failure was reported).
 */
export async function runInProcess(
  command: QueuedCommand,
  deps: JobDeps,
  signal: AbortSignal,
  run: InProcessRun = {},
): Promise<{ ok: true; value: unknown; origin: Origin } | { ok: false; origin: Origin }> {
  const user = run.user ?? userInfo().username;
  const requestedAt = new Date(deps.clock.now()).toISOString();
  // The CLI's owner id names its host and process, so that `perfbot unlock` can tell it is gone.
  const jobId = cliJobId();
  // The root message needs the title before the origin (its thread) exists: the kind titles the request.
  const title = titleOfCommand(command);
  const origin = run.origin ?? (await newThread(title, user, deps));
  // Follow-ups (a verified apply's validation) run here once this job has ended, in its thread.
  const next: { command: QueuedCommand; origin: Origin }[] = [];
  const ctx: JobContext = {
    jobId,
    attempt: 1,
    signal,
    progress: () => undefined,
    followUp: async (c, o) => void next.push({ command: c, origin: o }),
  };
  let ran: { ok: true; value: unknown; origin: Origin } | { ok: false; origin: Origin };
  try {
    const job = kindOfCommand(command, { origin, requestedAt });
    const refusal = admitJob(job, deps.platform);
    if (refusal) throw refusal;
    ran = { ok: true, value: await job.kind.run(job.payload, deps, ctx), origin };
  } catch (error) {
    await reportFailure({ origin, title }, asPerfError(error), deps, jobId);
    ran = { ok: false, origin };
  }
  for (const follow of next)
    await runInProcess(follow.command, deps, signal, { user: follow.origin.userId, origin: follow.origin });
  return ran;
}

async function newThread(title: string, user: string, deps: JobDeps): Promise<Origin> {
  const root = await deps.notifier.postRoot(
    'cli',
    buildStatus({ title, state: 'queued', requestedBy: user, surface: 'cli' }),
  );
  return { userId: user, source: 'cli', thread: { channel: 'cli', threadTs: root.ts }, statusTs: root.ts };
}

/** The result ids a finished job names: a baseline's one, a flow's children's (history names none). */
function resultIdsOf(done: unknown): { resultId: string | null }[] {
  const one = BaselineReturnSchema.safeParse(done);
  if (one.success) return [one.data];
  const many = ChildOutcomeSchema.array().safeParse(done);
  return many.success ? many.data : [];
}

/** For `--fail-on-miss` (CI gates): a target checked and missed; inconclusive checks do not count. */
async function missedAny(done: readonly { resultId: string | null }[], deps: JobDeps): Promise<boolean> {
  for (const { resultId } of done) {
    const result = resultId ? await deps.store.results.get(resultId) : undefined;
    if (result?.summary.some((s) => s.met === false)) return true;
  }
  return false;
}
