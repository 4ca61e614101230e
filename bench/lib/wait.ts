import { QueueEvents, type Worker } from 'bullmq';
import { connectRedis } from './redis.js';
import { nowMs, sleep } from './stats.js';

/** Polls `done` every 20 ms until it holds, or fails after `timeoutMs`. */
export async function waitUntil(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = nowMs() + timeoutMs;
  while (!done()) {
    if (nowMs() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

export interface Drain {
  jobs: number;
  failed: number;
  ms: number;
  jobsPerSec: number;
}

/**
 * Jobs per second through a queue: `enqueue` is called for 0…n-1 (in batches of `batch` in
 * flight), and the clock stops when the worker has ended all n (completed or failed).
 */
export async function drainThrough(
  worker: Worker,
  n: number,
  enqueue: (i: number) => Promise<unknown>,
  batch = 100,
  timeoutMs = 300_000,
): Promise<Drain> {
  let completed = 0;
  let failed = 0;
  const onCompleted = () => void completed++;
  const onFailed = () => void failed++;
  worker.on('completed', onCompleted);
  worker.on('failed', onFailed);
  const t0 = nowMs();
  try {
    for (let i = 0; i < n; i += batch) {
      const ids = Array.from({ length: Math.min(batch, n - i) }, (_, k) => i + k);
      await Promise.all(ids.map(enqueue));
    }
    await waitUntil(() => completed + failed >= n, timeoutMs, `${n} jobs to end`);
  } finally {
    worker.off('completed', onCompleted);
    worker.off('failed', onFailed);
  }
  const ms = nowMs() - t0;
  return { jobs: n, failed, ms, jobsPerSec: n / (ms / 1000) };
}

/** Counts the jobs a queue has ended (completed or failed), from BullMQ's event stream. */
export async function endedCounter(queueName: string, bullPrefix: string) {
  const connection = connectRedis();
  const events = new QueueEvents(queueName, { connection, prefix: bullPrefix });
  await events.waitUntilReady();
  const counts = { completed: 0, failed: 0 };
  events.on('completed', () => void counts.completed++);
  events.on('failed', () => void counts.failed++);
  return {
    counts,
    ended: () => counts.completed + counts.failed,
    close: async () => {
      await events.close();
      await connection.quit();
    },
  };
}
