import { setMaxListeners } from 'node:events';
import type { Env } from '../config/env.js';
import type { PlatformConfig } from '../config/platform.js';
import { SERVICE_NAMES, type ServiceName } from '../domain/services.js';
import { asPerfError } from '../errors.js';
import type { KubeObject, KubePort, NodeUsage, PodInfo, PodUsage } from '../kube/port.js';
import { toBytes } from '../kube/quantity.js';
import { execSession } from '../probes/postgres/exec.js';
import { openSqlSession } from '../probes/postgres/run.js';
import type { SqlSession } from '../probes/postgres/session.js';
import { parseDf } from '../probes/resources/parse.js';
import { runQuery } from '../probes/trino/client.js';
import { trinoEndpoint } from '../probes/trino/run.js';
import type { Results } from '../store/port.js';
import type {
  BaselineFact,
  ContainerFact,
  Facts,
  HeapFact,
  PodFact,
  PoolFact,
  Source,
  VolumeFact,
} from './facts.js';
import {
  heapFromOptions,
  parseConsumerGroups,
  parsePing,
  parseThrottling,
  parseUnderReplicated,
} from './parse.js';
import { PG_SESSIONS_SQL, PG_STATS_SQL, TRINO_QUERIES_SQL } from './queries.js';

/**
 * The collection step of `/perf bottlenecks` (issue #17): reads the cluster once, every source in
 * parallel, each bounded by `timeoutMs` (a slow or failing source becomes `{ ok: false, error }`,
 * which the `source` rule reports; never a hang, never a silent pass). Everything that reaches a pod
 * is an argument vector built from perfbot.yaml's validated values and the API's own answers.
 */
export interface CollectDeps {
  kube: KubePort;
  platform: PlatformConfig;
  /** PostgreSQL's direct mode reads its password from here (PERFBOT_POSTGRES_URL). */
  env?: Env;
  signal?: AbortSignal;
  now(): string;
  fetch: typeof fetch;
  /** The stored baselines; without it the targets are not checked. */
  results?: Pick<Results, 'latest'>;
}

export interface CollectOptions {
  timeoutMs: number;
  /** Only the sources that concern this service (with the cluster's own: nodes and pods). */
  service?: ServiceName;
}

/** cAdvisor calls at once: one per node, a few in flight, as kubectl's own parallelism. */
const NODE_CONCURRENCY = 16;

type Bounded = <T>(from: string, read: (signal: AbortSignal) => Promise<T>) => Promise<Source<T>>;

/** Why a source was given up. */
class Stopped {
  readonly why: 'timeout' | 'cancelled';
  constructor(why: 'timeout' | 'cancelled') {
    this.why = why;
  }
}

/** A source under its deadline: its value, or why not (its error, or `timed out after N s`). */
function boundedBy(deps: CollectDeps, timeoutMs: number): Bounded {
  return async (from, read) => {
    const controller = new AbortController();
    // The HTTP client keeps a listener per request made under this signal (a cAdvisor call per node)
    // until the request is collected: not a leak, the signal lives for one collection only. Not 0
    // ("unlimited"): Node 20's getMaxListeners, which undici calls, throws on an AbortSignal set to 0.
    setMaxListeners(10_000, controller.signal);
    let timer: NodeJS.Timeout | undefined;
    let stop: (() => void) | undefined;
    const given = new Promise<Stopped>((resolve) => {
      timer = setTimeout(() => resolve(new Stopped('timeout')), timeoutMs);
      stop = () => resolve(new Stopped('cancelled'));
      if (deps.signal?.aborted) stop();
      else deps.signal?.addEventListener('abort', stop, { once: true });
    });
    try {
      const value = await Promise.race([read(controller.signal), given]);
      if (value instanceof Stopped) {
        controller.abort(new Error(value.why));
        const error = value.why === 'timeout' ? `timed out after ${seconds(timeoutMs)} s` : 'cancelled';
        return { ok: false, from, at: deps.now(), error };
      }
      return { ok: true, value, from, at: deps.now() };
    } catch (error) {
      const e = asPerfError(error);
      return { ok: false, from, at: deps.now(), error: e.userMessage || e.message };
    } finally {
      clearTimeout(timer);
      if (stop) deps.signal?.removeEventListener('abort', stop);
    }
  };
}

const seconds = (ms: number) => String(Math.round(ms / 100) / 10);

