import { CoreV1Api, Exec, KubeConfig, Metrics } from '@kubernetes/client-node';
import { PerfError } from '../errors.js';
import {
  describePods,
  isPodReady,
  toKubeEvent,
  toNodeInfo,
  toNodeUsage,
  toPodInfo,
  toPodUsage,
} from './convert.js';
import { toKubeError } from './errors.js';
import { runExec } from './exec.js';
import type { KubePort, ObjectRef } from './port.js';
import { proxiedFetch } from './proxy-fetch.js';
import { RawKubeApi } from './raw.js';

export interface KubeClientOptions {
  /** A kubeconfig file; without any option the default is used (KUBECONFIG, ~/.kube/config, in-cluster). */
  kubeconfigPath?: string;
  /** The pod's service account (KUBERNETES_SERVICE_HOST and the mounted token). */
  inCluster?: boolean;
  /** A kubeconfig as text (the sandbox's, in tests). */
  kubeConfigYaml?: string;
}

/**
 * The `KubePort` over `@kubernetes/client-node`; the only module that builds its clients.
 * @example const kube = createKubeClient({ kubeconfigPath: '/etc/perfbot/kubeconfig' });
 */
export function createKubeClient(options: KubeClientOptions = {}): KubePort {
  const kc = loadConfig(options);
  const core = kc.makeApiClient(CoreV1Api);
  const metrics = new Metrics(kc);
  const exec = new Exec(kc);
  const raw = new RawKubeApi(kc);
  const call = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      throw toKubeError(error, what);
    }
  };
  const describe = (ref: ObjectRef) => `${ref.kind} ${ref.namespace}/${ref.name}`;

  const port: KubePort = {
    async listPods(namespace, labelSelector) {
      const list = await call(
        `listing pods in ${namespace}${labelSelector ? ` matching ${labelSelector}` : ''}`,
        () => core.listNamespacedPod({ namespace, ...(labelSelector ? { labelSelector } : {}) }),
      );
      return list.items.map(toPodInfo);
    },
    async findReadyPod(namespace, labelSelector) {
      const list = await call(`listing pods in ${namespace} matching ${labelSelector}`, () =>
        core.listNamespacedPod({ namespace, labelSelector }),
      );
      const pods = [...list.items].sort((a, b) =>
        (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''),
      );
      const ready = pods.find(isPodReady);
      if (ready) return toPodInfo(ready);
      const found = describePods(pods);
      throw new PerfError('probe_failed', `no ready pod in ${namespace} matches ${labelSelector}: ${found}`, {
        userMessage: `No ready pod in namespace \`${namespace}\` matches \`${labelSelector}\` (${found}). Check the selector in perfbot.yaml and the pods' state.`,
        retryable: pods.length > 0,
        context: { namespace, selector: labelSelector, found: pods.length },
      });
    },
    exec: (request) => runExec(exec, request),
    getObject: (ref) => call(`reading ${describe(ref)}`, () => raw.get(ref)),
    patchObject: (ref, patch, options) =>
      call(`${options.dryRun ? 'dry-run patching' : 'patching'} ${describe(ref)}`, () =>
        raw.patch(ref, patch, options.type, options.dryRun ?? false),
      ),
    async listEvents(namespace, involvedObjectName) {
      const fieldSelector = involvedObjectName ? `involvedObject.name=${involvedObjectName}` : undefined;
      const list = await call(
        `listing events in ${namespace}${involvedObjectName ? ` of ${involvedObjectName}` : ''}`,
        () => core.listNamespacedEvent({ namespace, ...(fieldSelector ? { fieldSelector } : {}) }),
      );
      return list.items.map(toKubeEvent).sort((a, b) => a.at.localeCompare(b.at));
    },
    async deletePod(namespace, name) {
      await call(`deleting pod ${namespace}/${name}`, () => core.deleteNamespacedPod({ name, namespace }));
    },
    podLogs: ({ namespace, pod, container, tailLines, previous }) =>
      call(`reading the log of ${namespace}/${pod}${previous ? ' (previous run)' : ''}`, () =>
        core.readNamespacedPodLog({
          name: pod,
          namespace,
          tailLines,
          ...(container ? { container } : {}),
          ...(previous ? { previous } : {}),
        }),
      ),
    async listNodes() {
      const list = await call('listing nodes', () => core.listNode());
      return list.items.map(toNodeInfo);
    },
    async nodeUsage() {
      const list = await call('reading node metrics (metrics.k8s.io)', () => metrics.getNodeMetrics());
      return list.items.map(toNodeUsage);
    },
    async podUsage(namespace) {
      const list = await call(`reading pod metrics in ${namespace} (metrics.k8s.io)`, () =>
        metrics.getPodMetrics(namespace),
      );
      return list.items.map(toPodUsage);
    },
    serviceFetch: (service) => proxiedFetch(raw, service),
    cadvisorMetrics: (node, options = {}) =>
      call(`reading the cAdvisor metrics of node ${node} (nodes/proxy)`, () =>
        raw.getText(`/api/v1/nodes/${encodeURIComponent(node)}/proxy/metrics/cadvisor`, options.signal),
      ),
  };
  return port;
}

/**
 * Who the kubeconfig acts as: its current context's user (the CLI records it as requester and
 * approver of a change it makes, and says so on the card).
 *
 * @example kubeconfigIdentity({ kubeconfigPath: '~/.kube/config' }) // 'alice@prod'
 */
export function kubeconfigIdentity(options: KubeClientOptions = {}): string {
  const kc = loadConfig(options);
  return kc.getCurrentUser()?.name ?? kc.getCurrentContext();
}

function loadConfig(options: KubeClientOptions): KubeConfig {
  const kc = new KubeConfig();
  const source =
    options.kubeConfigYaml !== undefined
      ? 'the given kubeconfig'
      : options.inCluster
        ? 'the in-cluster service account'
        : (options.kubeconfigPath ?? 'the default kubeconfig');
  try {
    if (options.kubeConfigYaml !== undefined) kc.loadFromString(options.kubeConfigYaml);
    else if (options.inCluster) kc.loadFromCluster();
    else if (options.kubeconfigPath !== undefined) kc.loadFromFile(options.kubeconfigPath);
    else kc.loadFromDefault();
  } catch (error) {
    throw new PerfError('config', `cannot load Kubernetes config from ${source}: ${String(error)}`, {
      userMessage: `perfbot cannot load its Kubernetes config from ${source}. Set KUBECONFIG (or the kubeconfig path in its env) or run it in the cluster.`,
      cause: error,
    });
  }
  if (!kc.getCurrentCluster()) {
    throw new PerfError('config', `no current cluster in ${source}`, {
      userMessage: `The Kubernetes config from ${source} names no current cluster: set its current-context.`,
    });
  }
  return kc;
}
