import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { BaselineOptions } from '../commands/options.js';
import type { Env } from '../config/env.js';
import type { PlatformConfig } from '../config/platform.js';
import type { ServiceName } from '../domain/services.js';
import type { Progress } from '../jobs/contracts.js';
import type { KubePort } from '../kube/port.js';
import type { MetricDef } from '../results/schema.js';

/** What a probe may use: every I/O collaborator is passed in (STYLE.md, "Ports"). */
export interface ProbeDeps {
  kube: KubePort;
  platform: PlatformConfig;
  env: Env;
  clock: Clock;
  log: Logger;
  /** Aborted on cancel or shutdown; long steps check it and stop. */
  signal: AbortSignal;
  progress(update: Progress): void;
  /** Trino REST and other HTTP probes go through this (tests point it at the simulated platform). */
  fetch: typeof fetch;
}

/** One run's figures, as parsed from the tool's output kept in `raw`. */
export interface RunOutput {
  samples: Record<string, number>;
  raw: string;
  /** Service-specific detail for the view (the last run's is kept). */
  details?: unknown;
  /**
   * Why this run's figures are not a clean sample though the tool exited 0 (Kafka's producer sent fewer
   * records than asked, say): the run is kept with its raw output but left out of the summary.
   */
  invalid?: string;
  /** Warnings the tool printed (client WARN/ERROR lines), shown under the summary. */
  warnings?: readonly string[];
}

export type ParamValue = string | number | boolean;

/** Set up before the runs (find the pod, ensure the topic or table exists); handed to every run. */
export interface Prepared {
  params: Record<string, ParamValue>;
  context: {
    pod?: string;
    namespace?: string;
    nodeCount?: number;
    images?: string[];
    settings?: Record<string, string>;
  };
  /** Opaque to the runner: what `runOnce` needs (pod name, connection, …). */
  handle: unknown;
  /** Releases what `prepare` opened (a database connection); called whatever happened. */
  close?(): Promise<void>;
}

/**
 * A probe: `prepare` once, then `runOnce` for each run (a discarded warm-up first when `warmup`).
 * I/O lives in `probes/<svc>/run.ts`, parsing in `probes/<svc>/parse.ts` (pure).
 *
 * @example const probe: Probe = { service: 'kafka', metrics, warmup: false, runs, prepare, runOnce }
 */
export interface Probe {
  service: ServiceName;
  metrics: readonly MetricDef[];
  /** Discard one extra first run (JIT, caches, connection set-up). */
  warmup: boolean;
  /** Number of measured runs: the user's `--runs`, else the service's default from perfbot.yaml. */
  runs(options: BaselineOptions, platform: PlatformConfig): number;
  prepare(deps: ProbeDeps, options: BaselineOptions): Promise<Prepared>;
  runOnce(deps: ProbeDeps, prepared: Prepared, index: number): Promise<RunOutput>;
}
