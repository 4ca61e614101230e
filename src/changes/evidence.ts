import { asPerfError } from '../errors.js';
import type { KubePort, PodInfo } from '../kube/port.js';

/**
 * What the thread shows of a failed rollout: each failing pod's last events and the last lines of its
 * crashing container's log (of the run that crashed, `previous`, once it restarted), every line
 * prefixed with the pod's name, as `kubectl describe pod` and `kubectl logs --previous` show them.
 */

const EVENTS = 5;
const LOG_LINES = 10;
/** More pods than this say nothing more: one replica's crash is every replica's. */
const PODS = 3;

/** The container that fails: the first one waiting or restarted, else the first one. */
const crashingContainer = (pod: PodInfo) => pod.containers[0]?.name;

/**
 * Events and log lines of the failing pods; a part that cannot be read says so in its own line
 * rather than hiding the rest.
 *
 * @example const evidence = await collectEvidence(ctx.kube, failed.pods)
 */
export async function collectEvidence(kube: KubePort, pods: readonly PodInfo[]): Promise<string[]> {
  const lines: string[] = [];
  for (const pod of pods.slice(0, PODS)) {
    lines.push(...(await podEvents(kube, pod)), ...(await podLog(kube, pod)));
  }
  return lines;
}

async function podEvents(kube: KubePort, pod: PodInfo): Promise<string[]> {
  try {
    const events = await kube.listEvents(pod.namespace, pod.name);
    return events.slice(-EVENTS).map((e) => `${pod.name}: event ${e.type} ${e.reason}: ${e.message}`);
  } catch (error) {
    return [`${pod.name}: events unavailable: ${asPerfError(error).userMessage}`];
  }
}

async function podLog(kube: KubePort, pod: PodInfo): Promise<string[]> {
  const container = crashingContainer(pod);
  const read = (previous: boolean) =>
    kube.podLogs({
      namespace: pod.namespace,
      pod: pod.name,
      tailLines: LOG_LINES,
      ...(container ? { container } : {}),
      ...(previous ? { previous } : {}),
    });
  try {
    // The run that crashed is the previous one once the container restarted; fall back to the current.
    const text = pod.restarts > 0 ? await read(true).catch(() => read(false)) : await read(false);
    const logLines = text.split('\n').filter((l) => l.trim() !== '');
    return logLines.slice(-LOG_LINES).map((l) => `${pod.name}: ${l}`);
  } catch (error) {
    return [`${pod.name}: log unavailable: ${asPerfError(error).userMessage}`];
  }
}
