import { z } from 'zod';

/** Fields the services' perfbot.yaml sections share (each section lives with its probe, `probes/<svc>/config.ts`). */

export const Namespace = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a Kubernetes namespace name');
/** Equality-based selector (`k=v,k2=v2`), as accepted by the API's `labelSelector`. */
export const LabelSelector = z
  .string()
  .regex(/^[A-Za-z0-9./_-]+(!?=)[A-Za-z0-9._-]*(,[A-Za-z0-9./_-]+(!?=)[A-Za-z0-9._-]*)*$/, 'k=v[,k=v…]');

/** A target from the runbook: `metric op value`, checked against every run (analysis/summarize.ts). */
export const TargetSchema = z.strictObject({
  metric: z.string().min(1),
  op: z.enum(['>=', '<=']),
  value: z.number(),
});
export type Target = z.infer<typeof TargetSchema>;

/** `runs` in every service section; the `--runs` option has the same bounds. */
export const Runs = z.number().int().min(1).max(10);