/** Reads every source once, in parallel; see the module comment. */
export async function collectFacts(given: CollectDeps, options: CollectOptions): Promise<Facts> {
  // Every source listens to the caller's signal: one forwarding listener on it, the sources on ours.
  const stop = new AbortController();
  setMaxListeners(64, stop.signal);
  const forward = () => stop.abort(given.signal?.reason);
  if (given.signal?.aborted) forward();
  else given.signal?.addEventListener('abort', forward, { once: true });
  try {
    return await collectUnder({ ...given, signal: stop.signal }, options);
  } finally {
    given.signal?.removeEventListener('abort', forward);
  }
}

async function collectUnder(deps: CollectDeps, options: CollectOptions): Promise<Facts> {
  const bounded = boundedBy(deps, options.timeoutMs);
  const want = (s: ServiceName | 'cluster') =>
    options.service === undefined || s === 'cluster' || s === options.service;
  const { platform } = deps;
  const namespaces = platform.services.resources.namespaces;

  const listed = bounded(`pods of ${namespaces.join(', ')} (core/v1)`, () =>
    Promise.all(namespaces.map((ns) => deps.kube.listPods(ns))).then((x) => x.flat()),
  );
  const nodeList = bounded('nodes (core/v1)', () => deps.kube.listNodes());
  const usage = bounded('pod usage (metrics.k8s.io)', () =>
    Promise.all(namespaces.map((ns) => deps.kube.podUsage(ns))).then((x) => x.flat()),
  );
  const nodeUsage = bounded('node usage (metrics.k8s.io)', () => deps.kube.nodeUsage());
  const cadvisor = nodeList.then((n) =>
    bounded('cAdvisor metrics (nodes/proxy)', (signal) =>
      n.ok
        ? readThrottling(
            deps.kube,
            n.value.map((x) => x.name),
            signal,
          )
        : Promise.reject(new Error(n.error)),
    ),
  );

  const [pods, nodes, podUsage, nodesUsage, throttling, rest] = await Promise.all([
    listed,
    nodeList,
    usage,
    nodeUsage,
    cadvisor,
    Promise.all([
      want('resources') ? volumes(deps, bounded, options.timeoutMs) : undefined,
      want('kafka') ? network(deps, bounded, options.timeoutMs) : undefined,
      want('kafka') ? kafka(deps, bounded, options.timeoutMs) : undefined,
      want('trino') ? trino(deps, bounded, options.timeoutMs) : undefined,
      want('postgres') ? postgres(deps, bounded, options.timeoutMs) : undefined,
      bounded('workloads and ConfigMaps (apps/v1, core/v1)', () => readWorkloads(deps)),
      deps.results
        ? bounded('the last baselines (store)', () => baselines(deps, options.service))
        : undefined,
    ]),
  ]);
  const [volumeFacts, networkFacts, kafkaFacts, trinoFacts, postgresFacts, workloads, baselineFacts] = rest;

  const facts: Facts = {
    nodes: nodes.ok
      ? { ...nodes, value: nodes.value.map((n) => ({ ...n, ...nodeUsageOf(nodesUsage, n.name) })) }
      : nodes,
    pods: pods.ok
      ? {
          ...pods,
          value: podFacts(
            pods.value,
            podUsage.ok ? podUsage.value : [],
            throttling.ok ? throttling.value : undefined,
            tunedContainers(platform),
          ),
        }
      : pods,
  };
  // A part that did not answer is reported on its own, beside what did.
  facts.podUsage = podUsage.ok ? { ...podUsage, value: { pods: podUsage.value.length } } : podUsage;
  facts.nodeUsage = nodesUsage.ok ? { ...nodesUsage, value: { nodes: nodesUsage.value.length } } : nodesUsage;
  if (nodes.ok)
    facts.cadvisor = throttling.ok
      ? { ...throttling, value: { nodes: nodes.value.length, containers: throttling.value.size } }
      : throttling;
  if (volumeFacts) facts.volumes = volumeFacts;
  if (networkFacts) facts.network = networkFacts;
  if (kafkaFacts) facts.kafka = kafkaFacts;
  if (trinoFacts) facts.trino = trinoFacts;
  if (postgresFacts) facts.postgres = postgresFacts;
  if (workloads.ok) {
    facts.heaps = { ...workloads, value: workloads.value.heaps };
    facts.pools = { ...workloads, value: workloads.value.pools };
  } else {
    facts.heaps = workloads;
    facts.pools = workloads;
  }
  if (baselineFacts) facts.baselines = baselineFacts;
  return facts;
}

function nodeUsageOf(usage: Source<NodeUsage[]>, name: string) {
  const u = usage.ok ? usage.value.find((x) => x.name === name) : undefined;
  return u ? { usage: { cpuMilli: u.cpuMilli, memoryBytes: u.memoryBytes } } : {};
}

