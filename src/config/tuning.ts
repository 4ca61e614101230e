// PLACEHOLDER until helper B's tuning config lands (replaced by `git merge knobs`).
import { z } from 'zod';

export const TuningSchema = z.strictObject({
  approvalTtlMinutes: z.number().int().min(1).max(10_080).default(60),
  rolloutTimeoutSeconds: z.number().int().min(10).max(3600).default(600),
  rolloutPollMs: z.number().int().min(50).max(60_000).default(2000),
});
