import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createChartRenderer } from './charts/render.js';
import { systemClock } from './clock.js';
import type { Config } from './config/load.js';
import { PROBES } from './domain/services.js';
import { PerfError } from './errors.js';
import type { JobDeps } from './jobs/deps.js';
import { createChannelPacer } from './jobs/progress.js';
import { createKubeClient } from './kube/client.js';
import { type KubePort, SIMULATED_LABEL } from './kube/port.js';
import type { Notifier } from './present/notifier.js';
import type { Store } from './store/port.js';

export interface RedisOptions {
  timeoutMs?: number;
  /** Redis errors (reconnects during an outage) are logged, at most one line per 10 s. */
  log?: Logger;
  /**
   * Commands fail after one reconnect attempt instead of waiting for Redis to come back: for the
   * bot, whose users must hear about an outage. BullMQ workers need the default (retry forever).
   */
  failFast?: boolean;
}

/** Connects to Redis or fails with a message saying how to point perfbot at one. */
export async function connectRedis(url: string, options: RedisOptions = {}): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: options.failFast ? 1 : null,
    connectTimeout: options.timeoutMs ?? 3000,
  });
  let lastLogged = 0;
  redis.on('error', (error: Error) => {
    if (!options.log || Date.now() - lastLogged < 10_000) return;
    lastLogged = Date.now();
    options.log.warn({ err: error.message, redis: safeUrl(url) }, 'Redis connection error');
  });
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch (error) {
    redis.disconnect();
    throw new PerfError('config', `Redis does not answer at ${safeUrl(url)}: ${String(error)}`, {
      userMessage:
        `perfbot needs Redis and none answers at ${safeUrl(url)}. Start one (e.g. \`redis-server --daemonize yes\`) ` +
        'or set REDIS_URL to one that runs.',
      cause: error,
    });
  }
}

/** The Kubernetes port from the environment: KUBECONFIG, else in-cluster credentials. */
export function createKubeFromEnv(env: Config['env']): KubePort {
  if (env.KUBECONFIG) return createKubeClient({ kubeconfigPath: env.KUBECONFIG });
  if (env.KUBERNETES_SERVICE_HOST) return createKubeClient({ inCluster: true });
  throw new PerfError('config', 'no cluster configured', {
    userMessage:
      'No cluster configured: set KUBECONFIG (or run inside a cluster). To try perfbot without one, ' +
      'use the local simulated platform: `perfbot demo`, or `perfbot baseline resources --sandbox`.',
  });
}

/**
 * True when the cluster's nodes say they belong to perfbot's simulated platform, so that results
 * measured there are marked simulated even when it is reached through an ordinary kubeconfig.
 */
export async function detectSimulated(kube: KubePort): Promise<boolean> {
  try {
    return (await kube.listNodes()).some((node) => node.labels[SIMULATED_LABEL] === 'true');
  } catch {
    return false;
  }
}

/** For commands that touch no cluster (history): any call is a bug, said plainly. */
export function noCluster(): KubePort {
  const refuse = async (): Promise<never> => {
    throw new PerfError('internal', 'this command does not use the cluster');
  };
  return {
    listPods: refuse,
    findReadyPod: refuse,
    exec: refuse,
    getObject: refuse,
    patchObject: refuse,
    listNodes: refuse,
    nodeUsage: refuse,
    podUsage: refuse,
    serviceFetch: () => refuse,
  };
}

export interface JobDepsInput {
  config: Config;
  kube: KubePort;
  store: Store;
  notifier: Notifier;
  log: Logger;
  simulated: boolean;
}

export function buildJobDeps(input: JobDepsInput): JobDeps {
  return {
    platform: input.config.platform,
    env: input.config.env,
    kube: input.kube,
    store: input.store,
    notifier: input.notifier,
    renderer: createChartRenderer(input.config.platform.charts),
    clock: systemClock,
    log: input.log,
    fetch: globalThis.fetch.bind(globalThis),
    probes: PROBES,
    channelPacer: createChannelPacer(systemClock.now),
    simulated: input.simulated,
  };
}

/** A Redis URL without its password, for messages and logs. */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
