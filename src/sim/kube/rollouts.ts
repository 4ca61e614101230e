import type { KubeObject } from '../../kube/port.js';
import {
  buildPod,
  crashLoopStatus,
  podHash,
  podReady,
  podStatus,
  rolloutStatus,
  templateHash,
  templateOf,
} from './controller.js';
import { type MemoryFaultSet, SandboxFault } from './faults.js';

/**
 * The simulated Deployment and StatefulSet controllers' rollouts, over time: a new template's first
 * pod is created beside the old ones (a StatefulSet's replaces its highest ordinal), starts, becomes
 * ready, then the rollout completes and the old pods go. A pod whose container does not start (the
 * injected `TemplateCheck` says so: a JVM refusing an option) crash-loops as the kubelet shows it, and
 * a Deployment's `Progressing` condition reports `ProgressDeadlineExceeded` after its deadline; the
 * `rollout.fail` fault makes the new pod never ready. Putting the old template back completes and
 * removes the new pods, except a StatefulSet's pod that is not ready: as on a real cluster, it stays
 * until it is deleted (`podDeleted`).
 */

type Obj = Record<string, unknown>;

/** Why a template's container does not start, as its own output says; undefined when it starts. */
export interface StartFailure {
  container: string;
  exitCode: number;
  /** What the container printed before it exited (its log). */
  log: string;
}

/** Asks whether a template's containers start (run once per rollout, before its first pod is ready). */
export type TemplateCheck = (input: {
  namespace: string;
  template: Obj;
  /** A ConfigMap's data in the namespace, for what the pod mounts. */
  configMap: (name: string) => Record<string, string> | undefined;
}) => Promise<StartFailure | undefined>;

/** What the rollouts need of the store, which owns the objects. */
export interface RolloutHost {
  read(kind: string, namespace: string, name: string): KubeObject | undefined;
  write(obj: KubeObject): void;
  remove(kind: string, namespace: string, name: string): void;
  /** The pods a workload owns. */
  pods(kind: string, namespace: string, name: string): KubeObject[];
  nodes(): string[];
  uid(): string;
  timestamp(): string;
  random(): number;
  faults: MemoryFaultSet;
  event(pod: KubeObject, event: { type: string; reason: string; message: string }): void;
  log(pod: KubeObject, container: string, text: string): void;
}

export interface RolloutOptions {
  /** How long a new pod takes to become ready, and the rest of the rollout to complete. */
  rolloutDelayMs: number;
  /** The time that stands for a Deployment's default `progressDeadlineSeconds` (600). */
  progressDeadlineMs: number;
  check?: TemplateCheck;
}

interface Active {
  hash: string;
  timers: Set<NodeJS.Timeout>;
  cancelled: boolean;
  /** Past its progress deadline: the status says so until another rollout starts. */
  failed: boolean;
}

/** At most this many restarts are simulated: the back-off grows, the picture does not change. */
const MAX_RESTARTS = 6;

export class Rollouts {
  readonly #host: RolloutHost;
  readonly #options: RolloutOptions;
  readonly #active = new Map<string, Active>();
  /** Per workload: the template hash its settled pods run. */
  readonly #stable = new Map<string, string>();

  constructor(host: RolloutHost, options: RolloutOptions) {
    this.#host = host;
    this.#options = options;
  }

  /** Runs the workload's pods of its current template at once (seeding, a replicas change). */
  settle(kind: string, namespace: string, name: string): void {
    this.#cancel(key(kind, namespace, name));
    this.#complete(kind, namespace, name);
  }

