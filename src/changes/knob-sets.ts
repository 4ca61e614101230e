import type { ComponentName } from '../domain/components.js';
import type { KnobSet } from './knob.js';
import { dolphinschedulerJvm } from './sets/dolphinscheduler-jvm.js';
import { dolphinschedulerPool } from './sets/dolphinscheduler-pool.js';
import { postgresPool } from './sets/postgres-pool.js';
import { redisCache } from './sets/redis-cache.js';
import { supersetCache } from './sets/superset-cache.js';
import { trinoAnalyze } from './sets/trino-analyze.js';
import { trinoJvm } from './sets/trino-jvm.js';
import { trinoLimits } from './sets/trino-limits.js';

/**
 * Every knob set `/perf tune <component> <knob-set>` knows, in the order help lists them. Adding one
 * is its file in `sets/` and one entry here. Workers and the CLI import this; the bot does not.
 */
export const KNOB_SETS: readonly KnobSet[] = [
  dolphinschedulerJvm,
  dolphinschedulerPool,
  trinoJvm,
  trinoLimits,
  trinoAnalyze,
  postgresPool,
  redisCache,
  supersetCache,
];

/** The knob set a command names, or undefined. @example knobSetOf('dolphinscheduler', 'jvm') */
export function knobSetOf(component: ComponentName, name: string): KnobSet | undefined {
  return KNOB_SETS.find((k) => k.component === component && k.name === name);
}

/** A component's knob sets (for help and a usage error). @example knobSetsOf('trino').map((k) => k.name) */
export function knobSetsOf(component: ComponentName): readonly KnobSet[] {
  return KNOB_SETS.filter((k) => k.component === component);
}
