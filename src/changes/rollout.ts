import { type Clock, systemClock } from '../clock.js';
import { abortedError, asPerfError } from '../errors.js';
import type { KubeObject, KubePort, ObjectRef, PodInfo } from '../kube/port.js';

/**
 * Watching a Deployment's or StatefulSet's rollout to its end, as `kubectl rollout status` does
 * (formats.md, "Rollouts"), and failing it early on what a person would see in `kubectl get pods`:
 * a new pod crash-looping, unable to pull its image or to build its config, or restarting.
 */

/** Waiting reasons that mean the new pods will not come up by themselves. */
export const FAILED_WAITING = [
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'CreateContainerConfigError',
];

/**
 * The pods before the write: their revisions (`pod-template-hash`, `controller-revision-hash`), so
 * that the pods of the new template can be told from the old ones on a Deployment, whose status does
 * not name its new ReplicaSet's hash.
 */
export interface RolloutBaseline {
  revisions: readonly string[];
}

export type RolloutVerdict =
  | { state: 'progressing' | 'complete'; progress: string }
  /** `pods`: the new pods that fail (for their events and logs), else those not ready. */
  | { state: 'failed'; progress: string; reason: string; pods: PodInfo[] };

interface WorkloadStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  currentRevision?: string;
  updateRevision?: string;
  conditions?: { type?: string; status?: string; reason?: string; message?: string }[];
}

interface WorkloadSpec {
  replicas?: number;
  updateStrategy?: { rollingUpdate?: { partition?: number } };
}

const revisionOf = (pod: PodInfo) =>
  pod.labels['controller-revision-hash'] ?? pod.labels['pod-template-hash'] ?? '';

/** The pods of the template being rolled out: a StatefulSet names its revision; a Deployment's are the unseen ones. */
export function newTemplatePods(
  workload: KubeObject,
  pods: readonly PodInfo[],
  baseline?: RolloutBaseline,
): PodInfo[] {
  const status = (workload.status ?? {}) as WorkloadStatus;
  if (workload.kind === 'StatefulSet' && status.updateRevision) {
    return pods.filter((p) => p.labels['controller-revision-hash'] === status.updateRevision);
  }
  if (!baseline) return [...pods];
  const old = new Set(baseline.revisions);
  return pods.filter((p) => !old.has(revisionOf(p)));
}

/**
 * "trino-worker: 1 of 2 pods updated, 1 ready": updated as the status counts them, ready among the
 * pods of the new template (`fresh`; the status's `readyReplicas` counts the old pods too).
 */
export function rolloutProgress(workload: KubeObject, fresh?: readonly PodInfo[]): string {
  const status = (workload.status ?? {}) as WorkloadStatus;
  const replicas = (workload.spec as WorkloadSpec | undefined)?.replicas ?? 1;
  const noun = replicas === 1 ? 'pod' : 'pods';
  const ready = fresh ? fresh.filter((p) => p.ready).length : (status.readyReplicas ?? 0);
  return `${workload.metadata.name}: ${status.updatedReplicas ?? 0} of ${replicas} ${noun} updated, ${ready} ready`;
}

function complete(workload: KubeObject): boolean {
  const status = (workload.status ?? {}) as WorkloadStatus;
  const spec = (workload.spec ?? {}) as WorkloadSpec;
  const replicas = spec.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  if ((status.observedGeneration ?? 0) < (workload.metadata.generation ?? 1)) return false;
  if (workload.kind === 'StatefulSet') {
    const partition = spec.updateStrategy?.rollingUpdate?.partition ?? 0;
    return (
      updated >= replicas - partition &&
      (status.readyReplicas ?? 0) === replicas &&
      (partition > 0 || status.currentRevision === status.updateRevision)
    );
  }
  return (
    updated === replicas &&
    (status.replicas ?? 0) === updated &&
    (status.availableReplicas ?? 0) === updated &&
    (status.readyReplicas ?? 0) === updated
  );
}

const podTrouble = (pod: PodInfo): string | undefined =>
  pod.waiting && FAILED_WAITING.includes(pod.waiting)
    ? pod.waiting
    : pod.restarts > 0
      ? `restarted ${pod.restarts} time${pod.restarts === 1 ? '' : 's'}`
      : undefined;

/**
 * Where a rollout stands, from the workload and its pods (pure). A status the controller has not
 * caught up with yet (`observedGeneration` behind) is progressing whatever its conditions say: they
 * are about the previous template.
 *
 * @example rolloutVerdict(await kube.getObject(ref), await kube.listPods(ns, selector), baseline)
 */
