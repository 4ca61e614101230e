/**
 * The floor of the worker: a BullMQ Worker on queue `bare` with a no-op processor, at the
 * concurrency given in BENCH_CONCURRENCY (perfbot's default is passed). Imports nothing of
 * perfbot's. With BENCH_WITH_KUBE=1 it also loads `@kubernetes/client-node` and builds a KubeConfig,
 * as every perfbot worker must: the floor of a worker that can reach a cluster. Prints `{"ready":{}}`.
 */
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { announceReady, onStop } from '../lib/child.js';

if (process.env.BENCH_WITH_KUBE === '1') {
  const k8s = await import('@kubernetes/client-node');
  new k8s.KubeConfig().loadFromString(
    'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:9"}}]\nusers: [{name: u, user: {}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n',
  );
}

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
