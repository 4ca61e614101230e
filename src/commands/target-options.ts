import { SERVICES } from '../domain/services.js';
import type { BaselineTarget } from './command.js';
import { BASELINE_OPTION_KEYS, type BaselineOptionKey, type BaselineOptions } from './options.js';

/**
 * Which `baseline` options mean something for which target, from the services' descriptors: an
 * option another probe would use is refused rather than silently ignored (`baseline trino --records
 * 5000`). `all` takes every option and hands each to the probes it concerns.
 */
export const TARGET_OPTIONS: Readonly<Record<BaselineTarget, readonly BaselineOptionKey[]>> = {
  ...(Object.fromEntries(SERVICES.map((s) => [s.name, s.options])) as Record<
    BaselineTarget,
    readonly BaselineOptionKey[]
  >),
  all: BASELINE_OPTION_KEYS,
};

/** The first option given that the target does not use, if any. */
export function foreignOption(
  target: BaselineTarget,
  options: BaselineOptions,
): BaselineOptionKey | undefined {
  const allowed = TARGET_OPTIONS[target];
  return (Object.keys(options) as BaselineOptionKey[]).find((key) => !allowed.includes(key));
}

/** Where an option applies, for the message: `--records` applies to kafka (or all). */
export function targetsOf(option: BaselineOptionKey): BaselineTarget[] {
  return (Object.keys(TARGET_OPTIONS) as BaselineTarget[]).filter((t) => TARGET_OPTIONS[t].includes(option));
}
