import { FlowProducer, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { PlatformConfig } from '../config/platform.js';
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
export function createQueues(connection: Redis, bullPrefix: string): Queues {
  const queue = new Queue(QUEUE_NAME, { connection, prefix: bullPrefix });
  const flow = new FlowProducer({ connection, prefix: bullPrefix });
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
