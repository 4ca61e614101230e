import type { KubeObject } from '../../kube/port.js';
import { podStatus } from './controller.js';
import type { SimProblems } from './problems.js';
import type { SandboxVolume, UsageProfile } from './seed.js';
import { node } from './seed-objects.js';

/**
 * The simulated platform at a size and with a named set of problems (issue #17): `--pods N --nodes N`
 * add nodes of the runbook's size and idle application pods spread over its namespaces;
 * `--scenario bottlenecks` makes it show every problem `/perf bottlenecks` looks for. Applied after
 * `seedPlatform`, so that the runbook's own workloads stay where they are.
 */
export const SCENARIOS = ['bottlenecks'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface ScenarioTarget {
  put(obj: KubeObject): KubeObject;
  get(kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
  list(kind: string, namespace?: string): KubeObject[];
  setUsageProfile(namespace: string, container: string, profile: UsageProfile): void;
  setVolumeUsage(namespace: string, mountPath: string, usedBytes: number): void;
  readonly volumes: SandboxVolume[];
  readonly problems: SimProblems;
  now(): number;
}

export interface ScenarioOptions {
  speed: number;
  pods?: number;
  nodes?: number;
  scenario?: ScenarioName;
}

/** The namespaces application pods are spread over (the runbook's, as perfbot.yaml lists them). */
const APP_NAMESPACES = [
  'kafka',
  'data-platform',
  'ml-platform',
  'kong',
  'redis',
  'minio',
  'dolphinscheduler',
  'superset',
];
const GI = 1024 ** 3;

export function seedScenario(store: ScenarioTarget, options: ScenarioOptions): void {
  const existing = store.list('Node').length;
  for (let i = existing; i < (options.nodes ?? 0); i += 1)
    store.put(node(`k8s-worker-${i + 1}`, i, options.speed));
  const pods = store.list('Pod').length;
  if (options.pods !== undefined && options.pods > pods) addAppPods(store, options.pods - pods);
  if (options.scenario === 'bottlenecks') seedBottlenecks(store);
}

const stamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Idle application pods (one container each, with requests and limits), round-robin over the nodes. */
function addAppPods(store: ScenarioTarget, count: number): void {
  const nodes = store.list('Node').map((n) => n.metadata.name);
  const at = stamp(store.now());
  for (let i = 0; i < count; i += 1) {
    const namespace = APP_NAMESPACES[i % APP_NAMESPACES.length] ?? 'default';
    const app = `app-${Math.floor(i / 10) % 500}`;
    const template = {
      spec: {
        containers: [
          {
            name: 'app',
            image: 'registry.local/platform/app:1.4.2',
            resources: {
              requests: { cpu: '50m', memory: '64Mi' },
              limits: { cpu: '200m', memory: '256Mi' },
            },
          },
        ],
      },
    };
    store.put({
      kind: 'Pod',
      metadata: {
        name: `${app}-${i.toString(36).padStart(5, '0')}`,
        namespace,
        labels: { 'app.kubernetes.io/name': app, 'app.kubernetes.io/part-of': 'applications' },
      },
      spec: { ...template.spec, nodeName: nodes[i % nodes.length] ?? 'k8s-worker-1' },
      status: podStatus(template, 'ready', at, (i % 250) + 2),
    });
  }
}

/** Every problem of issue #17's Tests list, each where on-call would meet it. */
function seedBottlenecks(store: ScenarioTarget): void {
  const now = store.now();
  // A coordinator throttled in 40 % of its CFS periods while `kubectl top` shows 30 % of its limit.
  store.setUsageProfile('data-platform', 'trino-coordinator', { cpu: 0.3, memory: 0.6, throttled: 0.4 });
  // The Ray head near its memory limit.
  store.setUsageProfile('ml-platform', 'ray-head', { cpu: 0.35, memory: 0.96 });
  // Redis OOMKilled eight minutes ago, running again since.
  const redis = store.list('Pod', 'redis')[0];
  if (redis) store.put(oomKilled(redis, now - 8 * 60_000));
  // DolphinScheduler: a heap larger than its 2 GiB container, and a Hikari pool larger than the database.
  const api = store.get('Deployment', 'dolphinscheduler', 'dolphinscheduler-api');
  if (api)
    store.put(
      withEnv(api, 'dolphinscheduler-api', {
        JAVA_OPTS: '-Xms1g -Xmx3g -Xmn512m',
        SPRING_DATASOURCE_HIKARI_MAXIMUM_POOL_SIZE: '120',
      }),
    );
  // PostgreSQL near max_connections, with sessions left idle in a transaction.
  store.problems.postgres.connections = 94;
  store.problems.postgres.sessions.push(
    ...[1800, 960, 420, 75].map((age, i) => ({
      pid: 5230 + i,
      state: 'idle in transaction' as const,
      ageSeconds: age,
      query: 'UPDATE schedules SET state = $1 WHERE id = $2',
    })),
  );
  // MinIO's data volume 92 % full.
  store.setVolumeUsage('minio', '/data', 462 * GI);
  // A consumer group far behind.
  store.problems.kafka.groups.push({
    group: 'orders-enricher',
    topic: 'orders',
    partitions: [
      { current: 8_100_000, logEnd: 8_182_410 },
      { current: 8_090_550, logEnd: 8_171_905 },
      { current: 8_112_300, logEnd: 8_190_022 },
    ],
  });
}

type Obj = Record<string, unknown>;

function oomKilled(pod: KubeObject, finishedMs: number): KubeObject {
  const next = structuredClone(pod);
  const status = (next.status ?? {}) as Obj;
  status.containerStatuses = ((status.containerStatuses ?? []) as Obj[]).map((c) => ({
    ...c,
    restartCount: 1,
    lastState: {
      terminated: {
        exitCode: 137,
        reason: 'OOMKilled',
        startedAt: stamp(finishedMs - 3 * 3600_000),
        finishedAt: stamp(finishedMs),
      },
    },
    state: { running: { startedAt: stamp(finishedMs + 1000) } },
  }));
  next.status = status;
  return next;
}

function withEnv(workload: KubeObject, container: string, env: Record<string, string>): KubeObject {
  const next = structuredClone(workload);
  const spec = (next.spec as { template?: { spec?: { containers?: Obj[] } } }).template?.spec;
  for (const c of spec?.containers ?? []) {
    if (c.name !== container) continue;
    const vars = ((c.env ?? []) as { name: string; value?: string }[]).filter((v) => !(v.name in env));
    c.env = [...vars, ...Object.entries(env).map(([name, value]) => ({ name, value }))];
  }
  return next;
}
