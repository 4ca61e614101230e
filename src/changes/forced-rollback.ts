import { type Clock, systemClock } from '../clock.js';
import { asPerfError } from '../errors.js';
import type { KubeObject, KubePort, ObjectRef, PodInfo } from '../kube/port.js';
import { workloadSelector } from './rollout.js';

/**
 * A StatefulSet's forced rollback (the Kubernetes docs, StatefulSet "Forced rollback";
 * kubernetes/kubernetes#67250): when a new revision's pod never becomes ready, putting the old
 * template back does not replace that pod, because the controller waits for it to be ready first. The
 * restore deletes the pods that run the failed revision and are not ready; the controller then makes
 * them again from the restored template.
 */

interface StatefulSetStatus {
  observedGeneration?: number;
  currentRevision?: string;
  updateRevision?: string;
}

const statusOf = (workload: KubeObject) => (workload.status ?? {}) as StatefulSetStatus;

/**
 * The revision a StatefulSet rolls out now (`status.updateRevision`): read before the restore's
 * writes, it is the revision of the change, whose pods may be stuck. Undefined for another kind.
 */
export function updateRevision(workload: KubeObject): string | undefined {
  return workload.kind === 'StatefulSet' ? statusOf(workload).updateRevision : undefined;
}

/**
 * The pods to delete (pure): those of `failedRevision` that are not ready, once the controller has
 * seen the restored template (`observedGeneration` caught up, `updateRevision` another revision);
 * none before that (a pod deleted earlier would come back on the failed revision), and none when
 * the workload rolls `failedRevision` still (nothing was restored).
 */
export function stuckPods(
  workload: KubeObject,
  pods: readonly PodInfo[],
  failedRevision: string,
): PodInfo[] | 'not observed yet' {
  const status = statusOf(workload);
  if ((status.observedGeneration ?? 0) < (workload.metadata.generation ?? 1)) return 'not observed yet';
  if (status.updateRevision === failedRevision) return [];
  return pods.filter((p) => p.labels['controller-revision-hash'] === failedRevision && !p.ready);
}

export interface ForcedRollbackOptions {
  /** How long to wait for the controller to see the restored template. */
  deadlineMs: number;
  pollMs: number;
  progress(line: string): void | Promise<void>;
  clock?: Clock;
}

/**
 * After a StatefulSet's restore write: deletes its pods stuck on `failedRevision` (see `stuckPods`),
 * and says so on the progress line. A pod already gone counts as deleted. The names it deleted.
 *
 * @example await forceRollback(kube, statefulSet('kong', 'postgresql'), revisionBefore, { deadlineMs, pollMs, progress })
 */
export async function forceRollback(
  kube: KubePort,
  ref: ObjectRef,
  failedRevision: string,
  options: ForcedRollbackOptions,
): Promise<string[]> {
  const clock = options.clock ?? systemClock;
  const until = clock.now() + options.deadlineMs;
  for (;;) {
    const workload = await kube.getObject(ref);
    const pods = await kube.listPods(ref.namespace, workloadSelector(workload));
    const stuck = stuckPods(workload, pods, failedRevision);
    if (stuck !== 'not observed yet') return deleteEach(kube, stuck, options);
    if (clock.now() >= until) return [];
    await clock.delay(options.pollMs);
  }
}

async function deleteEach(
  kube: KubePort,
  pods: readonly PodInfo[],
  options: ForcedRollbackOptions,
): Promise<string[]> {
  const deleted: string[] = [];
  for (const pod of pods) {
    try {
      await kube.deletePod(pod.namespace, pod.name);
    } catch (error) {
      if (asPerfError(error).context.httpCode !== 404) throw error;
    }
    deleted.push(pod.name);
    await options.progress(
      `${pod.name}: deleted, stuck on the failed revision (${pod.waiting ?? 'not ready'}); it comes back from the restored template`,
    );
  }
  return deleted;
}
