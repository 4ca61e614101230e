import type { ServiceDescriptor } from '../../domain/service.js';
import { RaySchema } from './config.js';
import { RAY_METRICS } from './metrics.js';

/** Ray: a benchmark script in the head pod; task rates, and the CPUs they ran on. */
export const ray: ServiceDescriptor<'ray', typeof RaySchema> = {
  name: 'ray',
  loadProbe: () => import('./run.js').then((m) => m.rayProbe),
  config: RaySchema,
  options: ['runs'],
  metrics: RAY_METRICS,
  charts: [
    {
      id: 'tasks-per-s',
      title: 'throughput (tasks/s)',
      unit: 'tasks/s',
      metrics: ['tiny_tasks_per_sec', 'cpu_tasks_per_sec', 'io_tasks_per_sec'],
    },
    { id: 'cpus', title: 'CPUs', unit: 'CPUs', metrics: ['cluster_cpus'] },
  ],
  knobs: [],
  rules: [],
};
