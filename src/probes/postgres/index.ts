import type { ServiceDescriptor } from '../../domain/service.js';
import { PostgresSchema } from './config.js';
import { POSTGRES_METRICS } from './metrics.js';

/** PostgreSQL: timed probe queries and pg_stat snapshots. TPS and connections are in the table only. */
export const postgres: ServiceDescriptor<'postgres', typeof PostgresSchema> = {
  name: 'postgres',
  loadProbe: () => import('./run.js').then((m) => m.postgresProbe),
  config: PostgresSchema,
  options: ['runs', 'queries'],
  metrics: POSTGRES_METRICS,
  charts: [
    {
      id: 'ms',
      title: 'time (ms)',
      unit: 'ms',
      metrics: ['query.p50_ms', 'query.p95_ms', 'query.p99_ms', 'query.mean_ms'],
    },
    { id: 'ratio', title: 'ratio', unit: 'ratio', metrics: ['rollback_ratio', 'cache_hit_ratio'] },
  ],
  knobs: [],
  rules: [],
};
