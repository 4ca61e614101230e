import { z } from 'zod';
import { LabelSelector, Namespace, Runs, TargetSchema } from '../../config/fields.js';

/** `services.postgres` in perfbot.yaml. */
export const PostgresSchema = z.strictObject({
  namespace: Namespace.default('kong'),
  selector: LabelSelector.default('app.kubernetes.io/name=postgresql'),
  container: z.string().default('postgresql'),
  /** `exec`: run psql in the database pod; `direct`: connect with the `pg` client. */
  mode: z.enum(['exec', 'direct']).default('exec'),
  database: z.string().min(1).default('kong'),
  user: z.string().min(1).default('kong'),
  host: z.string().min(1).default('postgresql.kong.svc.cluster.local'),
  port: z.number().int().min(1).max(65535).default(5432),
  /** Secret holding the password for direct mode (PERFBOT_POSTGRES_URL overrides it). */
  passwordSecret: z.strictObject({ name: z.string().min(1), key: z.string().min(1) }).optional(),
  probeQueries: z.number().int().min(10).max(100_000).default(200),
  intervalSeconds: z.number().min(1).max(300).default(5),
  runs: Runs.default(3),
  timeoutSeconds: z.number().int().min(10).max(3600).default(300),
  targets: z.array(TargetSchema).default([{ metric: 'query.p95_ms', op: '<=', value: 10 }]),
});
