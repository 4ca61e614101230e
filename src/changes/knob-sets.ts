// PLACEHOLDER until helper B's knob sets land (replaced by `git merge knobs`).
import type { ComponentName } from '../domain/components.js';
import type { KnobSet } from './knob.js';

export const KNOB_SETS: readonly KnobSet[] = [];

export const knobSetsOf = (component: ComponentName): readonly KnobSet[] =>
  KNOB_SETS.filter((k) => k.component === component);

export const knobSetOf = (component: ComponentName, name: string): KnobSet | undefined =>
  KNOB_SETS.find((k) => k.component === component && k.name === name);
