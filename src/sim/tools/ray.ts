import type { KubeObject } from '../../kube/port.js';
import { RAY_BENCH_MARKER } from '../../probes/ray/parse.js';
import type { SandboxState, SimExecContext, SimExecOutcome, SimTool } from '../types.js';

/**
 * Simulated `python -c <scripts/ray_bench.py> …` on the Ray head: Ray's usual log lines, then the
 * benchmark's JSON line. Throughput follows the cluster's CPUs: the head plus the worker pods
 * (label `ray.io/node-type=worker`, else the replicas of a worker Deployment/StatefulSet), each
 * with its CPU limit (else 4). Fault `ray.bad-output`: the log lines and no result line.
 */
export const RAY_VERSION = '2.9.3';
const WORKER_LABEL = 'ray.io/node-type';
const DEFAULT_CPUS = 4;
const NODE_MEMORY = 16 * 1024 ** 3;

export interface RayCluster {
  workers: number;
  cpus: number;
  nodes: number;
}

const labelsOf = (o: KubeObject | undefined): Record<string, string> =>
  ((o?.metadata as { labels?: Record<string, string> } | undefined)?.labels ?? {}) as Record<string, string>;

function cpuLimit(podSpec: unknown): number {
  const containers = (podSpec as { containers?: { resources?: { limits?: { cpu?: unknown } } }[] })
    ?.containers;
  const cpu = containers?.[0]?.resources?.limits?.cpu;
  if (typeof cpu === 'number') return cpu;
  if (typeof cpu !== 'string') return DEFAULT_CPUS;
  const value = cpu.endsWith('m') ? Number(cpu.slice(0, -1)) / 1000 : Number(cpu);
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_CPUS;
}

/** The cluster as the state has it now, so that scaling the workers changes the figures. */
export function readRayCluster(state: SandboxState, namespace: string, head: KubeObject): RayCluster {
  const headCpus = cpuLimit(head.spec);
  const workerPods = state.list('Pod', namespace).filter((p) => labelsOf(p)[WORKER_LABEL] === 'worker');
  if (workerPods.length > 0) {
    const cpus = workerPods.reduce((sum, p) => sum + cpuLimit(p.spec), headCpus);
    return { workers: workerPods.length, cpus, nodes: workerPods.length + 1 };
  }
  const workloads = ['Deployment', 'StatefulSet'].flatMap((kind) => state.list(kind, namespace));
  const worker = workloads.find((w) => w.metadata.name.includes('worker'));
  const spec = worker?.spec as { replicas?: number; template?: { spec?: unknown } } | undefined;
  const workers = spec?.replicas ?? 0;
  return { workers, cpus: headCpus + workers * cpuLimit(spec?.template?.spec), nodes: workers + 1 };
}

interface BenchArgs {
  tiny: number;
  cpu: number;
  io: number;
  infoOnly: boolean;
}

function parseBenchArgs(rest: readonly string[]): BenchArgs {
  const num = (flag: string, fallback: number) => {
    const at = rest.indexOf(flag);
    const value = at >= 0 ? Number(rest[at + 1]) : Number.NaN;
    return Number.isInteger(value) && value >= 0 ? value : fallback;
  };
  return {
    tiny: num('--tiny', 10_000),
    cpu: num('--cpu', 200),
    io: num('--io', 200),
    infoOnly: rest.includes('--info-only'),
  };
}

function logLines(now: number, random: () => number): string {
  const stamp = (offsetMs: number) =>
    new Date(now + offsetMs).toISOString().replace('T', ' ').replace('Z', '').replace('.', ',');
  const ip = `10.244.0.${10 + Math.floor(random() * 40)}`;
  return (
    `${stamp(0)}\tINFO worker.py:1601 -- Connecting to existing Ray cluster at address: ${ip}:6379...\n` +
    `${stamp(14)}\tINFO worker.py:1777 -- Connected to Ray cluster. View the dashboard at http://${ip}:8265 \n`
  );
}

/**
 * Rates in tasks/s: tiny tasks bound by the head's scheduler, CPU tasks by the CPU slots; I/O tasks
 * hold no CPU slot (num_cpus=0), so they wait side by side, bound by how fast Ray hands them out.
 */
function rates(cluster: RayCluster, random: () => number, ioBatch: number) {
  const noise = () => 0.95 + 0.1 * random();
  return {
    tiny: (900 + 350 * cluster.cpus ** 0.6) * noise(),
    // A 200k-iteration loop takes about 25 ms on one core; each task holds one CPU slot.
    cpu: cluster.cpus * 36 * noise(),
    // A 50 ms sleep per task, all of a batch at once: the batch takes the sleep plus dispatch.
    io: (ioBatch / (0.05 + ioBatch / (900 + 350 * cluster.cpus ** 0.6))) * noise(),
  };
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

function bench(ctx: SimExecContext, script: string, rest: readonly string[]): SimExecOutcome {
  const { state } = ctx;
  const random = () => state.random();
  const now = ((state as { now?: () => number }).now ?? Date.now)();
  const logs = logLines(now, random);
  const tip =
    '(autoscaler +2s) Tip: use `ray status` to view detailed cluster status. To disable these messages, set RAY_SCHEDULER_EVENTS=0.\n';
  if (!script.includes(RAY_BENCH_MARKER)) {
    return { stdout: '', stderr: 'perfbot sandbox: python runs only scripts/ray_bench.py\n', exitCode: 1 };
  }
  if (state.faults.take('ray.bad-output') !== undefined) {
    return { stdout: tip, stderr: logs, exitCode: 0, durationMs: 1500 };
  }
  const args = parseBenchArgs(rest);
  const cluster = readRayCluster(state, ctx.namespace, ctx.pod);
  const facts = {
    nodes: cluster.nodes,
    ray_version: RAY_VERSION,
    resources: {
      CPU: cluster.cpus,
      memory: Math.round(cluster.nodes * NODE_MEMORY * 0.7),
      object_store_memory: Math.round(cluster.nodes * NODE_MEMORY * 0.3),
    },
  };
  if (args.infoOnly)
    return { stdout: `${JSON.stringify(facts)}\n`, stderr: logs, exitCode: 0, durationMs: 1500 };
  const r = rates(cluster, random, args.io);
  const result = {
    cpu_tasks_per_sec: round3(r.cpu),
    io_tasks_per_sec: round3(r.io),
    ...facts,
    tiny_tasks_per_sec: round3(r.tiny),
  };
  const durationMs = 1500 + 1000 * (args.tiny / r.tiny + args.cpu / r.cpu + args.io / r.io);
  return { stdout: `${tip}${JSON.stringify(result)}\n`, stderr: logs, exitCode: 0, durationMs };
}

const python: SimTool = (argv, ctx) => {
  if (argv[1] !== '-c' || argv[2] === undefined) {
    return {
      stdout: '',
      stderr: 'perfbot sandbox: python is simulated for `-c <script>` only\n',
      exitCode: 2,
    };
  }
  return bench(ctx, argv[2], argv.slice(3));
};

/** Keyed by program basename, as the sandbox's exec looks tools up. */
export const rayTools: Record<string, SimTool> = { python, python3: python };
