import { userInfo } from 'node:os';
import { parseCommand } from '../bot/grammar.js';
import { withinLimits } from '../bot/usage-limits.js';
import { type Command, NOT_YET_AVAILABLE } from '../commands/command.js';
import { checkLimits } from '../commands/limits.js';
import type { BaselineOptions } from '../commands/options.js';
import type { PlatformConfig } from '../config/platform.js';
import type { ServiceName } from '../domain/services.js';
import { asPerfError } from '../errors.js';
import type { ChildOutcome, Origin } from '../jobs/contracts.js';
import type { JobContext, JobDeps } from '../jobs/deps.js';
import { runBaseline } from '../jobs/workers/baseline.js';
import { runBaselineAll } from '../jobs/workers/baseline-all.js';
import { reportFailure } from '../jobs/workers/deliver.js';
import { runHistory } from '../jobs/workers/history.js';
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
export const Exit = { ok: 0, failed: 1, usage: 2, notAvailable: 3, targetMissed: 4 } as const;

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
 * Runs a job-backed command in this process with the same job code a worker runs, answering
 * through `deps.notifier` (the console). Ctrl-C aborts the run.
 */
export async function runJobCommand(
  command: Command,
  deps: JobDeps,
  signal: AbortSignal,
  options: { failOnMiss?: boolean } = {},
): Promise<number> {
  if (command.kind !== 'baseline' && command.kind !== 'history') return Exit.notAvailable;
  const title = command.kind === 'history' ? `history ${command.target}` : `baseline ${command.target}`;
  const user = userInfo().username;
  const root = await deps.notifier.postRoot(
    'cli',
    buildStatus({ title, state: 'queued', requestedBy: user, surface: 'cli' }),
  );
  const origin: Origin = {
    userId: user,
    source: 'cli',
    thread: { channel: 'cli', threadTs: root.ts },
    statusTs: root.ts,
  };
  const requestedAt = new Date(deps.clock.now()).toISOString();
  const ctx = (jobId: string): JobContext => ({ jobId, attempt: 1, signal, progress: () => undefined });
  const jobId = cliJobId();
  try {
    if (command.kind === 'history') {
      await runHistory(
        { service: command.target, limit: command.limit ?? 20, origin, requestedAt },
        deps,
        ctx(jobId),
      );
    } else if (command.target === 'all') {
      const outcomes = await runGroups(command.options, origin, requestedAt, deps, jobId, ctx);
      await runBaselineAll(
        { target: 'all', options: command.options, origin, requestedAt },
        outcomes,
        deps,
        ctx(jobId),
      );
      if (outcomes.some((o) => o.error !== null)) return Exit.failed;
      return options.failOnMiss && (await missedAny(outcomes, deps)) ? Exit.targetMissed : Exit.ok;
    } else {
      const payload = { service: command.target, options: command.options, origin, requestedAt };
      const done = await runBaseline(payload, deps, ctx(jobId));
      return options.failOnMiss && (await missedAny([done], deps)) ? Exit.targetMissed : Exit.ok;
    }
    return Exit.ok;
  } catch (error) {
    await reportFailure({ origin, title }, asPerfError(error), deps, jobId);
    return Exit.failed;
  }
}

/** `baseline all` in one process: groups in parallel, the services of a group one after another. */
async function runGroups(
  options: BaselineOptions,
  origin: Origin,
  requestedAt: string,
  deps: JobDeps,
  parentId: string,
  ctx: (jobId: string) => JobContext,
): Promise<ChildOutcome[]> {
  const runOne = async (service: ServiceName): Promise<ChildOutcome> => {
    const jobId = `${parentId}-${service}`;
    const payload = { service, options, origin, requestedAt, partOf: parentId };
    try {
      const done = await runBaseline(payload, deps, ctx(jobId));
      return { service, resultId: done.resultId, error: null };
    } catch (error) {
      const perf = asPerfError(error);
      await reportFailure({ origin, title: `baseline ${service}` }, perf, deps, jobId);
      return { service, resultId: null, error: perf.userMessage };
    }
  };
  const groups = await Promise.all(
    deps.platform.jobs.groups.map(async (group) => {
      const outcomes: ChildOutcome[] = [];
      for (const service of group) outcomes.push(await runOne(service));
      return outcomes;
    }),
  );
  return groups.flat();
}

/** For `--fail-on-miss` (CI gates): a target checked and missed; inconclusive checks do not count. */
async function missedAny(done: readonly { resultId: string | null }[], deps: JobDeps): Promise<boolean> {
  for (const { resultId } of done) {
    const result = resultId ? await deps.store.results.get(resultId) : undefined;
    if (result?.summary.some((s) => s.met === false)) return true;
  }
  return false;
}
