import {
  FlowProducer,
  Job,
  Queue,
  UnrecoverableError,
  WaitingChildrenError,
  WaitingError,
  Worker,
} from 'bullmq';
import type { Redis } from 'ioredis';
import { ServiceNameSchema } from '../domain/services.js';
import { asPerfError, isRedisOutage, PerfError, SHUTDOWN_REASON } from '../errors.js';
import { createOutageLog } from '../redis-errors.js';
import { JournalStep } from '../store/keys.js';
import {
  BaselineAllPayloadSchema,
  type CancelMessage,
  CancelMessageSchema,
  QUEUE_NAME,
} from './contracts.js';
import type { JobContext, JobDeps } from './deps.js';
import { type FlowStage, planFlow, settleQueued, stageJobs, stagesOf } from './flows.js';
import { admitJob, envelopeOf, kindOfCommand, type ParsedJob, parseJob } from './kinds/index.js';
import type { JobMetrics } from './metrics.js';
import { jobOptions } from './queues.js';
import { awaitingRoot } from './root-message.js';
import { childOrigin, reportFailure } from './workers/deliver.js';

export interface WorkerOptions {
  connection: Redis;
  /** A separate connection: a subscribed ioredis client can do nothing else. */
  subscriber: Redis;
  bullPrefix: string;
  cancelChannel: string;
  deps: JobDeps;
  metrics?: JobMetrics;
}

export interface RunningWorker {
  worker: Worker;
  /** Finishes the jobs in hand within `graceMs`, else releases them (another worker takes them over). */
  close(graceMs?: number): Promise<void>;
}

/** Starts a BullMQ worker on perfbot's queue; the processors are the same code the CLI runs. */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  // A job may start before the bot has posted its thread's root message: it waits for it when it first writes there.
  const deps: JobDeps = {
    ...options.deps,
    notifier: awaitingRoot(options.deps.notifier, options.deps.store.journal, options.deps.clock),
  };
  const jobs = deps.platform.jobs;
  // For looking up the children of a `baseline all` parent.
  // BullMQ reports its connections' errors on its objects; during a Redis outage, one per reconnect attempt.
  const outage = createOutageLog(deps.log, { role: 'worker' });
  const queue = new Queue(QUEUE_NAME, { connection: options.connection, prefix: options.bullPrefix });
  queue.on('error', (error) => outage.error(error));
  // For queueing the later stages of a `baseline all` under their parent.
  const flow = new FlowProducer({ connection: options.connection, prefix: options.bullPrefix });
  flow.on('error', (error) => outage.error(error));
  const metrics = options.metrics;
  const run = async (job: Job, token: string | undefined, signal: AbortSignal | undefined) => {
    const started = deps.clock.now();
    const seconds = () => (deps.clock.now() - started) / 1000;
    try {
      const value = await processJob(job, { queue, flow }, { token, signal }, deps);
      metrics?.finished(job.name, 'completed', seconds());
      return value;
    } catch (error) {
      if (!(error instanceof WaitingChildrenError))
        metrics?.finished(job.name, error instanceof UnrecoverableError ? 'failed' : 'retrying', seconds());
      throw error;
    }
  };
  const worker = new Worker(QUEUE_NAME, (job, token, signal) => run(job, token, signal), {
    connection: options.connection,
    prefix: options.bullPrefix,
    concurrency: jobs.concurrency,
    lockDuration: jobs.lockDurationMs,
    stalledInterval: jobs.stalledIntervalMs,
  });
  worker.on('error', (error) => {
    if (isRedisOutage(error)) outage.error(error);
    else deps.log.error({ err: error }, 'worker error');
  });
  options.connection.on('ready', () => outage.recovered());
  // A job that failed outside its processor (stalled too often after worker crashes) is reported here;
  // reportFailure is idempotent and silent once the result is posted. No lock is released here: only
  // the attempt holding a lock has its token, and a job given up for stalls may still run elsewhere
  // (Redis was away, not the worker); a dead attempt's lock expires by itself.
  worker.on('failed', (job, error) => {
    if (!job || !/stalled/i.test(error.message)) return;
    void reportStalled(job, error, deps).catch((e: unknown) =>
      deps.log.error({ err: e }, 'could not report failure'),
    );
  });
  await options.subscriber.subscribe(options.cancelChannel);
  options.subscriber.on('message', (channel, text) => {
    if (channel !== options.cancelChannel) return;
    const message = parseCancel(text);
    if (!message) return deps.log.warn({ channel }, 'ignored a malformed cancel message');
    if (worker.cancelJob(message.jobId, `cancelled by ${message.byUser}`))
      deps.log.info(message, 'job cancelled');
  });
  await worker.waitUntilReady();
  return {
    worker,
    async close(graceMs = 25_000) {
      await options.subscriber.unsubscribe(options.cancelChannel).catch(() => undefined);
      const closing = worker.close();
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<'grace over'>((resolve) => {
        timer = setTimeout(() => resolve('grace over'), graceMs);
      });
      if ((await Promise.race([closing, graceOver])) === 'grace over') {
        // Jobs still in hand are interrupted with a retryable error: they go back to the queue
        // for another worker, rather than running on over connections about to close.
        deps.log.warn({ graceMs }, 'shutdown grace over: releasing the jobs in hand');
        worker.cancelAllJobs(SHUTDOWN_REASON);
        await closing;
      }
      clearTimeout(timer);
      await Promise.all([queue.close(), flow.close()]);
    },
  };
}

