import { z } from 'zod';
import { LabelSelector, Namespace } from '../config/fields.js';
import { ComponentNameSchema } from '../domain/components.js';
import { ThresholdsSchema } from './rules.js';

/**
 * `bottlenecks` in perfbot.yaml (issue #17): the thresholds, how long each source may take, and what
 * to read beyond the pods of `services.resources.namespaces`: data volumes (`df` in a pod), the JVM
 * services' heaps against their containers, and the Hikari pools against the database.
 */
const Name = z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'a Kubernetes object name');
const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');

export const BottleneckVolumeSchema = z.strictObject({
  name: z.string().min(1),
  namespace: Namespace,
  selector: LabelSelector,
  container: Name,
  path: z.string().regex(/^\/[A-Za-z0-9._/-]*$/, 'an absolute path'),
});

const WorkloadRef = {
  component: ComponentNameSchema,
  kind: z.enum(['Deployment', 'StatefulSet']),
  namespace: Namespace,
  name: Name,
  container: Name,
};

/** Where a JVM's heap is set: an env variable of the container, or a file of a ConfigMap (`jvm.config`). */
export const HeapTargetSchema = z
  .strictObject({
    ...WorkloadRef,
    env: EnvName.optional(),
    configMap: z.strictObject({ name: Name, key: z.string().min(1) }).optional(),
  })
  .refine((h) => (h.env === undefined) !== (h.configMap === undefined), 'either env or configMap');

export const PoolTargetSchema = z.strictObject({ ...WorkloadRef, env: EnvName });

export const BottlenecksSchema = z.strictObject({
  thresholds: ThresholdsSchema.prefault({}),
  /** Each source (a listing, an exec, a query) is given up after this long and reported as unread. */
  timeoutSeconds: z.number().min(0.1).max(120).default(5),
  volumes: z.array(BottleneckVolumeSchema).default([
    {
      name: 'minio-data',
      namespace: 'minio',
      selector: 'app.kubernetes.io/name=minio',
      container: 'minio',
      path: '/data',
    },
  ]),
  heaps: z.array(HeapTargetSchema).default([
    {
      component: 'dolphinscheduler',
      kind: 'Deployment',
      namespace: 'dolphinscheduler',
      name: 'dolphinscheduler-api',
      container: 'dolphinscheduler-api',
      env: 'JAVA_OPTS',
    },
    {
      component: 'kafka',
      kind: 'StatefulSet',
      namespace: 'kafka',
      name: 'kafka',
      container: 'kafka',
      env: 'KAFKA_HEAP_OPTS',
    },
    {
      component: 'trino',
      kind: 'Deployment',
      namespace: 'data-platform',
      name: 'trino-coordinator',
      container: 'trino-coordinator',
      configMap: { name: 'trino', key: 'jvm.config' },
    },
    {
      component: 'trino',
      kind: 'Deployment',
      namespace: 'data-platform',
      name: 'trino-worker',
      container: 'trino-worker',
      configMap: { name: 'trino', key: 'jvm.config' },
    },
  ]),
  pools: z.array(PoolTargetSchema).default([
    {
      component: 'dolphinscheduler',
      kind: 'Deployment',
      namespace: 'dolphinscheduler',
      name: 'dolphinscheduler-api',
      container: 'dolphinscheduler-api',
      env: 'SPRING_DATASOURCE_HIKARI_MAXIMUM_POOL_SIZE',
    },
  ]),
});
export type BottlenecksConfig = z.infer<typeof BottlenecksSchema>;
