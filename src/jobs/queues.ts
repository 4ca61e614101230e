import { FlowProducer, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { PlatformConfig } from '../config/platform.js';
import { createOutageLog } from '../redis-errors.js';
import { QUEUE_NAME } from './contracts.js';

export interface Queues {
  queue: Queue;
  flow: FlowProducer;
  close(): Promise<void>;
}

/**
 * The queue and flow producer on one Redis connection, under perfbot's key prefix.
 * @example const queues = createQueues(redis, 'perfbot:bull')
 */
export function createQueues(connection: Redis, bullPrefix: string, log?: Logger): Queues {
  const queue = new Queue(QUEUE_NAME, { connection, prefix: bullPrefix });
  const flow = new FlowProducer({ connection, prefix: bullPrefix });
  // An EventEmitter's 'error' with no listener throws; the connection's own listener logs outages.
  const outage = createOutageLog(log, { role: 'queue' });
  queue.on('error', (error) => outage.error(error));
  flow.on('error', (error) => outage.error(error));
  return {
    queue,
    flow,
    async close() {
      await Promise.all([queue.close(), flow.close()]);
    },
  };
}

/** Retries with exponential backoff (only retryable errors are retried: see `processJob` in `worker.ts`). */
export function jobOptions(jobs: PlatformConfig['jobs']) {
  return {
    attempts: jobs.attempts,
    backoff: { type: 'exponential', delay: jobs.backoffMs },
    removeOnComplete: { count: jobs.keepCompleted },
    removeOnFail: { count: jobs.keepFailed },
  } as const;
}
