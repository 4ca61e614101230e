import { z } from 'zod';
import { Namespace, Runs, TargetSchema } from '../../config/fields.js';

/** `services.trino` in perfbot.yaml. */
export const TrinoSchema = z.strictObject({
  namespace: Namespace.default('data-platform'),
  url: z.url().default('http://trino.data-platform.svc.cluster.local:8080'),
  user: z.string().min(1).default('perfbot'),
  catalog: z.string().min(1).default('memory'),
  schema: z.string().min(1).default('perfbot'),
  source: z.string().min(1).default('perfbot'),
  /** Rows in the generated test table. */
  tableRows: z.number().int().min(1000).max(100_000_000).default(1_000_000),
  runs: Runs.default(3),
  timeoutSeconds: z.number().int().min(10).max(3600).default(300),
  targets: z.array(TargetSchema).default([{ metric: 'join.elapsed_ms', op: '<=', value: 2000 }]),
});
