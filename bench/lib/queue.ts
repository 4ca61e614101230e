import { type Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { createSlackNotifier, createSlackWebClient } from '../../src/bot/slack-notifier.js';
import type { Config } from '../../src/config/load.js';
import { buildJobDeps } from '../../src/job-deps.js';
import { createBullDispatcher } from '../../src/jobs/bullmq-dispatcher.js';
import type { JobDeps } from '../../src/jobs/deps.js';
import type { Dispatcher } from '../../src/jobs/dispatcher.js';
import { createQueues, jobOptions } from '../../src/jobs/queues.js';
import { startWorker } from '../../src/jobs/worker.js';
import { createKubeClient } from '../../src/kube/client.js';
import type { Notifier } from '../../src/present/notifier.js';
import { sandboxKubeconfig } from '../../src/sim/kube/kubeconfig.js';
import { createKeys } from '../../src/store/keys.js';
import { createRedisStore } from '../../src/store/redis-store.js';
import { discardLogger } from './perfbot.js';
import { connectRedis } from './redis.js';

/** The jobs a benchmark runs touch no cluster: a client pointed at a closed port proves it. */
const unusedKube = () => createKubeClient({ kubeConfigYaml: sandboxKubeconfig('http://127.0.0.1:9') });

/** A notifier that answers at once: what is left is perfbot's own queue and job code. */
export const noopNotifier: Notifier = {
  postRoot: async (channel) => ({ channel, ts: '1.000001' }),
  postInThread: async (thread) => ({ channel: thread.channel, ts: '1.000002' }),
  update: async () => undefined,
  postCharts: async () => undefined,
  postEphemeral: async () => undefined,
};

export function slackNotifier(config: Config): Notifier {
  const { SLACK_BOT_TOKEN, SLACK_API_URL } = config.env;
  return createSlackNotifier(createSlackWebClient(SLACK_BOT_TOKEN ?? '', SLACK_API_URL));
}

export interface PerfbotQueue {
  dispatcher: Dispatcher;
  worker: Worker;
  close(): Promise<void>;
}

/**
 * perfbot's queue path as `main.ts` composes it: `createBullDispatcher` on the bot's side,
 * `startWorker` with the job code on the other, under the config's Redis prefix.
 */
export async function startPerfbotQueue(
  config: Config,
  notifier: Notifier,
  overrides: Partial<Pick<JobDeps, 'kube' | 'probes'>> = {},
): Promise<PerfbotQueue> {
  const prefix = config.env.PERFBOT_REDIS_PREFIX;
  const keys = createKeys(prefix);
  const connections: Redis[] = [connectRedis(), connectRedis(), connectRedis()];
  const [redis, subscriber, botRedis] = connections as [Redis, Redis, Redis];
  const store = createRedisStore({ redis, prefix, keepResults: config.platform.store.keepResults });
  const kube = overrides.kube ?? unusedKube();
  const built = await buildJobDeps({ config, kube, store, notifier, log: discardLogger(), simulated: true });
  const deps: JobDeps = { ...built, ...overrides };
  const running = await startWorker({
    connection: redis,
    subscriber,
    bullPrefix: keys.bullPrefix(),
    cancelChannel: keys.cancelChannel(),
    deps,
  });
  const queues = createQueues(botRedis, keys.bullPrefix());
  const dispatcher = createBullDispatcher({
    queues,
    publisher: botRedis,
    cancelChannel: keys.cancelChannel(),
    jobs: config.platform.jobs,
    // The benchmarks cancel nothing.
    flagCancelled: async () => undefined,
  });
  return {
    dispatcher,
    worker: running.worker,
    async close() {
      await running.close(5_000);
      await queues.close();
      await Promise.all(connections.map((c) => c.quit()));
    },
  };
}

export interface BareQueue {
  queue: Queue;
  worker: Worker;
  add(data: unknown, jobId?: string): Promise<Job>;
  close(): Promise<void>;
}

/** The floor: a BullMQ Queue and a Worker whose processor does nothing, with perfbot's job options. */
export async function startBareQueue(config: Config, name = 'bare'): Promise<BareQueue> {
  const bullPrefix = `${config.env.PERFBOT_REDIS_PREFIX}:bull`;
  const connections: Redis[] = [connectRedis(), connectRedis()];
  const [queueRedis, workerRedis] = connections as [Redis, Redis];
  const queue = new Queue(name, { connection: queueRedis, prefix: bullPrefix });
  const worker = new Worker(name, async () => 0, {
    connection: workerRedis,
    prefix: bullPrefix,
    concurrency: config.platform.jobs.concurrency,
  });
  await worker.waitUntilReady();
  const opts = jobOptions(config.platform.jobs);
  return {
    queue,
    worker,
    add: (data, jobId) => queue.add('trivial', data, jobId === undefined ? opts : { ...opts, jobId }),
    async close() {
      await worker.close();
      await queue.close();
      await Promise.all(connections.map((c) => c.quit()));
    },
  };
}
