import type { KubeObject } from '../../kube/port.js';
import { fromConfigMap, pvc, sel, workload } from './seed-objects.js';

/** The runbook's workloads, one builder per service, in the order they are seeded. */
export function workloads(): KubeObject[] {
  return [
    kafka(),
    trino('coordinator', 1),
    trino('worker', 2),
    ray('head', 1),
    ray('worker', 2),
    postgresql(),
    redis(),
    minio(),
    dolphinscheduler(),
    superset(),
  ];
}

const kafka = () =>
  workload(
    'StatefulSet',
    {
      namespace: 'kafka',
      name: 'kafka',
      replicas: 3,
      labels: sel('kafka', { 'app.kubernetes.io/component': 'broker' }),
    },
    [
      {
        name: 'kafka',
        image: 'apache/kafka:3.7.0',
        port: 9092,
        env: { KAFKA_HEAP_OPTS: '-Xmx1G -Xms1G' },
        requests: { cpu: '1', memory: '2Gi' },
        limits: { cpu: '2', memory: '4Gi' },
        mounts: { data: '/var/lib/kafka/data' },
      },
    ],
    [pvc('data')],
  );

const trino = (component: 'coordinator' | 'worker', replicas: number) =>
  workload(
    'Deployment',
    {
      namespace: 'data-platform',
      name: `trino-${component}`,
      replicas,
      labels: sel('trino', {
        'app.kubernetes.io/instance': 'trino',
        'app.kubernetes.io/component': component,
      }),
    },
    [
      {
        name: `trino-${component}`,
        image: 'trinodb/trino:450',
        port: 8080,
        requests: { cpu: '2', memory: '8Gi' },
        limits: { cpu: '4', memory: '8Gi' },
        mounts: { config: '/etc/trino' },
      },
    ],
    [fromConfigMap('trino')],
  );

const ray = (type: 'head' | 'worker', replicas: number) =>
  workload(
    'Deployment',
    {
      namespace: 'ml-platform',
      name: `ray-${type}`,
      replicas,
      labels: { 'ray.io/cluster': 'raycluster', 'ray.io/node-type': type },
    },
    [
      {
        name: `ray-${type}`,
        image: 'rayproject/ray:2.9.0',
        requests: { cpu: '2', memory: '4Gi' },
        limits: { cpu: '4', memory: '8Gi' },
      },
    ],
  );

const postgresql = () =>
  workload(
    'StatefulSet',
    {
      namespace: 'kong',
      name: 'postgresql',
      replicas: 1,
      labels: sel('postgresql', { 'app.kubernetes.io/component': 'primary' }),
    },
    [
      {
        name: 'postgresql',
        image: 'bitnami/postgresql:16.3.0',
        port: 5432,
        env: { POSTGRES_USER: 'kong', POSTGRES_DATABASE: 'kong' },
        requests: { cpu: '500m', memory: '1Gi' },
        limits: { cpu: '2', memory: '2Gi' },
        mounts: { data: '/bitnami/postgresql', config: '/bitnami/postgresql/conf' },
      },
    ],
    [pvc('data'), fromConfigMap('postgresql-configuration')],
  );

const redis = () =>
  workload(
    'StatefulSet',
    {
      namespace: 'redis',
      name: 'redis-master',
      replicas: 1,
      labels: sel('redis', { 'app.kubernetes.io/component': 'master' }),
    },
    [
      {
        name: 'redis',
        image: 'bitnami/redis:7.2.5',
        port: 6379,
        requests: { cpu: '250m', memory: '512Mi' },
        limits: { cpu: '1', memory: '1Gi' },
        mounts: { config: '/opt/bitnami/redis/mounted-etc' },
      },
    ],
    [fromConfigMap('redis-configuration')],
  );

const minio = () =>
  workload(
    'StatefulSet',
    { namespace: 'minio', name: 'minio', replicas: 1, labels: sel('minio') },
    [
      {
        name: 'minio',
        image: 'minio/minio:RELEASE.2024-06-13T22-53-53Z',
        port: 9000,
        requests: { cpu: '500m', memory: '2Gi' },
        mounts: { export: '/data' },
      },
    ],
    [pvc('export')],
  );

const dolphinscheduler = () =>
  workload(
    'Deployment',
    {
      namespace: 'dolphinscheduler',
      name: 'dolphinscheduler-api',
      replicas: 1,
      labels: sel('dolphinscheduler-api', {
        'app.kubernetes.io/instance': 'dolphinscheduler',
        'app.kubernetes.io/component': 'api',
      }),
    },
    [
      {
        name: 'dolphinscheduler-api',
        image: 'apache/dolphinscheduler-api:3.2.1',
        port: 12345,
        env: {
          JAVA_OPTS: '-Xms1g -Xmx1g -Xmn512m',
          SPRING_DATASOURCE_HIKARI_MAXIMUM_POOL_SIZE: '50',
          SPRING_DATASOURCE_HIKARI_MINIMUM_IDLE: '5',
          SPRING_DATASOURCE_HIKARI_CONNECTION_TIMEOUT: '30000',
        },
        requests: { cpu: '500m', memory: '1Gi' },
        limits: { cpu: '2', memory: '2Gi' },
      },
    ],
  );

const superset = () =>
  workload('Deployment', { namespace: 'superset', name: 'superset', replicas: 1, labels: sel('superset') }, [
    {
      name: 'superset',
      image: 'apache/superset:4.0.2',
      port: 8088,
      env: { REDIS_HOST: 'redis-master.redis.svc.cluster.local', REDIS_PORT: '6379' },
      requests: { cpu: '500m', memory: '1Gi' },
    },
  ]);
