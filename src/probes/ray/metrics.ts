import type { MetricDef } from '../../results/schema.js';

export const RAY_METRICS: readonly MetricDef[] = [
  {
    key: 'tiny_tasks_per_sec',
    label: 'Tiny tasks (no-op: scheduler)',
    unit: 'tasks/s',
    direction: 'higher_is_better',
  },
  {
    key: 'cpu_tasks_per_sec',
    label: 'CPU-bound tasks (1 CPU each)',
    unit: 'tasks/s',
    direction: 'higher_is_better',
  },
  {
    key: 'io_tasks_per_sec',
    label: 'I/O-bound tasks (50 ms wait, no CPU held)',
    unit: 'tasks/s',
    direction: 'higher_is_better',
  },
  { key: 'cluster_cpus', label: 'Cluster CPUs', unit: 'CPUs', direction: 'higher_is_better' },
];
