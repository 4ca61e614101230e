import { z } from 'zod';
import { ServiceNameSchema } from '../domain/services.js';
import { type Finding, FindingSchema } from './rules.js';

/**
 * One `/perf bottlenecks` answer as it is stored (issue #17): the ranked findings with their fixes,
 * what was checked, and the thread it was posted in. A Propose fix button carries only this answer's
 * id and a finding's index (`present/bottlenecks.ts`); the click reads the finding back from here, so
 * what a tune changes never comes from the button.
 *
 * @example BottleneckAnswerSchema.parse({ id: 'bottlenecks-1a2b3c4d', findings: [], … })
 */
export const BottleneckAnswerSchema = z.strictObject({
  /** The job's id (`bottlenecks-1a2b3c4d`; in the CLI its own `cli-…` id). */
  id: z.string().regex(/^[A-Za-z0-9_-]{1,80}$/),
  service: ServiceNameSchema.optional(),
  requestedBy: z.string().min(1),
  /** Where the answer was posted: a proposal opened from it goes in the same thread. */
  thread: z.strictObject({ channel: z.string().min(1), threadTs: z.string().min(1) }),
  /** When the facts were read (ISO). */
  at: z.iso.datetime(),
  tookMs: z.number().nonnegative(),
  checked: z.array(z.string()),
  findings: z.array(FindingSchema),
});
export type BottleneckAnswer = z.infer<typeof BottleneckAnswerSchema>;

/** A score that JSON keeps (a pool over a database with `max_connections` 0 is `Infinity`). */
export const storable = (f: Finding): Finding =>
  Number.isFinite(f.score) ? f : { ...f, score: Number.MAX_SAFE_INTEGER };
