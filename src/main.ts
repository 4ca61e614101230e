import type { Redis } from 'ioredis';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { createBotApp } from './bot/app.js';
import { createHealthRoutes, startHealthServer } from './bot/http.js';
import { createSlackNotifier, createSlackWebClient } from './bot/slack-notifier.js';
import { buildJobDeps, connectRedis, createKubeFromEnv, detectSimulated } from './compose.js';
import type { Config } from './config/load.js';
import { PerfError } from './errors.js';
import { createBullDispatcher } from './jobs/bullmq-dispatcher.js';
import { createJobMetrics } from './jobs/metrics.js';
import { createQueues } from './jobs/queues.js';
import { startWorker } from './jobs/worker.js';
import type { KubePort } from './kube/port.js';
import { createLogger, type Logger } from './log.js';
import { createKeys } from './store/keys.js';
import { createRedisStore } from './store/redis-store.js';

export type ProcessMode = 'bot' | 'worker' | 'all';

export interface StartOptions {
  mode: ProcessMode;
  config: Config;
  log?: Logger;
  /** The cluster; by default from KUBECONFIG or in-cluster credentials. */
  kube?: KubePort;
  simulated?: boolean;
}

export interface RunningPerfbot {
  /** The bot's HTTP port, when it serves HTTP. */
  port: number | undefined;
  /** Finishes or releases the jobs in hand, then closes every connection. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Composition root: config → adapters → bot, worker or both. Redis is required: without it the
 * process stops at start-up saying how to point it at one.
 */
export async function startPerfbot(options: StartOptions): Promise<RunningPerfbot> {
  const { config, mode } = options;
  const log = options.log ?? createLogger(config.env.LOG_LEVEL);
  const env = config.env;
  const token = requireEnv(env.SLACK_BOT_TOKEN, 'SLACK_BOT_TOKEN', 'the bot token (xoxb-…) of the Slack app');
  const redis = await connectRedis(env.REDIS_URL);
  const connections: Redis[] = [redis];
  const keys = createKeys(env.PERFBOT_REDIS_PREFIX);
  const store = createRedisStore({
    redis,
    prefix: env.PERFBOT_REDIS_PREFIX,
    keepResults: config.platform.store.keepResults,
  });
  const client = createSlackWebClient(token, env.SLACK_API_URL, log);
  const notifier = createSlackNotifier(client);
  const closers: ((graceMs: number) => Promise<void>)[] = [];
  let port: number | undefined;
  // One registry for the process: /metrics shows the bot's and the worker's figures together.
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'perfbot_' });
  const readiness = async () => (await redis.ping()) === 'PONG';

  if (mode === 'worker' || mode === 'all') {
    const kube = options.kube ?? createKubeFromEnv(env);
    const simulated = options.simulated ?? (await detectSimulated(kube));
    const deps = buildJobDeps({ config, kube, store, notifier, log, simulated });
    const subscriber = redis.duplicate();
    connections.push(subscriber);
    const worker = await startWorker({
      connection: redis,
      subscriber,
      bullPrefix: keys.bullPrefix(),
      cancelChannel: keys.cancelChannel(),
      deps,
      metrics: createJobMetrics(registry),
    });
    closers.push((graceMs) => worker.close(graceMs));
    log.info({ concurrency: config.platform.jobs.concurrency }, 'worker started');
  }
  if (mode === 'bot' || mode === 'all') {
    const queues = createQueues(redis, keys.bullPrefix());
    const dispatcher = createBullDispatcher({
      queues,
      publisher: redis,
      cancelChannel: keys.cancelChannel(),
      jobs: config.platform.jobs,
    });
    const bot = createBotApp({
      config,
      notifier,
      dispatcher,
      audit: store.audit,
      log,
      metricsRegistry: registry,
      readiness,
    });
    port = (await bot.start()).port;
    closers.unshift(async () => {
      await bot.stop();
      await queues.close();
    });
    log.info({ port }, 'bot started');
  }
  if (mode === 'worker') {
    // A worker alone still answers its liveness/readiness probes and Prometheus on PORT.
    const health = await startHealthServer(env.PORT, createHealthRoutes({ registry, readiness, log }));
    port = health.port;
    closers.push(() => health.close());
  }
  return {
    port,
    async close(graceMs = 25_000) {
      for (const close of closers) await close(graceMs);
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}

/** `perfbot bot|worker|all`: runs until SIGTERM or SIGINT, then shuts down gracefully. */
export async function runProcess(mode: ProcessMode, config: Config): Promise<number> {
  const log = createLogger(config.env.LOG_LEVEL);
  const running = await startPerfbot({ mode, config, log });
  const signal = await new Promise<string>((done) => {
    process.once('SIGTERM', () => done('SIGTERM'));
    process.once('SIGINT', () => done('SIGINT'));
  });
  log.info({ signal }, 'shutting down: finishing or releasing the jobs in hand');
  await running.close();
  return 0;
}

function requireEnv(value: string | undefined, name: string, what: string): string {
  if (value) return value;
  throw new PerfError('config', `${name} is not set`, {
    userMessage: `${name} is not set: perfbot needs ${what}. Try \`perfbot demo\` to run without Slack.`,
  });
}
