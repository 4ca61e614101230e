import type { Logger } from 'pino';
import { createLazyChartRenderer } from './charts/lazy.js';
import { systemClock } from './clock.js';
import type { Config } from './config/load.js';
import { loadProbes } from './domain/services.js';
import { PerfError } from './errors.js';
import type { JobDeps } from './jobs/deps.js';
import { createChannelPacer } from './jobs/progress.js';
import { createKubeClient, kubeconfigIdentity } from './kube/client.js';
import { type KubePort, SIMULATED_LABEL } from './kube/port.js';
import type { Notifier } from './present/notifier.js';
import type { Store } from './store/port.js';

// What a job runner (a worker, the CLI) needs and the bot never loads: the Kubernetes client, the
// probes and the chart renderer. The bot process reaches this module only through `await import`.

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

/** Who the cluster's credentials from the environment act as (the CLI's identity for a change). */
export function kubeIdentityFromEnv(env: Config['env']): string {
  if (env.KUBECONFIG) return kubeconfigIdentity({ kubeconfigPath: env.KUBECONFIG });
  if (env.KUBERNETES_SERVICE_HOST) return kubeconfigIdentity({ inCluster: true });
  return kubeconfigIdentity();
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
    listEvents: refuse,
    podLogs: refuse,
    deletePod: refuse,
    listNodes: refuse,
    nodeUsage: refuse,
    podUsage: refuse,
    serviceFetch: () => refuse,
    cadvisorMetrics: refuse,
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

export async function buildJobDeps(input: JobDepsInput): Promise<JobDeps> {
  return {
    platform: input.config.platform,
    env: input.config.env,
    kube: input.kube,
    store: input.store,
    notifier: input.notifier,
    renderer: createLazyChartRenderer(input.config.platform.charts),
    clock: systemClock,
    log: input.log,
    fetch: globalThis.fetch.bind(globalThis),
    probes: await loadProbes(),
    channelPacer: createChannelPacer(systemClock.now),
    simulated: input.simulated,
  };
}
