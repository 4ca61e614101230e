import type { ServiceDescriptor } from '../../domain/service.js';
import { TrinoSchema } from './config.js';
import { TRINO_METRICS } from './parse.js';

const keysIn = (unit: string) => TRINO_METRICS.filter((m) => m.unit === unit).map((m) => m.key);

/** Trino: three queries over REST, timed by the coordinator. Rows processed are in the table only. */
export const trino: ServiceDescriptor<'trino', typeof TrinoSchema> = {
  name: 'trino',
  loadProbe: () => import('./run.js').then((m) => m.trinoProbe),
  config: TrinoSchema,
  options: ['runs'],
  metrics: TRINO_METRICS,
  charts: [
    { id: 'ms', title: 'time (ms)', unit: 'ms', metrics: keysIn('ms') },
    { id: 'bytes', title: 'size (bytes)', unit: 'bytes', metrics: keysIn('bytes') },
  ],
  knobs: [],
  rules: [],
};
