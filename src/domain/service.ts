import type { z } from 'zod';
import type { ChartSpec } from '../charts/port.js';
import type { BaselineOptionKey, BaselineOptions } from '../commands/options.js';
import type { PlatformConfig } from '../config/platform.js';
import type { DocBlock } from '../present/document.js';
import type { Probe } from '../probes/types.js';
import type { MetricDef, ProbeResult } from '../results/schema.js';

/**
 * One chart of a service's baseline: which metrics go on it and what it is called. Metrics on one
 * chart share one axis, so they share a scale (records/s and msgs/s, never ms beside records/s).
 *
 * @example { id: 'latency', title: 'producer latency (ms)', unit: 'ms', metrics: ['producer.latency_avg_ms'] }
 */
export interface ChartFamily {
  /** Stable and file-name safe: `kafka-baseline-latency.png`. */
  id: string;
  /** After `<service> baseline: ` in the chart's title. */
  title: string;
  /** The value axis' title. */
  unit: string;
  /** Metric keys, in the order of the bars. */
  metrics: readonly string[];
  /**
   * Draws this family from the result itself (resources: every node's usage, from `details`) rather
   * than as bars of its metrics; `undefined` (no details recorded) falls back to the bars.
   */
  draw?(result: ProbeResult): ChartSpec | undefined;
}

/** Room for `/perf tune` (its knobs) and `/perf bottlenecks` (its rules): empty until those land. */
export type Knob = never;
export type BottleneckRule = never;

/**
 * Everything perfbot knows about one service, in its folder (`probes/<svc>/index.ts`); the registry
 * (`domain/services.ts`) lists them and everything else iterates it.
 *
 * @example export const kafka: ServiceDescriptor<'kafka', typeof KafkaSchema> = { name: 'kafka', loadProbe: () => import('./run.js').then((m) => m.kafkaProbe), config: KafkaSchema, … }
 */
export interface ServiceDescriptor<Name extends string = string, Config extends z.ZodType = z.ZodType> {
  name: Name;
  /**
   * The probe, loaded on first use: its I/O (the Kubernetes client, `pg`, Trino's protocol) is the workers'
   * and the CLI's, never the bot's, which reads only the descriptor's light parts (config, options, metrics).
   */
  loadProbe(): Promise<Probe>;
  /** Its section of perfbot.yaml (`services.<name>`), every field defaulted. */
  config: Config;
  /** The `baseline` options it takes (`commands/options.ts`); `baseline all` takes them all. */
  options: readonly BaselineOptionKey[];
  metrics: readonly MetricDef[];
  /**
   * The metrics the summary's first table shows (with every metric that has a target); the others go
   * to its detail table at the end. Absent: one table of every metric.
   */
  summaryLeads?: readonly string[];
  charts: readonly ChartFamily[];
  knobs: readonly Knob[];
  rules: readonly BottleneckRule[];
  /** Refuses a run over the platform's load cap, naming the setting (Kafka: `maxBytesPerRun`). */
  loadCap?(options: BaselineOptions, platform: PlatformConfig): string | undefined;
  /**
   * Measured apart from the other services' load: in `baseline all` it runs in a stage of its own,
   * before the others start (resources: its snapshots would otherwise show the probes' own load).
   */
  measuredApart?: true;
  /** Blocks after the summary's metrics table, for a service whose detail needs its own (resources). */
  table?(result: ProbeResult): DocBlock[];
}
