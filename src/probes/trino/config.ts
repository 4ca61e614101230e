import { z } from 'zod';
import { Namespace, Runs, TargetSchema } from '../../config/fields.js';

/** `services.trino` in perfbot.yaml. */
export const TrinoSchema = z.strictObject({
  namespace: Namespace.default('data-platform'),
  /**
   * The coordinator's Service, reached the way the kubeconfig reaches the cluster: through the API
   * server's service proxy (so `perfbot baseline trino` works from a laptop, where cluster DNS does not).
   */
  service: z
    .strictObject({ name: z.string().min(1), port: z.number().int().min(1).max(65_535) })
    .default({ name: 'trino', port: 8080 }),
  /** An explicit coordinator URL instead (e.g. `http://trino.data-platform.svc.cluster.local:8080` in-cluster). */
  url: z.url().optional(),
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