/** A container a knob set tunes: in its namespace, in the pods of its workload. */
export interface TunedContainer {
  tunedAs: NonNullable<ContainerFact['tunedAs']>;
  namespace: string;
  /** `redis-master-`: the pods of a StatefulSet (and a Deployment's) are named after it. */
  podPrefix: string;
  container: string;
}

/** The containers of perfbot.yaml `tuning` whose findings a knob set can fix (Redis's server). */
export function tunedContainers(platform: PlatformConfig): TunedContainer[] {
  const redis = platform.tuning.redis;
  return [
    {
      tunedAs: 'redis',
      namespace: redis.namespace,
      podPrefix: `${redis.workload.name}-`,
      container: redis.workload.container,
    },
  ];
}

/** Pods with their containers' usage, status and throttling, joined by namespace/pod/container. */
export function podFacts(
  pods: readonly PodInfo[],
  usage: readonly PodUsage[],
  throttling: ReadonlyMap<string, { throttled: number; periods: number }> | undefined,
  tuned: readonly TunedContainer[] = [],
): PodFact[] {
  const used = new Map<string, { cpuMilli: number; memoryBytes: number }>();
  for (const p of usage)
    for (const c of p.containers)
      used.set(`${p.namespace}/${p.name}/${c.name}`, { cpuMilli: c.cpuMilli, memoryBytes: c.memoryBytes });
  return pods.map((p) => ({
    namespace: p.namespace,
    name: p.name,
    node: p.nodeName,
    containers: p.containers.map((c) => {
      const key = `${p.namespace}/${p.name}/${c.name}`;
      const u = used.get(key);
      const t = throttling?.get(key);
      const as = tuned.find(
        (x) => x.namespace === p.namespace && x.container === c.name && p.name.startsWith(x.podPrefix),
      )?.tunedAs;
      return {
        name: c.name,
        requests: c.requests,
        limits: c.limits,
        restarts: c.restarts ?? 0,
        ...(u ? { usage: u } : {}),
        ...(c.lastTermination ? { lastTermination: c.lastTermination } : {}),
        ...(c.waiting ? { waiting: c.waiting } : {}),
        ...(t ? { throttling: t } : {}),
        ...(as ? { tunedAs: as } : {}),
      };
    }),
  }));
}

/** One cAdvisor call per node, `NODE_CONCURRENCY` at a time; any node that fails fails the source. */
async function readThrottling(kube: KubePort, nodes: readonly string[], signal: AbortSignal) {
  const out = new Map<string, { throttled: number; periods: number }>();
  let next = 0;
  const worker = async () => {
    while (next < nodes.length && !signal.aborted) {
      const node = nodes[next++] ?? '';
      const parsed = parseThrottling(await kube.cadvisorMetrics(node, { signal }));
      if (!parsed.ok) throw parsed.error;
      for (const [k, v] of parsed.value) out.set(k, v);
    }
  };
  await Promise.all(Array.from({ length: Math.min(NODE_CONCURRENCY, nodes.length) }, worker));
  return out;
}

