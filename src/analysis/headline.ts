import type { MetricDef, MetricSummary, ProbeResult } from '../results/schema.js';

export interface Headline {
  metric: MetricDef;
  summary: MetricSummary;
}

/**
 * The one figure a result is known by: the first metric with a target (targets come from the runbook),
 * else the first metric. Undefined for a result without metrics.
 */
export function headline(result: ProbeResult, metricKey?: string): Headline | undefined {
  const byKey = (key: string): Headline | undefined => {
    const metric = result.metrics.find((m) => m.key === key);
    const summary = result.summary.find((s) => s.key === key);
    return metric && summary ? { metric, summary } : undefined;
  };
  if (metricKey !== undefined) return byKey(metricKey);
  const targeted = result.summary.find((s) => s.target !== null);
  if (targeted) return byKey(targeted.key);
  const first = result.metrics[0];
  return first ? byKey(first.key) : undefined;
}
