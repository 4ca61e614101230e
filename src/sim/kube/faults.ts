import { z } from 'zod';
import type { FaultSet, FaultSpec } from '../types.js';

/**
 * Fault names the sandbox itself honours (tools and routes mounted by other modules add their own, e.g.
 * `kafka.unreachable`, `trino.error`):
 * - `exec.slow` `{ delayMs }`: every exec waits this long more (not scaled by `speed`, so timeouts can be tested).
 * - `api.error` `{ status?, path? }`: API requests (whose path contains `path`, if given) fail with that HTTP
 *   status (default 503) and a Kubernetes `Status` body.
 * - `metrics.unavailable`: metrics.k8s.io answers 503 as it does while metrics-server is down.
 * - `rollout.fail` `{ name? }`: the next pod-template change (of the workload `name`, if given) never completes:
 *   its new pod never becomes ready, and a Deployment's `Progressing` condition gets reason
 *   `ProgressDeadlineExceeded` after its progress deadline. A change back to the old template is not affected.
 */
export const SandboxFault = {
  execSlow: 'exec.slow',
  apiError: 'api.error',
  metricsUnavailable: 'metrics.unavailable',
  rolloutFail: 'rollout.fail',
} as const;

/** The body of `POST /sandbox/faults`. */
export const FaultRequestSchema = z.object({
  name: z.string().min(1).max(100),
  spec: z
    .looseObject({ times: z.number().int().min(1).optional(), delayMs: z.number().min(0).optional() })
    .optional(),
});

/** A `FaultSet` in memory; `peek` reads a fault without consuming a hit (for faults with filters). */
export class MemoryFaultSet implements FaultSet {
  readonly #faults = new Map<string, FaultSpec>();

  set(name: string, spec: FaultSpec = {}): void {
    this.#faults.set(name, { ...spec });
  }

  clear(name?: string): void {
    if (name === undefined) this.#faults.clear();
    else this.#faults.delete(name);
  }

  has(name: string): boolean {
    return this.#faults.has(name);
  }

  peek(name: string): FaultSpec | undefined {
    return this.#faults.get(name);
  }

  take(name: string): FaultSpec | undefined {
    const spec = this.#faults.get(name);
    if (spec === undefined) return undefined;
    if (spec.times !== undefined) {
      if (spec.times <= 1) this.#faults.delete(name);
      else this.#faults.set(name, { ...spec, times: spec.times - 1 });
    }
    return spec;
  }

  /** Names and specs, for `GET /sandbox/faults`. */
  entries(): Record<string, FaultSpec> {
    return Object.fromEntries(this.#faults);
  }
}
