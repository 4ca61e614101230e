import type { z } from 'zod';
import type { PlatformConfig } from '../../config/platform.js';
import type { Origin } from '../contracts.js';
import type { JobContext, JobDeps } from '../deps.js';
import type { QueuedCommand } from '../dispatcher.js';
import type { FlowChild } from '../flows.js';

/** What every job payload carries besides its own fields: who asked, where answers go, and when. */
export interface JobEnvelope {
  origin: Origin;
  requestedAt: string;
  /** Set on the children of a flow (`baseline all`): the id of their parent. */
  partOf?: string | undefined;
}

/** A payload without its envelope: what a command gives (`{ service, options }`). */
export type JobRequest<P extends JobEnvelope> = Omit<P, 'origin' | 'requestedAt' | 'partOf'>;

/**
 * One kind of job, registered once in `kinds/index.ts`: the worker, the dispatcher and the CLI look
 * it up there instead of switching on job names. `job.data` is parsed once with `payload`.
 *
 * @example export const history: JobKind<HistoryPayload> = { name: 'history', payload: HistoryPayloadSchema, title: (p) => `history ${p.service}`, … }
 */
export interface JobKind<P extends JobEnvelope = JobEnvelope, R = unknown> {
  /** The BullMQ job name. */
  name: string;
  payload: z.ZodType<P>;
  /** The command's part of the payload when the command is this kind's, else undefined. */
  fromCommand(command: QueuedCommand): JobRequest<P> | undefined;
  /** The title of its thread and status lines (`baseline kafka`, `baseline all`, `history kafka`). */
  title(request: JobRequest<P>): string;
  /**
   * Re-validates a payload against the CURRENT config before anything touches the cluster (a job may
   * have been queued under another config, or written into Redis by hand): a sentence when refused.
   */
  admit(payload: P, platform: PlatformConfig): string | undefined;
  run(payload: P, deps: JobDeps, ctx: JobContext): Promise<R>;
  /** Queue options of its own (history: one attempt, it is cheap and not worth a retry). */
  attempts?: number;
  /**
   * A flow parent's children, by group (`flows.ts`): queued with it, and BullMQ runs the parent once
   * they have ended.
   */
  children?(payload: P, jobId: string, groups: PlatformConfig['jobs']['groups']): FlowChild[][];
}
