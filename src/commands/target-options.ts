import type { BaselineOptions, BaselineTarget } from './command.js';

/**
 * Which `baseline` options mean something for which target: an option another probe would use is
 * refused rather than silently ignored (`baseline trino --records 5000`). `all` takes every option
 * and hands each to the probes it concerns.
 */
export const TARGET_OPTIONS: Readonly<Record<BaselineTarget, readonly (keyof BaselineOptions)[]>> = {
  kafka: ['runs', 'records', 'recordSize', 'throughput', 'acks'],
  trino: ['runs'],
  ray: ['runs'],
  postgres: ['runs', 'queries'],
  resources: ['runs'],
  all: ['runs', 'records', 'recordSize', 'throughput', 'acks', 'queries'],
};

/** The first option given that the target does not use, if any. */
export function foreignOption(
  target: BaselineTarget,
  options: BaselineOptions,
): keyof BaselineOptions | undefined {
  const allowed = TARGET_OPTIONS[target];
  return (Object.keys(options) as (keyof BaselineOptions)[]).find((key) => !allowed.includes(key));
}

/** Where an option applies, for the message: `--records` applies to kafka (or all). */
export function targetsOf(option: keyof BaselineOptions): BaselineTarget[] {
  return (Object.keys(TARGET_OPTIONS) as BaselineTarget[]).filter((t) => TARGET_OPTIONS[t].includes(option));
}
