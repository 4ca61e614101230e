import { randomUUID } from 'node:crypto';
import { type Command, JobIdSchema } from '../commands/command.js';
import type { Origin } from './contracts.js';

/** A job as the bot and `/perf status` see it. */
export interface JobView {
  id: string;
  name: string;
  state:
    | 'waiting'
    | 'active'
    | 'completed'
    | 'failed'
    | 'delayed'
    | 'prioritized'
    | 'waiting-children'
    | 'unknown';
  summary: string;
  requestedBy: string;
  progress: string | null;
}

/**
 * The bot's port to the queue: it only enqueues, cancels and looks. `bullmq-dispatcher.ts` implements it
 * over BullMQ; the bot never imports BullMQ itself.
 */
export interface Dispatcher {
  /**
   * Queues a job-backed command (`baseline`, `history`) under `jobId` (from `newJobId`, chosen by the
   * caller so that the thread's first status message can already name it).
   */
  enqueue(command: QueuedCommand, origin: Origin, jobId: string): Promise<{ jobId: string }>;
  /**
   * Cancels a waiting job or asks the worker holding an active one to stop. For a job removed
   * before it started, `origin` and `title` let the caller mark its thread's status cancelled.
   */
  cancel(jobId: string, byUser: string): Promise<CancelOutcome>;
  get(jobId: string): Promise<JobView | undefined>;
  recent(limit: number): Promise<JobView[]>;
}

export interface CancelOutcome {
  cancelled: boolean;
  reason: string;
  origin?: Origin;
  title?: string;
}

/**
 * Applying an approved change: no one types it, the last Approve click queues it (`jobs/change-actions.ts`).
 * Its job id comes from the change id (`applyJobId`), so that it is queued once however often it is asked.
 */
export interface ApplyCommand {
  kind: 'change-apply';
  changeId: string;
}

/** The commands a person types that run as jobs. */
export type JobCommand = Extract<
  Command,
  { kind: 'baseline' | 'history' | 'tune' | 'rollback' | 'validate' | 'report' | 'bottlenecks' }
>;

/** Everything that runs as a job. */
export type QueuedCommand = JobCommand | ApplyCommand;

/** A fresh job id, named after what it runs (`baseline-…`, `all-…`, `history-…`): `JobIdSchema`'s shape. */
export function newJobId(command: QueuedCommand): string {
  if (command.kind === 'change-apply') return applyJobId(command.changeId);
  const kind = command.kind === 'baseline' && command.target === 'all' ? 'all' : command.kind;
  return JobIdSchema.parse(`${kind}-${randomUUID().slice(0, 8)}`);
}

/** The one job that applies a change: `apply-<its 8 hex digits>` for `chg-<8 hex digits>`. */
export function applyJobId(changeId: string): string {
  return JobIdSchema.parse(`apply-${changeId.replace(/^chg-/, '')}`);
}

/**
 * The change a proposing job stores: `chg-` and the job's own 8 hex digits (`tune-1a2b3c4d` →
 * `chg-1a2b3c4d`), so that a retry of the job finds the record its first attempt made.
 */
export function changeIdOf(jobId: string): string {
  const hex = /([0-9a-f]{8})$/.exec(jobId)?.[1] ?? randomUUID().slice(0, 8);
  return `chg-${hex}`;
}
