/**
 * The floor of the worker: a BullMQ Worker on queue `bare` with a no-op processor, at the
 * concurrency given in BENCH_CONCURRENCY (perfbot's default is passed). Imports nothing of
 * perfbot's. Prints `{"ready":{}}`.
 */
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { announceReady, onStop } from '../lib/child.js';

const connection = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
  maxRetriesPerRequest: null,
});
const worker = new Worker('bare', async () => 0, {
  connection,
  prefix: `${process.env.BENCH_PREFIX ?? ''}:bull`,
  concurrency: Number(process.env.BENCH_CONCURRENCY ?? 1),
});
await worker.waitUntilReady();
onStop(async () => {
  await worker.close();
  await connection.quit();
});
announceReady({});
