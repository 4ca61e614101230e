import type { FlowJob, Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { isJobId } from '../commands/command.js';
import type { BaselineOptions } from '../commands/options.js';
import type { PlatformConfig } from '../config/platform.js';
import type { ServiceName } from '../domain/services.js';
import { PerfError } from '../errors.js';
import {
  BaselineAllPayloadSchema,
  BaselinePayloadSchema,
  CancelMessageSchema,
  HistoryPayloadSchema,
  JobName,
  type Origin,
  OriginSchema,
  QUEUE_NAME,
} from './contracts.js';
import type { Dispatcher, JobView, QueuedCommand } from './dispatcher.js';
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

  async function enqueueAll(opt: BaselineOptions, origin: Origin, requestedAt: string, id: string) {
    const chain = (services: readonly ServiceName[]) => {
      // Services in one group run one after another: each is the child of the next.
      let node: FlowJob | undefined;
      for (const service of services) node = childNode(service, node);
      return node;
    };
    const childNode = (service: ServiceName, child: FlowJob | undefined): FlowJob => ({
      name: JobName.baseline,
      queueName: QUEUE_NAME,
      data: BaselinePayloadSchema.parse({ service, options: opt, origin, requestedAt, partOf: id }),
      opts: { ...opts, jobId: `${id}-${service}`, ignoreDependencyOnFailure: true },
      ...(child ? { children: [child] } : {}),
    });
    const children = options.jobs.groups.map(chain).filter((c): c is FlowJob => c !== undefined);
    const data = BaselineAllPayloadSchema.parse({ target: 'all', options: opt, origin, requestedAt });
    await flow.add({
      name: JobName.baselineAll,
      queueName: QUEUE_NAME,
      data,
      opts: { ...opts, jobId: id },
      children,
    });
    return { jobId: id };
  }

  const publishCancel = (jobId: string, byUser: string) =>
    options.publisher.publish(
      options.cancelChannel,
      JSON.stringify(CancelMessageSchema.parse({ jobId, byUser })),
    );

  return {
    async enqueue(command: QueuedCommand, origin: Origin, jobId: string) {
      const requestedAt = new Date(now()).toISOString();
      if (command.kind === 'history') {
        const data = HistoryPayloadSchema.parse({
          service: command.target,
          limit: command.limit ?? 20,
          origin,
          requestedAt,
        });
        await queue.add(JobName.history, data, { ...opts, attempts: 1, jobId });
        return { jobId };
      }
      if (command.target === 'all') return enqueueAll(command.options, origin, requestedAt, jobId);
      const data = BaselinePayloadSchema.parse({
        service: command.target,
        options: command.options,
        origin,
        requestedAt,
      });
      await queue.add(JobName.baseline, data, { ...opts, jobId });
      return { jobId };
    },
    async cancel(jobId, byUser) {
      // Only a job id reaches BullMQ's keys: `meta` or `id` would name the queue's own.
      if (!isJobId(jobId)) return { cancelled: false, reason: `\`${jobId.slice(0, 40)}\` is not a job id` };
      const job = await queue.getJob(jobId);
      if (!job) return { cancelled: false, reason: `no job ${jobId}` };
      const state = await job.getState();
      if (state === 'completed' || state === 'failed')
        return { cancelled: false, reason: `job ${jobId} already ${state}` };
      const partOf = (job.data as { partOf?: unknown }).partOf;
      if (typeof partOf === 'string') {
        return {
          cancelled: false,
          reason: `\`${jobId}\` is one service of \`${partOf}\`: cancel \`${partOf}\` to stop that baseline`,
        };
      }
      if (job.name === JobName.baselineAll) {
        // Children not started yet see the flag and stop; running ones are asked to; the parent
        // then posts the overview with what was measured before the cancel.
        await options.flagCancelled(jobId, byUser);
        const children = options.jobs.groups.flat().map((service) => `${jobId}-${service}`);
        await Promise.all(children.map((id) => publishCancel(id, byUser)));
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
      const origin = OriginSchema.safeParse((job.data as { origin?: unknown }).origin);
      return {
        cancelled: true,
        reason: `removed ${jobId} from the queue (it was ${state})`,
        ...(origin.success ? { origin: origin.data, title: viewTitle(job) } : {}),
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

async function viewOf(job: Job): Promise<JobView> {
  const state = await job.getState();
  const data = job.data as { service?: string; target?: string; origin?: { userId?: string } };
  const progress = job.progress as { message?: string; pct?: number } | number | undefined;
  const finished = state === 'completed' || state === 'failed';
  return {
    id: job.id ?? '?',
    name: job.name,
    state: (state as JobView['state']) ?? 'unknown',
    summary:
      job.name === JobName.baselineAll
        ? 'baseline all'
        : `${job.name} ${data.service ?? data.target ?? ''}`.trim(),
    requestedBy: data.origin?.userId ?? 'unknown',
    progress:
      !finished && typeof progress === 'object' && progress?.message
        ? `${progress.message} (${Math.round(progress.pct ?? 0)}%)`
        : null,
  };
}

/** The thread title a job's status message carries (`baseline kafka`, `history trino`). */
function viewTitle(job: Job): string {
  const data = job.data as { service?: string; target?: string };
  return `${job.name} ${data.service ?? data.target ?? ''}`.trim();
}
