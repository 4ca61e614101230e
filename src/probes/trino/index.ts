import type { ServiceDescriptor } from '../../domain/service.js';
import { TrinoSchema } from './config.js';
import { TRINO_METRICS } from './parse.js';
import { trinoProbe } from './run.js';

const keysIn = (unit: string) => TRINO_METRICS.filter((m) => m.unit === unit).map((m) => m.key);

/**
 * Trino: three queries over REST, timed by the coordinator. The summary leads with each query's
 * elapsed and CPU time and peak memory; queue waits, rows and bytes processed and spills are its detail.
 */
export const trino: ServiceDescriptor<'trino', typeof TrinoSchema> = {
  name: 'trino',
  probe: trinoProbe,
  config: TrinoSchema,
  options: ['runs'],
  metrics: TRINO_METRICS,
  // What an engineer reads first, per query: how long it took, the CPU it used, its peak memory.
  summaryLeads: TRINO_METRICS.filter((m) => /\.(elapsed_ms|cpu_ms|peak_memory_bytes)$/.test(m.key)).map(
    (m) => m.key,
  ),
  charts: [
    { id: 'ms', title: 'time (ms)', unit: 'ms', metrics: keysIn('ms') },
    { id: 'bytes', title: 'size (bytes)', unit: 'bytes', metrics: keysIn('bytes') },
  ],
  knobs: [],
  rules: [],
};
