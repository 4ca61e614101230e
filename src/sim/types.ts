import type { KubeObject } from '../kube/port.js';

/**
 * The simulated platform's contracts. The state is a store of Kubernetes objects that changes when
 * patched; simulated tools (Kafka's perf scripts, psql, the Ray benchmark, df) read it, so that their
 * numbers respond to the knobs a tuning change sets (heap size, pool size, shared_buffers, …).
 */
export interface SandboxState {
  get(kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
  list(kind: string, namespace?: string): KubeObject[];
  /** Uniform in [0, 1), seeded: the simulated noise is reproducible for a given seed. */
  random(): number;
  faults: FaultSet;
}

/**
 * Failures the sandbox can be told to produce, by name, e.g. `kafka.unreachable`,
 * `kafka.topic-missing`, `kafka.timeout`, `trino.error`, `ray.bad-output`, `postgres.down`,
 * `exec.slow` (with `delayMs`). A fault with `times` is consumed after that many hits.
 */
export interface FaultSpec {
  times?: number;
  delayMs?: number;
  [k: string]: unknown;
}

export interface FaultSet {
  set(name: string, spec?: FaultSpec): void;
  clear(name?: string): void;
  /** Returns the spec and consumes one hit, or undefined when the fault is not set. */
  take(name: string): FaultSpec | undefined;
  has(name: string): boolean;
}

export interface SimExecContext {
  state: SandboxState;
  namespace: string;
  pod: KubeObject;
  container: string | undefined;
  stdin: string;
}

export interface SimExecOutcome {
  stdout: string;
  stderr: string;
  exitCode: number;
  /** Simulated run time: the sandbox waits this long before answering (scaled by its speed factor). */
  durationMs?: number;
}

/** A simulated command in a pod, keyed by program basename (`kafka-producer-perf-test.sh`, `psql`). */
export type SimTool = (
  argv: readonly string[],
  ctx: SimExecContext,
) => SimExecOutcome | Promise<SimExecOutcome>;

/** How a proxied request reached a route: its path behind the proxy, and the in-cluster base URL. */
export interface RouteMount {
  path: string;
  /** `http://trino.data-platform.svc.cluster.local:8080`: what the service sees itself called. */
  base: string;
}
