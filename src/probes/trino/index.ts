import type { ServiceDescriptor } from '../../domain/service.js';
import { TrinoSchema } from './config.js';
import { TRINO_METRICS } from './parse.js';

/** The metrics of these fields, query by query (`count.elapsed_ms`, `count.cpu_ms`, `aggregate.elapsed_ms`, …). */
const keysOf = (...suffixes: string[]) =>
  TRINO_METRICS.filter((m) => suffixes.some((s) => m.key.endsWith(`.${s}`))).map((m) => m.key);

/**
 * Trino: three queries over REST, timed by the coordinator. The summary leads with each query's
 * elapsed and CPU time and peak memory; queue waits, rows and bytes processed and spills are its detail.
 */
export const trino: ServiceDescriptor<'trino', typeof TrinoSchema> = {
  name: 'trino',
  loadProbe: () => import('./run.js').then((m) => m.trinoProbe),
  config: TrinoSchema,
  options: ['runs'],
  metrics: TRINO_METRICS,
  // What an engineer reads first, per query: how long it took, the CPU it used, its peak memory.
  summaryLeads: keysOf('elapsed_ms', 'cpu_ms', 'peak_memory_bytes'),
  // One quantity per chart: time running (elapsed beside CPU, per query), time queued, memory, data.
  charts: [
    { id: 'time', title: 'elapsed and CPU time (ms)', unit: 'ms', metrics: keysOf('elapsed_ms', 'cpu_ms') },
    { id: 'queued', title: 'time queued (ms)', unit: 'ms', metrics: keysOf('queued_ms') },
    { id: 'memory', title: 'peak memory', unit: 'bytes', metrics: keysOf('peak_memory_bytes') },
    {
      id: 'data',
      title: 'bytes processed and spilled',
      unit: 'bytes',
      metrics: keysOf('processed_bytes', 'spilled_bytes'),
    },
  ],
  knobs: [],
  rules: [],
};
