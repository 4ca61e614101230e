import type { MetricDef } from '../../results/schema.js';

export const POSTGRES_METRICS: readonly MetricDef[] = [
  { key: 'tps', label: 'Transactions per second', unit: 'tx/s', direction: 'higher_is_better' },
  { key: 'rollback_ratio', label: 'Rollback ratio', unit: 'ratio', direction: 'lower_is_better' },
  { key: 'cache_hit_ratio', label: 'Buffer cache hit ratio', unit: 'ratio', direction: 'higher_is_better' },
  { key: 'connections', label: 'Client connections', unit: 'connections', direction: 'lower_is_better' },
  { key: 'connections_pct_of_max', label: 'Connections of max', unit: '%', direction: 'lower_is_better' },
  { key: 'query.p50_ms', label: 'Query latency p50', unit: 'ms', direction: 'lower_is_better' },
  { key: 'query.p95_ms', label: 'Query latency p95', unit: 'ms', direction: 'lower_is_better' },
  { key: 'query.p99_ms', label: 'Query latency p99', unit: 'ms', direction: 'lower_is_better' },
  { key: 'query.mean_ms', label: 'Query latency mean', unit: 'ms', direction: 'lower_is_better' },
];
