import type { MetricDef } from '../../results/schema.js';

export const RESOURCES_METRICS: readonly MetricDef[] = [
  { key: 'max_node_cpu_pct', label: 'Busiest node CPU', unit: '%', direction: 'lower_is_better' },
  { key: 'max_node_memory_pct', label: 'Busiest node memory', unit: '%', direction: 'lower_is_better' },
  { key: 'avg_node_cpu_pct', label: 'Mean node CPU', unit: '%', direction: 'lower_is_better' },
  { key: 'avg_node_memory_pct', label: 'Mean node memory', unit: '%', direction: 'lower_is_better' },
  {
    key: 'max_pod_cpu_pct_of_limit',
    label: 'Pod CPU closest to limit',
    unit: '%',
    direction: 'lower_is_better',
  },
  {
    key: 'max_pod_memory_pct_of_limit',
    label: 'Pod memory closest to limit',
    unit: '%',
    direction: 'lower_is_better',
  },
  { key: 'max_volume_used_pct', label: 'Fullest data volume', unit: '%', direction: 'lower_is_better' },
];
