import { fail, ok, PerfError, type Result } from '../../errors.js';
import type { NodeInfo, NodeUsage, PodInfo, PodUsage } from '../../kube/port.js';
import type { NodeRow, PodRow } from './schema.js';

const pct = (part: number, whole: number) => (whole > 0 ? (part / whole) * 100 : 0);

/** Joins node usage with allocatable, as `kubectl top nodes` does; nodes without metrics are left out. */
export function buildNodeRows(nodes: readonly NodeInfo[], usage: readonly NodeUsage[]): NodeRow[] {
  const byName = new Map(usage.map((u) => [u.name, u]));
  return nodes.flatMap((node) => {
    const u = byName.get(node.name);
    if (!u) return [];
    return [
      {
        name: node.name,
        cpuMilli: u.cpuMilli,
        cpuAllocatableMilli: node.allocatable.cpuMilli,
        cpuPct: pct(u.cpuMilli, node.allocatable.cpuMilli),
        memoryBytes: u.memoryBytes,
        memoryAllocatableBytes: node.allocatable.memoryBytes,
        memoryPct: pct(u.memoryBytes, node.allocatable.memoryBytes),
      },
    ];
  });
}

/** Joins container usage with the container's limits; rows sorted closest-to-a-limit first. */
export function buildPodRows(
  pods: readonly PodInfo[],
  usage: readonly PodUsage[],
): { rows: PodRow[]; withoutLimits: number } {
  const specs = new Map(pods.map((p) => [`${p.namespace}/${p.name}`, p]));
  const rows: PodRow[] = [];
  let withoutLimits = 0;
  for (const pod of usage) {
    const spec = specs.get(`${pod.namespace}/${pod.name}`);
    for (const c of pod.containers) {
      const limits = spec?.containers.find((s) => s.name === c.name)?.limits ?? {};
      const cpuLimit = limits.cpuMilli ?? null;
      const memLimit = limits.memoryBytes ?? null;
      if (cpuLimit === null && memLimit === null) withoutLimits += 1;
      rows.push({
        namespace: pod.namespace,
        pod: pod.name,
        container: c.name,
        cpuMilli: c.cpuMilli,
        cpuLimitMilli: cpuLimit,
        cpuPctOfLimit: cpuLimit === null ? null : pct(c.cpuMilli, cpuLimit),
        memoryBytes: c.memoryBytes,
        memoryLimitBytes: memLimit,
        memoryPctOfLimit: memLimit === null ? null : pct(c.memoryBytes, memLimit),
      });
    }
  }
  rows.sort((a, b) => closeness(b) - closeness(a));
  return { rows: rows.filter((r) => closeness(r) >= 0), withoutLimits };
}

function closeness(row: PodRow): number {
  return Math.max(row.cpuPctOfLimit ?? -1, row.memoryPctOfLimit ?? -1);
}

/**
 * Parses POSIX `df -P -B1 PATH` output (header, then `fs size used avail capacity mount`).
 * A wrapped line (long device names) is joined back; sizes are bytes because of `-B1`.
 */
export function parseDf(text: string): Result<{ sizeBytes: number; usedBytes: number; mount: string }> {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const header = lines.findIndex((l) => /^Filesystem\s/.test(l));
  const body = header >= 0 ? lines.slice(header + 1).join(' ') : '';
  const fields = body.trim().split(/\s+/);
  if (fields.length < 6) {
    return fail(new PerfError('probe_failed', `unexpected df output: ${text.slice(0, 200)}`));
  }
  const [size, used] = [Number(fields[1]), Number(fields[2])];
  if (!Number.isFinite(size) || !Number.isFinite(used)) {
    return fail(new PerfError('probe_failed', `df printed no byte counts: ${body.slice(0, 200)}`));
  }
  return ok({ sizeBytes: size, usedBytes: used, mount: fields.slice(5).join(' ') });
}