  /** The workload's template changed: a rollout starts (and supersedes one in progress). */
  start(kind: string, namespace: string, name: string): void {
    const k = key(kind, namespace, name);
    this.#cancel(k);
    const workload = this.#host.read(kind, namespace, name);
    if (!workload) return;
    const hash = templateHash(templateOf(workload));
    const stable = this.#stable.get(k) ?? hash;
    const rollout: Active = { hash, timers: new Set(), cancelled: false, failed: false };
    this.#active.set(k, rollout);
    const pods = this.#host.pods(kind, namespace, name);
    // A StatefulSet does not replace a pod of another revision that is not ready: it waits for it to
    // be ready, which a broken pod never is, until someone deletes it (kubernetes/kubernetes#67250,
    // the docs' "Forced rollback"). Its rollout, a restore's too, stands still until then.
    if (kind === 'StatefulSet' && pods.some((p) => podHash(p) !== hash && !podReady(p))) {
      this.#status(kind, namespace, name, 'progressing');
      return;
    }
    // The pods of a superseded rollout go first (their ReplicaSet is scaled down).
    for (const pod of pods) {
      if (podHash(pod) !== stable && podHash(pod) !== hash)
        this.#host.remove('Pod', namespace, pod.metadata.name);
    }
    const fault = this.#host.faults.peek(SandboxFault.rolloutFail);
    const failing =
      hash !== stable && fault !== undefined && (fault.name === undefined || fault.name === name);
    if (failing) this.#host.faults.take(SandboxFault.rolloutFail);
    this.#status(kind, namespace, name, 'progressing');
    if (hash === stable) {
      this.#later(rollout, this.#options.rolloutDelayMs, () => this.#complete(kind, namespace, name));
      return;
    }
    this.#later(rollout, 0, () => {
      this.#surge(rollout, kind, workload, failing).catch(() => undefined);
    });
  }

  /**
   * One of the workload's pods was deleted: a StatefulSet's controller takes its rollout up again
   * (the pod comes back from the current template); a Deployment's ReplicaSet makes a new pod when
   * no rollout is under way (one under way makes every replica at its end).
   */
  podDeleted(kind: string, namespace: string, name: string): void {
    if (kind === 'StatefulSet' || !this.#active.has(key(kind, namespace, name))) {
      this.start(kind, namespace, name);
    }
  }

  close(): void {
    for (const k of [...this.#active.keys()]) this.#cancel(k);
  }

  /** The first pod of the new template: created, then ready, crash-looping, or never ready. */
  async #surge(rollout: Active, kind: string, workload: KubeObject, failing: boolean): Promise<void> {
    const namespace = workload.metadata.namespace ?? 'default';
    const { name } = workload.metadata;
    const replicas = (workload.spec as { replicas?: number }).replicas ?? 1;
    const pod = this.#newPod(kind, workload, kind === 'StatefulSet' ? replicas - 1 : replicas, 'starting');
    this.#status(kind, namespace, name, 'progressing');
    const half = this.#options.rolloutDelayMs / 2;
    if (failing) {
      this.#later(rollout, half, () => this.#setPod(pod, podStatusOf(workload, pod, 'unready')));
      this.#deadline(rollout, kind, workload);
      return;
    }
    const failure = await this.#check(workload);
    if (rollout.cancelled) return;
    if (failure) {
      this.#crash(rollout, kind, workload, pod, failure);
      return;
    }
    this.#later(rollout, half, () => {
      this.#setPod(pod, podStatusOf(workload, pod, 'ready'));
      this.#status(kind, namespace, name, 'progressing');
      this.#later(rollout, half, () => this.#complete(kind, namespace, name));
    });
  }

  async #check(workload: KubeObject): Promise<StartFailure | undefined> {
    const { check } = this.#options;
    const namespace = workload.metadata.namespace ?? 'default';
    if (!check) return undefined;
    try {
      return await check({
        namespace,
        template: templateOf(workload) ?? {},
        configMap: (cm) =>
          this.#host.read('ConfigMap', namespace, cm)?.data as Record<string, string> | undefined,
      });
    } catch {
      // A check that cannot run (no `java` on the machine) says nothing: the pod starts.
      return undefined;
    }
  }

  #crash(rollout: Active, kind: string, workload: KubeObject, pod: KubeObject, failure: StartFailure): void {
    const namespace = workload.metadata.namespace ?? 'default';
    this.#host.log(pod, failure.container, failure.log);
    const restart = (restarts: number) => {
      const current = this.#host.read('Pod', namespace, pod.metadata.name);
      if (!current) return;
      this.#setPod(
        current,
        crashLoopStatus(current, failure.container, restarts, failure.exitCode, this.#host.timestamp()),
      );
      this.#host.event(current, {
        type: 'Warning',
        reason: 'BackOff',
        message: `Back-off restarting failed container ${failure.container} in pod ${pod.metadata.name}_${namespace}(${String(pod.metadata.uid)})`,
      });
      this.#status(kind, namespace, workload.metadata.name, 'progressing');
      if (restarts < MAX_RESTARTS) {
        this.#later(rollout, Math.max(this.#options.rolloutDelayMs, 20), () => restart(restarts + 1));
      }
    };
    restart(1);
    this.#deadline(rollout, kind, workload);
  }

  /** A Deployment that made no progress for its `progressDeadlineSeconds` says so; a StatefulSet has no deadline. */
  #deadline(rollout: Active, kind: string, workload: KubeObject): void {
    if (kind !== 'Deployment') return;
    const seconds = (workload.spec as { progressDeadlineSeconds?: number }).progressDeadlineSeconds ?? 600;
    const ms = (this.#options.progressDeadlineMs * seconds) / 600;
    const namespace = workload.metadata.namespace ?? 'default';
    this.#later(rollout, ms, () => {
      rollout.failed = true;
      this.#status(kind, namespace, workload.metadata.name, 'failed');
    });
  }

  #newPod(kind: string, workload: KubeObject, index: number, phase: 'starting' | 'ready'): KubeObject {
    const pod = buildPod(
      kind,
      workload,
      index,
      this.#host.nodes(),
      {
        uid: () => this.#host.uid(),
        timestamp: this.#host.timestamp(),
        random: () => this.#host.random(),
        existing: (podName) => this.#host.read('Pod', workload.metadata.namespace ?? 'default', podName),
      },
      phase,
    );
    this.#host.write(pod);
    return pod;
  }

  #setPod(pod: KubeObject, status: Obj): void {
    const current = this.#host.read('Pod', pod.metadata.namespace ?? 'default', pod.metadata.name);
    if (current) this.#host.write({ ...current, status });
  }

  /** The rollout is done: the old template's pods go, the new template runs every replica, ready. */
  #complete(kind: string, namespace: string, name: string): void {
    const k = key(kind, namespace, name);
    const workload = this.#host.read(kind, namespace, name);
    if (!workload) return;
    const hash = templateHash(templateOf(workload));
    const replicas = (workload.spec as { replicas?: number }).replicas ?? 1;
    const pods = this.#host.pods(kind, namespace, name);
    const keep = pods.filter((p) => podHash(p) === hash && podReady(p)).slice(0, replicas);
    for (const pod of pods) if (!keep.includes(pod)) this.#host.remove('Pod', namespace, pod.metadata.name);
    if (kind === 'StatefulSet') {
      for (let i = 0; i < replicas; i += 1) {
        if (!keep.some((p) => p.metadata.name === `${name}-${i}`)) this.#newPod(kind, workload, i, 'ready');
      }
    } else {
      for (let i = keep.length; i < replicas; i += 1) this.#newPod(kind, workload, i, 'ready');
    }
    this.#stable.set(k, hash);
    this.#active.delete(k);
    this.#status(kind, namespace, name, 'complete');
  }

  #status(kind: string, namespace: string, name: string, phase: 'progressing' | 'complete' | 'failed'): void {
    const workload = this.#host.read(kind, namespace, name);
    if (!workload) return;
    const pods = this.#host.pods(kind, namespace, name);
    const k = key(kind, namespace, name);
    const stable = this.#stable.get(k);
    const shown = this.#active.get(k)?.failed ? 'failed' : phase;
    this.#host.write({
      ...workload,
      status: rolloutStatus(workload, pods, shown, this.#host.timestamp(), stable),
    });
  }

  #later(rollout: Active, ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      rollout.timers.delete(timer);
      if (!rollout.cancelled) fn();
    }, ms);
    timer.unref();
    rollout.timers.add(timer);
  }

  #cancel(k: string): void {
    const rollout = this.#active.get(k);
    if (!rollout) return;
    rollout.cancelled = true;
    for (const timer of rollout.timers) clearTimeout(timer);
    this.#active.delete(k);
  }
}

const key = (kind: string, namespace: string, name: string) => `${kind}/${namespace}/${name}`;

function podStatusOf(workload: KubeObject, pod: KubeObject, phase: 'unready' | 'ready'): Obj {
  const ip =
    Number(
      String((pod.status as { podIP?: string } | undefined)?.podIP ?? '')
        .split('.')
        .pop(),
    ) || 2;
  return podStatus(templateOf(workload) ?? {}, phase, String(pod.metadata.creationTimestamp ?? ''), ip);
}
