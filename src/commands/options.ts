import { z } from 'zod';

/**
 * The `baseline` options, declared once: the schema (with its bounds), the usage line and the help
 * text are generated from this table, and each service's descriptor (`probes/<svc>/index.ts`) lists
 * the ones it takes. Defaults are not here: they come from the service's section of perfbot.yaml.
 *
 * @example BASELINE_OPTIONS.records // { flag: 'records', value: 'N', schema: …, help: 'records per run' }
 */
export interface OptionSpec {
  /** `--record-size`: the camelCased flag is the key (`recordSize`). */
  flag: string;
  /** The usage line's value: `N` a whole number, `a|b` a word (the grammar reads it from there). */
  value: string;
  schema: z.ZodType<number | string>;
  help: string;
}

export const BASELINE_OPTIONS = {
  runs: { flag: 'runs', value: 'N', schema: z.number().int().min(1).max(10), help: 'measured runs' },
  records: {
    flag: 'records',
    value: 'N',
    schema: z.number().int().min(1000).max(50_000_000),
    help: 'records per run',
  },
  recordSize: {
    flag: 'record-size',
    value: 'N',
    schema: z.number().int().min(1).max(1_048_576),
    help: 'bytes per record',
  },
  /** -1 for unthrottled (0 would make the producer wait forever). */
  throughput: {
    flag: 'throughput',
    value: 'N',
    schema: z
      .number()
      .int()
      .min(-1)
      .max(10_000_000)
      .refine((n) => n !== 0, 'use -1 for unthrottled, or at least 1 record/s'),
    help: 'records/s cap, -1 for unthrottled',
  },
  acks: { flag: 'acks', value: '0|1|all', schema: z.enum(['0', '1', 'all']), help: 'producer acks' },
  queries: {
    flag: 'queries',
    value: 'N',
    schema: z.number().int().min(10).max(100_000),
    help: 'timed probe queries per run',
  },
} as const satisfies Record<string, OptionSpec>;

export type BaselineOptionKey = keyof typeof BASELINE_OPTIONS;
export const BASELINE_OPTION_KEYS = Object.keys(BASELINE_OPTIONS) as BaselineOptionKey[];

type Shape = { [K in BaselineOptionKey]: z.ZodOptional<(typeof BASELINE_OPTIONS)[K]['schema']> };

/** Options a user may set on `baseline`; bounds are enforced here, defaults come from perfbot.yaml. */
export const BaselineOptionsSchema = z.strictObject(
  Object.fromEntries(BASELINE_OPTION_KEYS.map((k) => [k, BASELINE_OPTIONS[k].schema.optional()])) as Shape,
);
export type BaselineOptions = z.infer<typeof BaselineOptionsSchema>;

/** `[--runs N] [--records N] …`: the options part of the `baseline` usage line. */
export function optionsUsage(): string {
  return BASELINE_OPTION_KEYS.map((k) => `[--${BASELINE_OPTIONS[k].flag} ${BASELINE_OPTIONS[k].value}]`).join(
    ' ',
  );
}
