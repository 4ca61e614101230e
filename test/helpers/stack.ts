import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { type Config, loadConfig } from '../../src/config/load.js';
import type { PlatformConfig } from '../../src/config/platform.js';
import { QUEUE_NAME } from '../../src/jobs/contracts.js';
import { createKubeClient } from '../../src/kube/client.js';
import type { KubePort } from '../../src/kube/port.js';
import { createLogger } from '../../src/log.js';
import { type RunningPerfbot, startPerfbot } from '../../src/main.js';
import type { ScenarioName } from '../../src/sim/kube/scenario.js';
import { type SimulatedPlatform, startSimulatedPlatform } from '../../src/sim/platform.js';
import { type FakeSlack, type FakeSlackOptions, startFakeSlack } from '../../src/sim/slack/server.js';
import type { Store } from '../../src/store/port.js';
import { createRedisStore } from '../../src/store/redis-store.js';
import { connectTestRedis, dropPrefix, REDIS_URL, uniquePrefix } from './redis.js';

export interface Stack {
  config: Config;
  prefix: string;
  secret: string;
  platform: SimulatedPlatform;
  slack: FakeSlack;
  kube: KubePort;
  perfbot: RunningPerfbot;
  /** `http://127.0.0.1:<port>/slack/events` */
  events: string;
  redis: Redis;
  store: Store;
  close(): Promise<void>;
}

export interface StackOptions {
  mode?: 'bot' | 'worker' | 'all';
  /** perfbot.yaml, as a test would write it. */
  yaml?: Record<string, unknown>;
  /** A Redis of the test's own (one it stops and restarts); the shared one by default. */
  redisUrl?: string;
  /** The Slack stand-in's options (its latency). */
  slack?: FakeSlackOptions;
  /** The simulated platform's named problems (`bottlenecks`); unset: healthy. */
  scenario?: ScenarioName;
}

/**
 * Config for a test: a prefix of its own in the real Redis, the local Slack stand-in, the simulated
 * platform's Trino, and a perfbot.yaml given as an object (validated by the real schema).
 */
export function testConfig(
  prefix: string,
  slack: FakeSlack,
  secret: string,
  yaml: Record<string, unknown> = {},
  redisUrl = REDIS_URL,
): Config {
  return loadConfig(
    {
      REDIS_URL: redisUrl,
      PERFBOT_REDIS_PREFIX: prefix,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: secret,
      SLACK_API_URL: slack.apiUrl,
      PORT: '0',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
      PERFBOT_CONFIG: '/perfbot.yaml',
    },
    { readFile: () => JSON.stringify(yaml) },
  );
}

/** The whole of perfbot on real sockets: simulated cluster, Slack stand-in, real Redis, bot + worker. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const prefix = uniquePrefix('e2e');
  const secret = randomBytes(12).toString('hex');
  const platform = await startSimulatedPlatform({
    speed: 0,
    seed: 7,
    ...(options.scenario ? { scenario: options.scenario } : {}),
  });
  const slack = await startFakeSlack(options.slack);
  const base = testConfig(prefix, slack, secret, options.yaml, options.redisUrl);
  const config: Config = { ...base, platform: platform.overlay(base.platform) };
  const kube = createKubeClient({ kubeConfigYaml: platform.kubeconfig });
  const log = createLogger(config.env.LOG_LEVEL);
  const perfbot = await startPerfbot({ mode: options.mode ?? 'all', config, kube, simulated: true, log });
  const redis = connectTestRedis(options.redisUrl);
  const store = createRedisStore({ redis, prefix, keepResults: 100 });
  return {
    config,
    prefix,
    secret,
    platform,
    slack,
    kube,
    perfbot,
    events: `http://127.0.0.1:${perfbot.port}/slack/events`,
    redis,
    store,
    async close() {
      await perfbot.close(2_000);
      await dropPrefix(redis, prefix);
      await redis.quit();
      await Promise.all([slack.close(), platform.close()]);
    },
  };
}

/** Every job the queue holds, in any state: what "nothing was queued" is checked against. */
export async function countJobs(stack: Stack): Promise<number> {
  const queue = new Queue(QUEUE_NAME, { connection: stack.redis, prefix: `${stack.prefix}:bull` });
  try {
    const counts = await queue.getJobCounts();
    return Object.values(counts).reduce((a, b) => a + b, 0);
  } finally {
    await queue.close();
  }
}

/** The jobs not ended yet (waiting, delayed, active): what "nothing left running" is checked against. */
export async function unfinishedJobs(stack: Stack): Promise<number> {
  const queue = new Queue(QUEUE_NAME, { connection: stack.redis, prefix: `${stack.prefix}:bull` });
  try {
    const counts = await queue.getJobCounts(
      'active',
      'waiting',
      'delayed',
      'prioritized',
      'waiting-children',
    );
    return Object.values(counts).reduce((a, b) => a + b, 0);
  } finally {
    await queue.close();
  }
}

/** Fast settings for tests: short intervals, no waiting between snapshots. */
export const FAST: Record<string, unknown> = {
  services: { resources: { intervalSeconds: 0 }, postgres: { intervalSeconds: 1 } },
  slack: { progressIntervalMs: 250 },
  jobs: { backoffMs: 100 },
};

export type { PlatformConfig };
