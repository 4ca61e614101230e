import { z } from 'zod';
import { LabelSelector, Namespace, Runs, TargetSchema } from '../../config/fields.js';

const VolumeSchema = z.strictObject({
  name: z.string().min(1),
  namespace: Namespace,
  selector: LabelSelector,
  container: z.string().min(1),
  path: z.string().regex(/^\/[A-Za-z0-9._/-]*$/, 'an absolute path'),
});

/** `services.resources` in perfbot.yaml. */
export const ResourcesSchema = z.strictObject({
  /** Namespaces whose pods are ranked by how close they run to their limits. */
  namespaces: z
    .array(Namespace)
    .default([
      'kafka',
      'data-platform',
      'ml-platform',
      'kong',
      'redis',
      'minio',
      'dolphinscheduler',
      'superset',
    ]),
  /** Data volumes whose usage is read with `df` inside a pod. */
  volumes: z.array(VolumeSchema).default([
    {
      name: 'minio-data',
      namespace: 'minio',
      selector: 'app.kubernetes.io/name=minio',
      container: 'minio',
      path: '/data',
    },
  ]),
  top: z.number().int().min(1).max(50).default(5),
  runs: Runs.default(3),
  /** Between snapshots: metrics-server refreshes about every 15 s, so closer samples repeat themselves. */
  intervalSeconds: z.number().min(0).max(300).default(15),
  targets: z.array(TargetSchema).default([{ metric: 'max_node_cpu_pct', op: '<=', value: 80 }]),
});
