import { z } from 'zod';
import { SERVICE_NAMES } from './services.js';

/**
 * What a change may target: the measured services (`domain/services.ts`) and the platform's other
 * parts that `/perf tune` changes but perfbot does not benchmark (DolphinScheduler's API, Redis,
 * Superset). Locks and change records are per component; a component that is also a service shares
 * its measure lock, so nothing is changed while it is being measured.
 */
export const EXTRA_COMPONENTS = ['dolphinscheduler', 'redis', 'superset'] as const;
export const COMPONENT_NAMES = [...SERVICE_NAMES, ...EXTRA_COMPONENTS] as [
  (typeof SERVICE_NAMES)[number] | (typeof EXTRA_COMPONENTS)[number],
  ...((typeof SERVICE_NAMES)[number] | (typeof EXTRA_COMPONENTS)[number])[],
];
export const ComponentNameSchema = z.enum(COMPONENT_NAMES);
export type ComponentName = z.infer<typeof ComponentNameSchema>;
