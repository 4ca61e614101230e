import { z } from 'zod';
import { LabelSelector, Namespace, Runs, TargetSchema } from '../../config/fields.js';

/** `services.ray` in perfbot.yaml. */
export const RaySchema = z.strictObject({
  namespace: Namespace.default('ml-platform'),
  selector: LabelSelector.default('ray.io/node-type=head'),
  container: z.string().default('ray-head'),
  python: z
    .string()
    .regex(/^[A-Za-z0-9._/-]+$/)
    .default('python'),
  tinyTasks: z.number().int().min(100).max(1_000_000).default(10_000),
  cpuTasks: z.number().int().min(1).max(10_000).default(200),
  ioTasks: z.number().int().min(1).max(10_000).default(200),
  runs: Runs.default(3),
  timeoutSeconds: z.number().int().min(10).max(3600).default(600),
  /**
   * Run the benchmark under coreutils `timeout` in the head pod, so that its tasks stop a little before
   * `timeoutSeconds` even when perfbot is gone. Needs `timeout` in the image (the rayproject/ray
   * images have it); set false otherwise.
   */
  inPodTimeout: z.boolean().default(true),
  targets: z.array(TargetSchema).default([{ metric: 'tiny_tasks_per_sec', op: '>=', value: 1000 }]),
});
