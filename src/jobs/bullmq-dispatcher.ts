import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { isJobId } from '../commands/command.js';
import type { PlatformConfig } from '../config/platform.js';
import { PerfError } from '../errors.js';
import { CancelMessageSchema, type Origin, ProgressSchema } from './contracts.js';
import type { Dispatcher, JobView, QueuedCommand } from './dispatcher.js';
import { flowChildIds, flowJob } from './flows.js';
import { envelopeOf, kindOfCommand, parseJob } from './kinds/index.js';
import { jobOptions, type Queues } from './queues.js';

export interface BullDispatcherOptions {
  queues: Queues;
  /** Publishes cancel requests to the workers (they hold the active jobs). */
  publisher: Redis;
  cancelChannel: string;
  jobs: PlatformConfig['jobs'];
  /** Records that a `baseline all` was cancelled: its children that have not started yet see it and stop. */
  flagCancelled(flowId: string, byUser: string): Promise<void>;
  now?: () => number;
}

/** The bot's Dispatcher over BullMQ: payloads are validated here before `Queue.add`. */
export function createBullDispatcher(options: BullDispatcherOptions): Dispatcher {
  const { queue, flow } = options.queues;
  const opts = jobOptions(options.jobs);
  const now = options.now ?? Date.now;

  const publishCancel = (jobId: string, byUser: string) =>
    options.publisher.publish(
      options.cancelChannel,
      JSON.stringify(CancelMessageSchema.parse({ jobId, byUser })),
    );

  /** The flow whose child `jobId` would be (`<flow>-<service>`), when that flow is queued. */
  const flowOf = async (jobId: string): Promise<string | undefined> => {
    for (const service of options.jobs.groups.flat()) {
      if (!jobId.endsWith(`-${service}`)) continue;
      const flowId = jobId.slice(0, -service.length - 1);
      const parent = isJobId(flowId) ? await queue.getJob(flowId) : undefined;
      const parsed = parent ? parseJob(parent.name, parent.data) : undefined;
      if (parsed?.ok && parsed.kind.children) return flowId;
    }
    return undefined;
  };

  return {
    async enqueue(command: QueuedCommand, origin: Origin, jobId: string) {
      const requestedAt = new Date(now()).toISOString();
      const { kind, payload } = kindOfCommand(command, { origin, requestedAt });
      const own = { ...opts, ...(kind.attempts === undefined ? {} : { attempts: kind.attempts }) };
      const children = kind.children?.(payload, jobId, options.jobs.groups);
      if (children) {
        await flow.add(flowJob({ name: kind.name, jobId, payload }, children, own));
      } else {
        await queue.add(kind.name, payload, { ...own, jobId });
      }
      return { jobId };
    },
    async cancel(jobId, byUser) {
      // Only a job id reaches BullMQ's keys: `meta` or `id` would name the queue's own.
      if (!isJobId(jobId)) return { cancelled: false, reason: `\`${jobId.slice(0, 40)}\` is not a job id` };
      const job = await queue.getJob(jobId);
      if (!job) {
        // A service of a flow's later stage is queued by its parent only when the first stage ends.
        const flowId = await flowOf(jobId);
        if (flowId) return { cancelled: false, reason: oneServiceOf(jobId, flowId) };
        return { cancelled: false, reason: `no job ${jobId}` };
      }
      const state = await job.getState();
      if (state === 'completed' || state === 'failed')
        return { cancelled: false, reason: `job ${jobId} already ${state}` };
      const parsed = parseJob(job.name, job.data);
      const { origin, partOf } = parsed.ok ? parsed.payload : envelopeOf(job.data);
      if (typeof partOf === 'string') return { cancelled: false, reason: oneServiceOf(jobId, partOf) };
      if (parsed.ok && parsed.kind.children) {
        // Children not started yet see the flag and stop; running ones are asked to; the parent
        // then posts the overview with what was measured before the cancel.
        await options.flagCancelled(jobId, byUser);
        await Promise.all(flowChildIds(jobId, options.jobs.groups).map((id) => publishCancel(id, byUser)));
        return { cancelled: true, reason: `cancelling every service of ${jobId}` };
      }
      if (state === 'active') {
        await publishCancel(jobId, byUser);
        return { cancelled: true, reason: `asked the worker running ${jobId} to stop` };
      }
      try {
        await job.remove();
      } catch (error) {
        throw new PerfError('conflict', `could not remove ${jobId}: ${String(error)}`, { cause: error });
      }
      return {
        cancelled: true,
        reason: `removed ${jobId} from the queue (it was ${state})`,
        ...(origin ? { origin, title: parsed.ok ? parsed.title : job.name } : {}),
      };
    },
    async get(jobId) {
      if (!isJobId(jobId)) return undefined;
      const job = await queue.getJob(jobId);
      return job ? viewOf(job) : undefined;
    },
    async recent(limit) {
      // getJobs takes up to `limit` of each state in turn: merge them and keep the newest.
      const jobs = await queue.getJobs(
        ['active', 'waiting', 'delayed', 'waiting-children', 'completed', 'failed'],
        0,
        limit - 1,
      );
      const newest = jobs.sort((a, b) => b.timestamp - a.timestamp).slice(0, limit);
      return Promise.all(newest.map(viewOf));
    },
  };
}

const oneServiceOf = (jobId: string, flowId: string) =>
  `\`${jobId}\` is one service of \`${flowId}\`: cancel \`${flowId}\` to stop that baseline`;

async function viewOf(job: Job): Promise<JobView> {
  const state = await job.getState();
  const parsed = parseJob(job.name, job.data);
  const progress = ProgressSchema.safeParse(job.progress);
  const finished = state === 'completed' || state === 'failed';
  return {
    id: job.id ?? '?',
    name: job.name,
    state: (state as JobView['state']) ?? 'unknown',
    summary: parsed.ok ? parsed.title : `${job.name} (invalid data)`,
    requestedBy: (parsed.ok ? parsed.payload : envelopeOf(job.data)).origin?.userId ?? 'unknown',
    progress:
      !finished && progress.success ? `${progress.data.message} (${Math.round(progress.data.pct)}%)` : null,
  };
}
