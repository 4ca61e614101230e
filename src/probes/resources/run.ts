import { PerfError } from '../../errors.js';
import { lastLines } from '../output.js';
import type { Probe, ProbeDeps, RunOutput } from '../types.js';
import { RESOURCES_METRICS } from './metrics.js';
import { buildNodeRows, buildPodRows, parseDf } from './parse.js';
import type { ResourcesDetails } from './schema.js';

const EXEC_TIMEOUT_MS = 30_000;

/**
 * `resources`: node usage against allocatable, pod usage against limits (metrics.k8s.io), and the
 * data volumes' disk usage (`df` in a pod). Each run is one snapshot; runs are spaced by
 * `intervalSeconds` because metrics-server only refreshes its window about every 15 s.
 */
export const resourcesProbe: Probe = {
  service: 'resources',
  metrics: RESOURCES_METRICS,
  warmup: false,
  runs: (options, platform) => options.runs ?? platform.services.resources.runs,
  async prepare(deps) {
    const cfg = deps.platform.services.resources;
    const nodes = await deps.kube.listNodes();
    return {
      params: { namespaces: cfg.namespaces.join(','), top: cfg.top, intervalSeconds: cfg.intervalSeconds },
      context: { nodeCount: nodes.length },
      handle: undefined,
    };
  },
  async runOnce(deps, _prepared, index) {
    if (index > 0) await deps.clock.delay(deps.platform.services.resources.intervalSeconds * 1000);
    return snapshot(deps);
  },
};

async function snapshot(deps: ProbeDeps): Promise<RunOutput> {
  const cfg = deps.platform.services.resources;
  const [nodes, nodeUsage] = await Promise.all([deps.kube.listNodes(), deps.kube.nodeUsage()]);
  const nodeRows = buildNodeRows(nodes, nodeUsage);
  if (nodeRows.length === 0) {
    throw new PerfError('probe_failed', 'metrics.k8s.io returned no node metrics', {
      userMessage: 'No node metrics: is metrics-server installed and serving metrics.k8s.io/v1beta1?',
      context: { service: 'resources', step: 'node metrics' },
    });
  }
  const perNamespace = await Promise.all(
    cfg.namespaces.map(async (ns) => {
      const [pods, usage] = await Promise.all([deps.kube.listPods(ns), deps.kube.podUsage(ns)]);
      return { pods, usage };
    }),
  );
  const pods = buildPodRows(
    perNamespace.flatMap((n) => n.pods),
    perNamespace.flatMap((n) => n.usage),
  );
  const volumes = await readVolumes(deps);
  const details: ResourcesDetails = {
    nodes: nodeRows,
    pods: pods.rows.slice(0, cfg.top * 4),
    podsWithoutLimits: pods.withoutLimits,
    volumes: volumes.rows,
  };
  const raw = JSON.stringify({ nodes: nodeUsage, pods: perNamespace.map((n) => n.usage), df: volumes.raw });
  return { samples: samplesOf(details), raw, details };
}

function samplesOf(details: ResourcesDetails): Record<string, number> {
  const max = (xs: number[]) => (xs.length ? Math.max(...xs) : undefined);
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : undefined);
  const values: Record<string, number | undefined> = {
    max_node_cpu_pct: max(details.nodes.map((n) => n.cpuPct)),
    max_node_memory_pct: max(details.nodes.map((n) => n.memoryPct)),
    avg_node_cpu_pct: mean(details.nodes.map((n) => n.cpuPct)),
    avg_node_memory_pct: mean(details.nodes.map((n) => n.memoryPct)),
    max_pod_cpu_pct_of_limit: max(
      details.pods.flatMap((p) => (p.cpuPctOfLimit === null ? [] : [p.cpuPctOfLimit])),
    ),
    max_pod_memory_pct_of_limit: max(
      details.pods.flatMap((p) => (p.memoryPctOfLimit === null ? [] : [p.memoryPctOfLimit])),
    ),
    max_volume_used_pct: max(details.volumes.map((v) => v.usedPct)),
  };
  // A metric with nothing to measure is left out ("no data"), never reported as zero.
  return Object.fromEntries(Object.entries(values).filter((e): e is [string, number] => e[1] !== undefined));
}

async function readVolumes(deps: ProbeDeps): Promise<{ rows: ResourcesDetails['volumes']; raw: string[] }> {
  const rows: ResourcesDetails['volumes'] = [];
  const raw: string[] = [];
  for (const volume of deps.platform.services.resources.volumes) {
    const pod = await deps.kube.findReadyPod(volume.namespace, volume.selector);
    const out = await deps.kube.exec({
      namespace: volume.namespace,
      pod: pod.name,
      container: volume.container,
      command: ['df', '-P', '-B1', volume.path],
      timeoutMs: EXEC_TIMEOUT_MS,
    });
    raw.push(out.stdout);
    const parsed = parseDf(out.stdout);
    if (out.exitCode !== 0 || !parsed.ok) {
      throw new PerfError('probe_failed', `df ${volume.path} failed in ${volume.namespace}/${pod.name}`, {
        userMessage: `Could not read disk usage of ${volume.name} (${volume.path} in ${volume.namespace}/${pod.name}): ${out.stderr.trim() || (parsed.ok ? `exit ${out.exitCode}` : parsed.error.message)}`,
        context: {
          service: 'resources',
          step: 'disk usage',
          lastLines: lastLines(`${out.stdout}\n${out.stderr}`, 10),
        },
      });
    }
    const { sizeBytes, usedBytes } = parsed.value;
    rows.push({
      name: volume.name,
      pod: `${volume.namespace}/${pod.name}`,
      path: volume.path,
      usedBytes,
      sizeBytes,
      usedPct: sizeBytes > 0 ? (usedBytes / sizeBytes) * 100 : 0,
    });
  }
  return { rows, raw };
}