async function volumes(deps: CollectDeps, bounded: Bounded, timeoutMs: number) {
  const list = deps.platform.bottlenecks.volumes;
  return bounded(`df of ${list.map((v) => v.path).join(', ') || 'no volume'} (exec)`, (signal) =>
    Promise.all(
      list.map(async (v): Promise<VolumeFact> => {
        const pod = await deps.kube.findReadyPod(v.namespace, v.selector);
        const out = await deps.kube.exec({
          namespace: v.namespace,
          pod: pod.name,
          container: v.container,
          command: ['df', '-P', '-B1', v.path],
          timeoutMs,
          signal,
        });
        if (out.exitCode !== 0)
          throw new Error(`df ${v.path} in ${v.namespace}/${pod.name}: ${out.stderr.trim()}`);
        const df = parseDf(out.stdout);
        if (!df.ok) throw df.error;
        return { namespace: v.namespace, pod: pod.name, mountPath: df.value.mount, ...df.value };
      }),
    ),
  );
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** `ping -c 5` from the first ready broker to every other broker's pod IP. */
async function network(deps: CollectDeps, bounded: Bounded, timeoutMs: number) {
  const k = deps.platform.services.kafka;
  return bounded(`ping between brokers in ${k.namespace} (exec)`, async (signal) => {
    const brokers = (await deps.kube.listPods(k.namespace, k.selector)).filter((p) => p.ready);
    const [from, ...others] = brokers;
    if (!from) throw new Error(`no ready broker in ${k.namespace} matches ${k.selector}`);
    return Promise.all(
      others
        .filter((p) => p.podIP !== undefined && IPV4.test(p.podIP))
        .map(async (to) => {
          const out = await deps.kube.exec({
            namespace: k.namespace,
            pod: from.name,
            container: k.container,
            command: ['ping', '-c', '5', to.podIP ?? ''],
            timeoutMs,
            signal,
          });
          const rtt = parsePing(out.stdout);
          if (!rtt.ok)
            throw new Error(`ping ${from.name} → ${to.name}: ${out.stderr.trim() || rtt.error.message}`);
          return { from: from.name, to: to.name, rttMs: rtt.value };
        }),
    );
  });
}

async function kafka(deps: CollectDeps, bounded: Bounded, timeoutMs: number) {
  const k = deps.platform.services.kafka;
  return bounded(`kafka-topics.sh and kafka-consumer-groups.sh in ${k.namespace} (exec)`, async (signal) => {
    const pod = await deps.kube.findReadyPod(k.namespace, k.selector);
    const run = async (tool: string, args: string[]) => {
      const out = await deps.kube.exec({
        namespace: k.namespace,
        pod: pod.name,
        container: k.container,
        command: [`${k.binDir}/${tool}`, '--bootstrap-server', k.bootstrapServer, ...args],
        timeoutMs,
        signal,
      });
      if (out.exitCode !== 0)
        throw new Error(`${tool} exited ${out.exitCode}: ${(out.stderr || out.stdout).trim().slice(0, 200)}`);
      return out.stdout;
    };
    const [topics, groups] = await Promise.all([
      run('kafka-topics.sh', ['--describe', '--under-replicated-partitions']),
      run('kafka-consumer-groups.sh', ['--describe', '--all-groups']),
    ]);
    const underReplicated = parseUnderReplicated(topics);
    if (!underReplicated.ok) throw underReplicated.error;
    const lag = parseConsumerGroups(groups);
    if (!lag.ok) throw lag.error;
    return { underReplicated: underReplicated.value, lag: lag.value };
  });
}

async function trino(deps: CollectDeps, bounded: Bounded, timeoutMs: number) {
  const config = deps.platform.services.trino;
  return bounded('system.runtime.queries (Trino)', async (signal) => {
    const endpoint = trinoEndpoint({ kube: deps.kube, fetch: deps.fetch }, config);
    const outcome = await runQuery(TRINO_QUERIES_SQL, {
      baseUrl: endpoint.baseUrl,
      setting: endpoint.setting,
      user: config.user,
      source: 'perfbot-bottlenecks',
      fetch: endpoint.fetch,
      signal,
      timeoutMs,
      step: 'bottlenecks',
    });
    const rows = outcome.rows
      .map(([id, state, elapsed, query]) => ({
        queryId: String(id),
        state: String(state),
        elapsedMs: Number(elapsed),
        query: String(query ?? ''),
      }))
      .filter((q) => q.queryId !== outcome.queryId);
    return {
      running: rows.filter((q) => q.state === 'RUNNING').length,
      queued: rows.filter((q) => q.state === 'QUEUED').length,
      slowest: rows.sort((a, b) => b.elapsedMs - a.elapsedMs).slice(0, 5),
    };
  });
}

async function postgres(deps: CollectDeps, bounded: Bounded, timeoutMs: number) {
  const cfg = deps.platform.services.postgres;
  return bounded('pg_stat_activity, pg_stat_database (PostgreSQL)', async () => {
    const session = await openSession(deps, timeoutMs);
    try {
      const [stats, sessions] = await Promise.all([
        session.query(PG_STATS_SQL),
        session.query(PG_SESSIONS_SQL),
      ]);
      const [row] = stats.rows;
      if (!row || row.length < 4)
        throw new Error(`unexpected answer to the connection statistics: ${stats.raw.slice(0, 200)}`);
      const ratio = (text: string | undefined) => (text === undefined || text === '' ? null : Number(text));
      const active = sessions.rows.map(([pid, state, age, query]) => ({
        pid: Number(pid),
        state: state ?? '',
        ageSeconds: Number(age),
        query: query ?? '',
      }));
      return {
        connections: Number(row[0]),
        maxConnections: Number(row[1]),
        cacheHitRatio: ratio(row[2]),
        rollbackRatio: ratio(row[3]),
        idleInTransaction: active
          .filter((s) => s.state.startsWith('idle in transaction'))
          .map(({ pid, ageSeconds }) => ({ pid, ageSeconds })),
        longRunning: active
          .filter((s) => s.state === 'active')
          .map(({ pid, ageSeconds, query }) => ({ pid, ageSeconds, query })),
      };
    } finally {
      await session.close();
    }
  }).then((s) => (s.ok ? s : { ...s, from: `${s.from} in ${cfg.namespace}` }));
}

/** psql in the database pod under this step's deadline, or the probe's direct session. */
async function openSession(deps: CollectDeps, timeoutMs: number): Promise<SqlSession> {
  const cfg = deps.platform.services.postgres;
  if (cfg.mode === 'exec') {
    const pod = await deps.kube.findReadyPod(cfg.namespace, cfg.selector);
    return execSession(deps.kube, {
      namespace: cfg.namespace,
      pod: pod.name,
      container: cfg.container,
      database: cfg.database,
      user: cfg.user,
      timeoutMs,
    });
  }
  if (!deps.env) throw new Error('PostgreSQL direct mode needs the environment (PERFBOT_POSTGRES_URL)');
  return openSqlSession({ kube: deps.kube, platform: deps.platform, env: deps.env });
}

interface ContainerEnv {
  name: string;
  env?: { name: string; value?: string }[];
  resources?: { limits?: { memory?: string } };
}

const containerOf = (obj: KubeObject, name: string) =>
  (
    (obj.spec as { template?: { spec?: { containers?: ContainerEnv[] } } } | undefined)?.template?.spec
      ?.containers ?? []
  ).find((c) => c.name === name);

/** The JVM heaps and Hikari pools of perfbot.yaml's `bottlenecks.heaps` and `pools`, from their objects. */
async function readWorkloads(deps: CollectDeps): Promise<{ heaps: HeapFact[]; pools: PoolFact[] }> {
  const cfg = deps.platform.bottlenecks;
  const objects = new Map<string, Promise<KubeObject>>();
  const read = (apiVersion: string, kind: string, namespace: string, name: string) => {
    const key = `${kind}/${namespace}/${name}`;
    let found = objects.get(key);
    if (!found) {
      found = deps.kube.getObject({ apiVersion, kind, namespace, name });
      objects.set(key, found);
    }
    return found;
  };
  const heaps = await Promise.all(
    cfg.heaps.map(async (h): Promise<HeapFact | undefined> => {
      const workload = await read('apps/v1', h.kind, h.namespace, h.name);
      const c = containerOf(workload, h.container);
      let options: string | undefined;
      if (h.env) options = c?.env?.find((e) => e.name === h.env)?.value;
      else if (h.configMap) {
        const cm = await read('v1', 'ConfigMap', h.namespace, h.configMap.name);
        options = (cm.data as Record<string, string> | undefined)?.[h.configMap.key]
          ?.split('\n')
          .filter((l) => l.trim() !== '' && !l.trim().startsWith('#'))
          .join(' ');
      }
      if (options === undefined) return undefined;
      const heap = heapFromOptions(options);
      if (!heap.ok) throw heap.error;
      if (heap.value === undefined) return undefined;
      const limit =
        c?.resources?.limits?.memory === undefined ? undefined : toBytes(c.resources.limits.memory);
      return {
        component: h.component,
        workload: `${h.namespace}/${h.name}`,
        heapBytes: heap.value,
        limitBytes: limit?.ok ? limit.value : undefined,
      };
    }),
  );
  const pools = await Promise.all(
    cfg.pools.map(async (p): Promise<PoolFact | undefined> => {
      const workload = await read('apps/v1', p.kind, p.namespace, p.name);
      const value = containerOf(workload, p.container)?.env?.find((e) => e.name === p.env)?.value;
      const size = value === undefined ? Number.NaN : Number(value);
      if (!Number.isInteger(size)) return undefined;
      return {
        component: p.component,
        maximumPoolSize: size,
        replicas: (workload.spec as { replicas?: number } | undefined)?.replicas ?? 1,
      };
    }),
  );
  return {
    heaps: heaps.filter((h): h is HeapFact => h !== undefined),
    pools: pools.filter((p): p is PoolFact => p !== undefined),
  };
}

/** Each service's last baseline against its targets (the summary's `met`). */
async function baselines(deps: CollectDeps, service: ServiceName | undefined): Promise<BaselineFact[]> {
  const names = service ? [service] : SERVICE_NAMES;
  const latest = await Promise.all(names.map((s) => deps.results?.latest(s)));
  return latest.flatMap((r) =>
    r
      ? r.summary
          .filter((m) => m.target !== null)
          .map((m) => ({
            service: r.service,
            resultId: r.id,
            metric: m.key,
            label: r.metrics.find((d) => d.key === m.key)?.label ?? m.key,
            median: m.median,
            target: m.target ?? { op: '>=' as const, value: 0 },
            met: m.met,
            finishedAt: r.finishedAt,
          }))
      : [],
  );
}
