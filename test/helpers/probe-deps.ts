import { pino } from 'pino';
import type { Clock } from '../../src/clock.js';
import { EnvSchema } from '../../src/config/env.js';
import { PlatformConfigSchema } from '../../src/config/platform.js';
import type { KubePort } from '../../src/kube/port.js';
import type { ProbeDeps } from '../../src/probes/types.js';

/**
 * For probes that need no Kubernetes access (Trino, PostgreSQL direct): every call fails the test.
 * Not a thenable (no `then`), so that it can be awaited or returned from an async function.
 */
export const noKube: KubePort = new Proxy({} as KubePort, {
  get: (_target, name) =>
    name === 'then' ? undefined : () => Promise.reject(new Error(`unexpected KubePort.${String(name)}`)),
});

/** Reads the wall clock but never waits: simulated tools measure their intervals on their own clocks. */
export const noWaitClock: Clock = { now: () => Date.now(), delay: async () => undefined };

/** The simulated time of an in-memory test state: waiting moves it, as the tools read it. */
export function stateClock(state: { now(): number; advance(ms: number): void }): Clock {
  return { now: () => state.now(), delay: async (ms) => state.advance(ms) };
}

export interface TestProbeDepsOptions {
  kube?: KubePort;
  /** perfbot.yaml as a test writes it, parsed with the real schema (defaults filled in). */
  platform?: unknown;
  /** Environment variables, parsed with the real schema. */
  env?: Record<string, string>;
  clock?: Clock;
  signal?: AbortSignal;
  progress?: ProbeDeps['progress'];
}

/**
 * The `ProbeDeps` a probe test hands to `prepare`/`runOnce`: the real config schemas, a silent
 * logger and the global `fetch`; by default no Kubernetes, a clock that never waits, no progress
 * and a signal that is never aborted.
 * @example probeDeps({ kube: sb.kube, platform: { services: { kafka: { records: 200_000 } } } })
 */
export function probeDeps(o: TestProbeDepsOptions = {}): ProbeDeps {
  return {
    kube: o.kube ?? noKube,
    platform: PlatformConfigSchema.parse(o.platform ?? {}),
    env: EnvSchema.parse(o.env ?? {}),
    clock: o.clock ?? noWaitClock,
    log: pino({ level: 'silent' }),
    signal: o.signal ?? new AbortController().signal,
    progress: o.progress ?? (() => undefined),
    fetch,
  };
}
