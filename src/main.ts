import type { Redis } from 'ioredis';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { createBotApp } from './bot/app.js';
import { createHealthRoutes, startHealthServer } from './bot/http.js';
import { createSlackNotifier, createSlackWebClient } from './bot/slack-notifier.js';
import { connectRedis, quit } from './compose.js';
import type { Config } from './config/load.js';
import { PerfError } from './errors.js';
import { createBullDispatcher } from './jobs/bullmq-dispatcher.js';
import { createQueues } from './jobs/queues.js';
import type { KubePort } from './kube/port.js';
import { createLogger, type Logger } from './log.js';
import { createKeys, JournalStep } from './store/keys.js';
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
  const parts: Part[] = [];
  try {
    const redis = await connectRedis(env.REDIS_URL, { log });
    parts.push({ close: () => quit(redis) });
    const base = {
      config,
      log,
      redis,
      keys: createKeys(env.PERFBOT_REDIS_PREFIX),
      store: createRedisStore({
        redis,
        prefix: env.PERFBOT_REDIS_PREFIX,
        keepResults: config.platform.store.keepResults,
      }),
      notifier: createWorkerNotifier(token, env.SLACK_API_URL, log),
      registry: createRegistry(),
      readiness: async () => (await redis.ping()) === 'PONG',
    };
    let port: number | undefined;
    // The bot first: its start checks the Slack token (auth.test) before a worker takes any job.
    if (mode === 'bot' || mode === 'all') {
      const bot = await startBot(base, options);
      parts.unshift(bot);
      port = bot.port;
    }
    if (mode === 'worker' || mode === 'all') {
      // Loaded only where a worker runs: the bot never imports the probes, the Kubernetes client or charts.
      const { startWorkerPart } = await import('./worker-part.js');
      parts.unshift(await startWorkerPart(base, options));
      log.info({ concurrency: config.platform.jobs.concurrency }, 'worker started');
    }
    if (mode === 'worker') {
      // A worker alone still answers its liveness/readiness probes and Prometheus on PORT.
      const routes = createHealthRoutes({ registry: base.registry, readiness: base.readiness, log });
      const health = await startHealthServer(env.PORT, routes);
      parts.unshift({ close: () => health.close() });
      port = health.port;
    }
    return { port, close: (graceMs = 25_000) => closeAll(parts, graceMs) };
  } catch (error) {
    // Whatever started before the failure is stopped, so that the process can exit.
    await closeAll(parts, 1_000).catch(() => undefined);
    throw error;
  }
}

export interface Part {
  port?: number;
  close(graceMs: number): Promise<void>;
}

export interface Base {
  config: Config;
  log: Logger;
  redis: Redis;
  keys: ReturnType<typeof createKeys>;
  store: ReturnType<typeof createRedisStore>;
  notifier: ReturnType<typeof createSlackNotifier>;
  registry: Registry;
  readiness: () => Promise<boolean>;
}

/**
 * The workers' Slack notifier: posts retried patiently (a job's result must arrive), status edits
 * over a client that neither retries nor waits out a 429 by itself, so that progress is dropped at
 * once and a final status waits only as long as Slack asks.
 */
function createWorkerNotifier(token: string, apiUrl: string | undefined, log: Logger) {
  const edits = createSlackWebClient(token, apiUrl, log, {
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeoutMs: 10_000,
  });
  return createSlackNotifier(createSlackWebClient(token, apiUrl, log), { edits });
}

/** One registry for the process: /metrics shows the bot's and the worker's figures together. */
function createRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'perfbot_' });
  return registry;
}

async function startBot(base: Base, options: StartOptions): Promise<Part> {
  // The bot's queue gets a connection that fails fast: a user waiting on /perf status must hear
  // about a Redis outage, not wait on it (workers keep BullMQ's retry-forever connection).
  const redis = await connectRedis(base.config.env.REDIS_URL, { log: base.log, failFast: true, role: 'bot' });
  const queues = createQueues(redis, base.keys.bullPrefix(), base.log);
  // Everything the bot touches before and after its ack goes over that connection too: over the
  // workers' one, a replay check or an audit line would wait out a Redis outage past Slack's 3 s.
  const store = createRedisStore({
    redis,
    prefix: base.config.env.PERFBOT_REDIS_PREFIX,
    keepResults: base.config.platform.store.keepResults,
  });
  const dispatcher = createBullDispatcher({
    queues,
    publisher: redis,
    cancelChannel: base.keys.cancelChannel(),
    jobs: base.config.platform.jobs,
    flagCancelled: async (flowId, byUser) =>
      void (await store.journal.record(JournalStep.flowCancelled(flowId), byUser)),
  });
  // No notifier given: the bot's own, over Bolt's client and its short retry budget (a user waits);
  // the workers' patient one would keep a rate-limited root message silent for minutes.
  const bot = createBotApp({
    config: base.config,
    dispatcher,
    audit: store.audit,
    journal: store.journal,
    changes: store.changes,
    results: store.results,
    bottlenecks: store.bottlenecks,
    kube: lazyKube(base.config, options.kube),
    log: base.log,
    metricsRegistry: base.registry,
    readiness: base.readiness,
  });
  const close = async () => {
    await bot.stop().catch(() => undefined);
    await queues.close();
    await quit(redis);
  };
  try {
    const { port } = await bot.start();
    base.log.info({ port }, 'bot started');
    return { ...(port === undefined ? {} : { port }), close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

/**
 * The bot reads the cluster only when an Approve click checks the card is still current: the
 * Kubernetes client is loaded then (by dynamic import), so that an idle bot stays light.
 */
function lazyKube(config: Config, given: KubePort | undefined): () => Promise<KubePort> {
  let kube: Promise<KubePort> | undefined;
  return () => {
    kube ??= given
      ? Promise.resolve(given)
      : import('./job-deps.js').then((m) => m.createKubeFromEnv(config.env));
    // A failure (no KUBECONFIG yet) is not kept: the next click tries again.
    kube.catch(() => {
      kube = undefined;
    });
    return kube;
  };
}

/** Closes every part, in order, even when one fails to close; the first failure is rethrown after. */
async function closeAll(parts: readonly Part[], graceMs: number): Promise<void> {
  let first: unknown;
  for (const part of parts) {
    await part.close(graceMs).catch((error: unknown) => {
      first ??= error;
    });
  }
  if (first !== undefined) throw first;
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
  await running.close(config.platform.jobs.shutdownGraceMs);
  return 0;
}

function requireEnv(value: string | undefined, name: string, what: string): string {
  if (value) return value;
  throw new PerfError('config', `${name} is not set`, {
    userMessage: `${name} is not set: perfbot needs ${what}. Try \`perfbot demo\` to run without Slack.`,
  });
}
