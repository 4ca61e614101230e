import type { ComponentName } from '../domain/components.js';

/**
 * The knob sets as help and usage name them, light enough for the bot (which never loads the knob
 * sets themselves: they bring the probes' clients). `test/unit/changes/catalog.test.ts` keeps it
 * equal to `KNOB_SETS` (`knob-sets.ts`): a knob set added there and not here fails the suite.
 */
export const KNOB_CATALOG: readonly { component: ComponentName; name: string; keys: readonly string[] }[] = [
  { component: 'dolphinscheduler', name: 'jvm', keys: ['options', 'heap'] },
  {
    component: 'dolphinscheduler',
    name: 'pool',
    keys: ['maximum_pool_size', 'minimum_idle', 'connection_timeout', 'idle_timeout', 'max_lifetime'],
  },
  { component: 'trino', name: 'jvm', keys: ['options', 'heap'] },
  {
    component: 'trino',
    name: 'limits',
    keys: [
      'query.max-memory-per-node',
      'query.max-memory',
      'query.max-total-memory',
      'memory.heap-headroom-per-node',
      'query.max-cpu-time',
      'query.max-execution-time',
      'query.max-run-time',
      'query.max-history',
    ],
  },
  { component: 'trino', name: 'analyze', keys: ['table'] },
  {
    component: 'postgres',
    name: 'pool',
    keys: ['max_connections', 'shared_buffers', 'effective_cache_size', 'work_mem', 'maintenance_work_mem'],
  },
  { component: 'redis', name: 'cache', keys: ['maxmemory', 'policy'] },
  { component: 'superset', name: 'cache', keys: ['redis'] },
];

/** `• dolphinscheduler jvm [options=…] [heap=…]`, one line per knob set, for `help tune`. */
export function catalogLines(mark: (text: string) => string): string[] {
  return KNOB_CATALOG.map(
    (k) => `• ${mark(`${k.component} ${k.name}`)} ${k.keys.map((key) => `[${key}=…]`).join(' ')}`,
  );
}
