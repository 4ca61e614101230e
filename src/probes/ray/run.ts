import { readFile } from 'node:fs/promises';
import type { PlatformConfig } from '../../config/platform.js';
import { PerfError } from '../../errors.js';
import type { KubePort } from '../../kube/port.js';
import { DEADLINE_EXIT, deadlineReachedError, inPodDeadlineSeconds, withDeadline } from '../deadline.js';
import { lastLines as lastLinesOf } from '../output.js';
import type { Prepared, Probe, ProbeDeps, RunOutput } from '../types.js';
import { RAY_METRICS } from './metrics.js';
import { parseRayBench, parseRayInfo, type RayInfo } from './parse.js';

type RayConfig = PlatformConfig['services']['ray'];

/** The script ships with perfbot (package.json `files`): `src/…` and `dist/…` are both 3 levels deep. */
const SCRIPT_URL = new URL('../../../scripts/ray_bench.py', import.meta.url);

export function loadRayBenchScript(): Promise<string> {
  return readFile(SCRIPT_URL, 'utf8');
}

/**
 * `python -c <script> --tiny N --cpu N --io N`: an argument vector, no shell. The script is the
 * repo's fixed file and the counts are integers bounded by perfbot.yaml's schema, so no user text
 * reaches the pod.
 */
export function rayBenchArgv(
  cfg: Pick<RayConfig, 'python'>,
  script: string,
  counts: RayCounts | 'info',
): string[] {
  const tail =
    counts === 'info'
      ? ['--info-only']
      : ['--tiny', String(counts.tiny), '--cpu', String(counts.cpu), '--io', String(counts.io)];
  return [cfg.python, '-c', script, ...tail];
}

export interface RayCounts {
  tiny: number;
  cpu: number;
  io: number;
}

interface Handle {
  namespace: string;
  pod: string;
  container: string;
  script: string;
  counts: RayCounts;
  timeoutMs: number;
  /** The in-pod deadline (`timeout`), a little under `timeoutMs`; undefined when turned off. */
  deadlineSeconds: number | undefined;
}

/**
 * Closing an exec stream does not stop the benchmark in the pod, so it runs under the in-pod
 * deadline (`services.ray.inPodTimeout`, rule in ../deadline.ts): its driver exits on TERM and Ray
 * then cancels its tasks. Same policy as the Kafka probe.
 */
async function runScript(
  kube: KubePort,
  h: Handle,
  python: string,
  counts: RayCounts | 'info',
): Promise<{ stdout: string; stderr: string }> {
  const result = await kube.exec({
    namespace: h.namespace,
    pod: h.pod,
    container: h.container,
    command: withDeadline(rayBenchArgv({ python }, h.script, counts), h.deadlineSeconds),
    timeoutMs: h.timeoutMs,
  });
  if (h.deadlineSeconds !== undefined && result.exitCode === DEADLINE_EXIT) {
    throw deadlineReached(h.deadlineSeconds, Math.round(h.timeoutMs / 1000), h.pod);
  }
  if (result.exitCode !== 0) throw scriptFailure(result.stderr, result.stdout, result.exitCode, h.pod);
  return result;
}

function deadlineReached(seconds: number, timeoutSeconds: number, pod: string): PerfError {
  return deadlineReachedError({
    what: 'ray benchmark',
    seconds,
    userMessage:
      `The Ray benchmark did not finish within ${seconds} s, so it was stopped in the head pod ` +
      `(services.ray.timeoutSeconds is ${timeoutSeconds} s; the benchmark stops a little before it). ` +
      'Check that the workers are up, or lower services.ray.tinyTasks/cpuTasks/ioTasks or raise ' +
      'services.ray.timeoutSeconds. Not retried: a retry would hit the same deadline.',
    where: { service: 'ray', step: 'benchmark', pod },
  });
}

/** Names the usual causes from Python's last traceback line; the tool's last lines go with it. */
function scriptFailure(stderr: string, stdout: string, exitCode: number, pod: string): PerfError {
  const lastLines = lastLinesOf(`${stderr}\n${stdout}`, 5);
  const advice = /No module named '?ray'?/.test(stderr)
    ? 'The python in the head pod has no Ray: check services.ray.python and services.ray.container.'
    : /ConnectionError|Could not find any running Ray instance|Failed to connect to GCS/i.test(stderr)
      ? 'No running Ray cluster answered on the head pod: check that the head is up (`ray status`).'
      : `The Ray benchmark exited with code ${exitCode}.`;
  return new PerfError('probe_failed', `ray benchmark exited ${exitCode}: ${lastLines}`, {
    userMessage: `${advice}\n${lastLines}`,
    context: { service: 'ray', step: 'benchmark', pod, exitCode, lastLines },
  });
}

function infoContext(info: RayInfo): Record<string, string> {
  const { CPU, memory, GPU } = info.resources;
  return {
    ray_version: info.ray_version,
    cluster_cpus: String(CPU),
    cluster_memory_bytes: String(memory),
    ...(GPU === undefined ? {} : { cluster_gpus: String(GPU) }),
  };
}

async function prepare(deps: ProbeDeps): Promise<Prepared> {
  const cfg = deps.platform.services.ray;
  const pod = await deps.kube.findReadyPod(cfg.namespace, cfg.selector);
  const handle: Handle = {
    namespace: cfg.namespace,
    pod: pod.name,
    container: cfg.container,
    script: await loadRayBenchScript(),
    counts: { tiny: cfg.tinyTasks, cpu: cfg.cpuTasks, io: cfg.ioTasks },
    timeoutMs: cfg.timeoutSeconds * 1000,
    deadlineSeconds: cfg.inPodTimeout ? inPodDeadlineSeconds(cfg.timeoutSeconds) : undefined,
  };
  // Asks the cluster for its facts before the runs: they go in the result's context, and a Ray
  // that does not answer fails here, before any run is counted.
  const info = parseRayInfo((await runScript(deps.kube, handle, cfg.python, 'info')).stdout);
  if (!info.ok) throw info.error;
  return {
    params: { tinyTasks: cfg.tinyTasks, cpuTasks: cfg.cpuTasks, ioTasks: cfg.ioTasks },
    context: {
      namespace: cfg.namespace,
      pod: pod.name,
      nodeCount: info.value.nodes,
      images: pod.containers.map((c) => c.image),
      settings: infoContext(info.value),
    },
    handle,
  };
}

async function runOnce(deps: ProbeDeps, prepared: Prepared): Promise<RunOutput> {
  const h = prepared.handle as Handle;
  const { stdout, stderr } = await runScript(deps.kube, h, deps.platform.services.ray.python, h.counts);
  const bench = parseRayBench(stdout);
  if (!bench.ok) throw bench.error;
  const b = bench.value;
  return {
    samples: {
      tiny_tasks_per_sec: b.tiny_tasks_per_sec,
      cpu_tasks_per_sec: b.cpu_tasks_per_sec,
      io_tasks_per_sec: b.io_tasks_per_sec,
      cluster_cpus: b.resources.CPU,
    },
    // Ray's own log lines go to stderr; kept after the result so that a run can be read whole.
    raw: stderr.trim() === '' ? stdout : `${stdout}\n# stderr\n${stderr}`,
    details: { nodes: b.nodes, rayVersion: b.ray_version, resources: b.resources },
  };
}

/** `/perf baseline ray`: task throughput on the cluster, from the benchmark run on the head node. */
export const rayProbe: Probe = {
  service: 'ray',
  metrics: RAY_METRICS,
  warmup: true,
  runs: (options, platform) => options.runs ?? platform.services.ray.runs,
  prepare,
  runOnce,
};