function parseCancel(text: string): CancelMessage | undefined {
  try {
    const parsed = CancelMessageSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

interface Producers {
  queue: Queue;
  flow: FlowProducer;
}

async function processJob(
  job: Job,
  producers: Producers,
  lease: { token: string | undefined; signal: AbortSignal | undefined },
  deps: JobDeps,
): Promise<unknown> {
  const { signal } = lease;
  const jobId = job.id ?? 'unknown';
  const log = deps.log.child({ jobId, job: job.name });
  const ctx: JobContext = {
    jobId,
    attempt: job.attemptsMade + 1,
    signal: signal ?? new AbortController().signal,
    progress: (update) => void job.updateProgress(update).catch(() => undefined),
    followUp: async (command, origin, id) => {
      const requestedAt = new Date(deps.clock.now()).toISOString();
      const next = kindOfCommand(command, { origin, requestedAt });
      const attempts = next.kind.attempts === undefined ? {} : { attempts: next.kind.attempts };
      // BullMQ keeps one job per id: a retry of this job queues it once.
      await producers.queue.add(next.kind.name, next.payload, {
        ...jobOptions(deps.platform.jobs),
        ...attempts,
        jobId: id,
      });
    },
  };
  const jobDeps = { ...deps, log };
  // Parsed once: the run and the failure report read the same payload and title.
  const parsed = parseJob(job.name, job.data);
  try {
    return await dispatch(parsed, { job, token: lease.token, ...producers }, jobDeps, ctx);
  } catch (error) {
    // A flow parent gave its slot back until its next stage has ended (`awaitStage`): not a failure.
    if (error instanceof WaitingChildrenError) throw error;
    if (signal?.reason === SHUTDOWN_REASON) {
      // Interrupted by this worker's shutdown: back to the queue for another worker, not an attempt used up.
      await job.moveToWait(lease.token);
      throw new WaitingError();
    }
    const perf = asPerfError(error);
    const final = !perf.retryable || ctx.attempt >= (job.opts.attempts ?? 1) || perf.code === 'cancelled';
    log.warn({ code: perf.code, retryable: perf.retryable, attempt: ctx.attempt, final }, perf.message);
    if (!final) throw perf;
    await reportFinal(job, perf, jobDeps, parsed).catch((e: unknown) =>
      log.error({ err: e }, 'could not report failure'),
    );
    throw new UnrecoverableError(JSON.stringify(perf.toJSON()));
  }
}

/** Runs a job by its kind, once its payload is valid and passes the current config (`admitJob`). */
function dispatch(
  parsed: ParsedJob,
  running: Producers & { job: Job; token: string | undefined },
  deps: JobDeps,
  ctx: JobContext,
): Promise<unknown> {
  if (!parsed.ok) throw parsed.error;
  const refusal = admitJob(parsed, deps.platform);
  if (refusal) throw refusal;
  // A flow parent's children ran before it (BullMQ): it reads how each ended, and queues its later stages.
  const partOf = envelopeOf(parsed.payload).partOf;
  const flowCtx: JobContext = parsed.kind.children
    ? { ...ctx, childOutcome: settleQueued(running.queue, deps), awaitStage: stageAwaiter(running, deps) }
    : partOf !== undefined
      ? {
          ...ctx,
          startNextStage: nextStageStarter(running, deps, partOf, envelopeOf(parsed.payload).service),
        }
      : ctx;
  return parsed.kind.run(parsed.payload, deps, flowCtx);
}

/** Queues one stage of a flow under its parent, once (the journal remembers it; BullMQ ignores a job id it has). */
async function queueStage(
  flow: FlowProducer,
  deps: JobDeps,
  parent: { id: string; queue: string },
  stage: FlowStage,
  index: number,
): Promise<void> {
  const step = JournalStep.flowStage(parent.id, index);
  if ((await deps.store.journal.read(step)) !== undefined) return;
  await flow.addBulk(stageJobs(stage, jobOptions(deps.platform.jobs), parent));
  await deps.store.journal.record(step, parent.id);
}

/**
 * A child measured apart queues the stage after its own as soon as it has measured: its parent, in
 * `waiting-children` until every child it has ends, then finds that stage queued (`stageAwaiter`).
 */
function nextStageStarter(running: Producers, deps: JobDeps, parentId: string, service: unknown) {
  return async (): Promise<void> => {
    const parent = await Job.fromId(running.queue, parentId);
    const payload = BaselineAllPayloadSchema.safeParse(parent?.data);
    if (parent === undefined || !payload.success) return;
    const stages = stagesOf(planFlow(parentId, payload.data, deps.platform.jobs.groups));
    const index = stages.findIndex((stage) => stage.flat().some((child) => child.service === service));
    const next = stages[index + 1];
    if (index < 0 || next === undefined) return;
    await queueStage(running.flow, deps, { id: parentId, queue: parent.queueQualifiedName }, next, index + 1);
  };
}

/**
 * A later stage of a flow: queued under its parent once (the journal remembers it; BullMQ ignores a
 * job id it already has), then the parent waits for it in `waiting-children`, its slot free.
 */
function stageAwaiter(running: Producers & { job: Job; token: string | undefined }, deps: JobDeps) {
  const { job, token, flow } = running;
  return async (stage: FlowStage, index: number): Promise<void> => {
    const parent = { id: job.id ?? 'unknown', queue: job.queueQualifiedName };
    await queueStage(flow, deps, parent, stage, index);
    if (token !== undefined && (await job.moveToWaitingChildren(token))) throw new WaitingChildrenError();
  };
}

/** Given up for stalls: reported unless an attempt of it still measures (it will report its own outcome). */
async function reportStalled(job: Job, error: Error, deps: JobDeps): Promise<void> {
  const service = ServiceNameSchema.safeParse(envelopeOf(job.data).service);
  if (service.success && (await deps.store.locks.holder('measure', service.data)) === job.id) {
    deps.log.warn({ jobId: job.id }, 'given up for stalls while an attempt still runs: left to that attempt');
    return;
  }
  const perf = new PerfError('internal', error.message, {
    userMessage:
      'The workers running this job stopped too many times (crashes or evictions); it was given up.',
  });
  await reportFinal(job, perf, deps);
}

async function reportFinal(
  job: Job,
  error: PerfError,
  deps: JobDeps,
  parsed: ParsedJob = parseJob(job.name, job.data),
): Promise<void> {
  const { origin, partOf } = parsed.ok ? parsed.payload : envelopeOf(job.data);
  if (!origin) return;
  const title = parsed.ok ? parsed.title : job.name;
  const own = partOf ? await childOrigin(origin, title, deps, job.id ?? '') : origin;
  await reportFailure({ origin: own, title }, error, deps, job.id ?? 'unknown');
}
