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

/** The commands that run as jobs. */
export type QueuedCommand = Extract<Command, { kind: 'baseline' | 'history' }>;

/** A fresh job id, named after what it runs (`baseline-…`, `all-…`, `history-…`): `JobIdSchema`'s shape. */
export function newJobId(command: QueuedCommand): string {
  const kind = command.kind === 'baseline' && command.target === 'all' ? 'all' : command.kind;
  return JobIdSchema.parse(`${kind}-${randomUUID().slice(0, 8)}`);
}
