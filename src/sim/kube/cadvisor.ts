import type { KubeObject } from '../../kube/port.js';
import { toMillicores } from '../../kube/quantity.js';
import type { UsageProfile } from './seed.js';

/**
 * The kubelet's `/metrics/cadvisor` of one node, as the API server's node proxy serves it
 * (`/api/v1/nodes/<node>/proxy/metrics/cadvisor`): Prometheus text, one series per container and one
 * per pod cgroup (`container=""`), CFS counters only for containers with a CPU limit (no quota, no
 * CFS accounting), as cAdvisor does. The throttled share comes from the container's usage profile.
 */
export interface CadvisorSource {
  podsOnNode(node: string): readonly KubeObject[];
  readonly usage: ReadonlyMap<string, UsageProfile>;
  now(): number;
}

interface ContainerSpec {
  name: string;
  image?: string;
  resources?: { limits?: Record<string, string> };
}

/** A healthy container's throttled share. */
const BASELINE_THROTTLED = 0.02;
const PERIOD_S = 0.1;

const label = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** The text for a node, or undefined when the node has no pods the store knows of and is not a node. */
export function cadvisorText(store: CadvisorSource, node: string): string {
  const now = store.now();
  const periods: string[] = [];
  const throttled: string[] = [];
  const usage: string[] = [];
  for (const pod of store.podsOnNode(node)) {
    const ns = pod.metadata.namespace ?? '';
    const uid = String(pod.metadata.uid ?? '');
    const started = Date.parse(String(pod.metadata.creationTimestamp ?? '')) || now;
    // A pod seeded a moment ago still shows a day of history, as a long-running platform would.
    const elapsedS = Math.max(86_400, (now - started) / 1000);
    const containers = ((pod.spec as { containers?: ContainerSpec[] }).containers ?? []) as ContainerSpec[];
    const podLabels = `id="/kubepods/burstable/pod${uid}",namespace="${label(ns)}",pod="${label(pod.metadata.name)}"`;
    let podPeriods = 0;
    let podThrottled = 0;
    for (const c of containers) {
      const id = `${uid.replace(/-/g, '').slice(0, 12)}${c.name.length.toString(16).padStart(4, '0')}`;
      const labels = `container="${label(c.name)}",id="/kubepods/burstable/pod${uid}/${id}",image="${label(c.image ?? '')}",name="${id}",namespace="${label(ns)}",pod="${label(pod.metadata.name)}"`;
      const profile = store.usage.get(`${ns}/${c.name}`);
      const cpuLimit = c.resources?.limits?.cpu;
      const limitMilli = cpuLimit === undefined ? undefined : toMillicores(cpuLimit);
      const cpuS = elapsedS * ((limitMilli?.ok ? limitMilli.value : 500) / 1000) * (profile?.cpu ?? 0.3);
      usage.push(`container_cpu_usage_seconds_total{cpu="total",${labels}} ${cpuS.toFixed(6)} ${now}`);
      if (!limitMilli?.ok) continue;
      const p = Math.floor(elapsedS / PERIOD_S);
      const t = Math.floor(p * (profile?.throttled ?? BASELINE_THROTTLED));
      podPeriods += p;
      podThrottled += t;
      periods.push(`container_cpu_cfs_periods_total{${labels}} ${p} ${now}`);
      throttled.push(`container_cpu_cfs_throttled_periods_total{${labels}} ${t} ${now}`);
    }
    if (podPeriods > 0) {
      periods.push(
        `container_cpu_cfs_periods_total{container="",${podLabels},image="",name=""} ${podPeriods} ${now}`,
      );
      throttled.push(
        `container_cpu_cfs_throttled_periods_total{container="",${podLabels},image="",name=""} ${podThrottled} ${now}`,
      );
    }
  }
  return [
    "# HELP cadvisor_version_info A metric with a constant '1' value labeled by kernel version, OS version, docker version, cadvisor version & cadvisor revision.",
    '# TYPE cadvisor_version_info gauge',
    'cadvisor_version_info{cadvisorRevision="",cadvisorVersion="",dockerVersion="",kernelVersion="5.15.0-113-generic",osVersion="Ubuntu 22.04.4 LTS"} 1',
    '# HELP container_cpu_cfs_periods_total Number of elapsed enforcement period intervals.',
    '# TYPE container_cpu_cfs_periods_total counter',
    ...periods,
    '# HELP container_cpu_cfs_throttled_periods_total Number of throttled period intervals.',
    '# TYPE container_cpu_cfs_throttled_periods_total counter',
    ...throttled,
    '# HELP container_cpu_usage_seconds_total Cumulative cpu time consumed in seconds.',
    '# TYPE container_cpu_usage_seconds_total counter',
    ...usage,
    '',
  ].join('\n');
}