export function rolloutVerdict(
  workload: KubeObject,
  pods: readonly PodInfo[],
  baseline?: RolloutBaseline,
): RolloutVerdict {
  const status = (workload.status ?? {}) as WorkloadStatus;
  if ((status.observedGeneration ?? 0) < (workload.metadata.generation ?? 1)) {
    return { state: 'progressing', progress: rolloutProgress(workload, []) };
  }
  const fresh = newTemplatePods(workload, pods, baseline);
  const progress = rolloutProgress(workload, fresh);
  const failing = fresh.filter((p) => podTrouble(p) !== undefined);
  if (failing.length > 0) {
    const reason = failing.map((p) => `pod ${p.name}: ${podTrouble(p)}`).join('; ');
    return { state: 'failed', progress, reason, pods: failing };
  }
  const deadline = status.conditions?.find(
    (c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded',
  );
  if (deadline) {
    const reason = `ProgressDeadlineExceeded: ${deadline.message ?? 'the rollout made no progress in time'}`;
    return { state: 'failed', progress, reason, pods: fresh.filter((p) => !p.ready) };
  }
  return { state: complete(workload) ? 'complete' : 'progressing', progress };
}

/** The label selector of a workload's pods (`spec.selector.matchLabels`), as `k=v,k2=v2`. */
export function workloadSelector(workload: KubeObject): string {
  const labels = (workload.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined)
    ?.selector?.matchLabels;
  return Object.entries(labels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** The revisions of a workload's pods now: call before the write, pass to `watchRollout`. */
export async function rolloutBaseline(kube: KubePort, ref: ObjectRef): Promise<RolloutBaseline> {
  const workload = await kube.getObject(ref);
  const pods = await kube.listPods(ref.namespace, workloadSelector(workload));
  return { revisions: [...new Set(pods.map(revisionOf))] };
}

export interface WatchOptions {
  /** The rollout fails when it is not complete after this long. */
  deadlineMs: number;
  pollMs: number;
  /** Called with each progress line that differs from the last one. */
  progress(line: string): void | Promise<void>;
  signal?: AbortSignal;
  baseline?: RolloutBaseline;
  clock?: Clock;
}

export type RolloutResult = { ok: true; progress: string } | { ok: false; reason: string; pods: PodInfo[] };

/**
 * Reads the workload and its pods every `pollMs` until the rollout completes, fails, or its deadline
 * passes; a transient API error (a 503, a reset) is asked again until then. An abort throws the
 * `abortedError` of the signal.
 *
 * @example await watchRollout(ctx.kube, ref, { deadlineMs: 600_000, pollMs: 2000, progress: say })
 */
export async function watchRollout(
  kube: KubePort,
  ref: ObjectRef,
  options: WatchOptions,
): Promise<RolloutResult> {
  const clock = options.clock ?? systemClock;
  const until = clock.now() + options.deadlineMs;
  const label = `${ref.kind} ${ref.namespace}/${ref.name}`;
  let last = '';
  for (;;) {
    if (options.signal?.aborted) throw abortedError(options.signal, `watching the rollout of ${label}`);
    const read = await readRollout(kube, ref, clock.now() < until);
    if (!read) {
      await pause(clock, options.pollMs, options.signal);
      continue;
    }
    const { workload, pods } = read;
    const verdict = rolloutVerdict(workload, pods, options.baseline);
    if (verdict.progress !== last) {
      last = verdict.progress;
      await options.progress(verdict.progress);
    }
    if (verdict.state === 'complete') return { ok: true, progress: verdict.progress };
    if (verdict.state === 'failed')
      return { ok: false, reason: `${label}: ${verdict.reason}`, pods: verdict.pods };
    if (clock.now() >= until) {
      const fresh = newTemplatePods(workload, pods, options.baseline).filter((p) => !p.ready);
      const reason = `${label}: not rolled out after ${Math.round(options.deadlineMs / 1000)} s (${verdict.progress})`;
      return { ok: false, reason, pods: fresh };
    }
    await pause(clock, options.pollMs, options.signal);
  }
}

/** The workload and its pods; undefined after a transient API error while there is time left to ask again. */
async function readRollout(
  kube: KubePort,
  ref: ObjectRef,
  timeLeft: boolean,
): Promise<{ workload: KubeObject; pods: PodInfo[] } | undefined> {
  try {
    const workload = await kube.getObject(ref);
    return { workload, pods: await kube.listPods(ref.namespace, workloadSelector(workload)) };
  } catch (error) {
    if (timeLeft && asPerfError(error).retryable) return undefined;
    throw error;
  }
}

async function pause(clock: Clock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return clock.delay(ms);
  await new Promise<void>((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    clock.delay(ms).then(done, done);
  });
}
