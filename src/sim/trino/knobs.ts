import type { KubeObject } from '../../kube/port.js';
import type { SandboxState } from '../types.js';

/**
 * The settings the simulated Trino's numbers respond to, read from the sandbox's Kubernetes objects
 * exactly where the tuning changes them: the `trino` ConfigMap in `data-platform` (`jvm.config`,
 * `config.properties`) and the `trino-worker` Deployment's replicas and CPU limit.
 */
export interface TrinoKnobs {
  workers: number;
  /** Cores per worker pod (its CPU limit, else 4). */
  cores: number;
  heapBytes: number;
  maxMemoryPerNodeBytes: number;
  maxMemoryBytes: number;
  taskConcurrency: number;
  spillEnabled: boolean;
}

export const TRINO_NAMESPACE = 'data-platform';
export const TRINO_CONFIGMAP = 'trino';
export const TRINO_WORKERS = 'trino-worker';

const GB = 1024 ** 3;
const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: GB, tb: 1024 ** 4, pb: 1024 ** 5 };

/** airlift DataSize as in config.properties: `512MB`, `1.5GB`, `20GB` (binary units, as Trino reads them). */
export function parseDataSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?b)\s*$/i.exec(text);
  if (m === null) return undefined;
  const unit = UNITS[(m[2] ?? 'b').toLowerCase()];
  return unit === undefined ? undefined : Math.round(Number(m[1]) * unit);
}

/** The last `-Xmx` in jvm.config (the JVM honours the last one): `-Xmx16G`, `-Xmx4096m`. */
export function parseXmx(jvmConfig: string): number | undefined {
  let found: number | undefined;
  for (const m of jvmConfig.matchAll(/-Xmx(\d+)([kKmMgGtT]?)\b/g)) {
    const mult: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: GB, t: 1024 ** 4 };
    found = Number(m[1]) * (mult[(m[2] ?? '').toLowerCase()] ?? 1);
  }
  return found;
}

/** `key=value` lines of a Java properties file; comments and blanks skipped. */
export function parseProperties(text: string): Map<string, string> {
  const props = new Map<string, string>();
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith('!')) continue;
    const at = trimmed.search(/[=:]/);
    if (at > 0) props.set(trimmed.slice(0, at).trim(), trimmed.slice(at + 1).trim());
  }
  return props;
}

/** Kubernetes CPU quantity: `4`, `2500m`, `0.5`. */
function parseCpu(text: unknown): number | undefined {
  if (typeof text !== 'string' && typeof text !== 'number') return undefined;
  const s = String(text);
  const n = s.endsWith('m') ? Number(s.slice(0, -1)) / 1000 : Number(s);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

function dig(obj: unknown, ...path: (string | number)[]): unknown {
  let cur = obj;
  for (const key of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

function workerShape(deployment: KubeObject | undefined): { workers: number; cores: number } {
  const replicas = dig(deployment, 'spec', 'replicas');
  const cpu = parseCpu(
    dig(deployment, 'spec', 'template', 'spec', 'containers', 0, 'resources', 'limits', 'cpu'),
  );
  return {
    // No Deployment in the state: one worker, as Trino's single-node default.
    workers: typeof replicas === 'number' && replicas >= 0 ? replicas : 1,
    cores: Math.max(1, Math.round(cpu ?? 4)),
  };
}

/** Trino's own defaults fill in whatever the ConfigMap leaves out (per-node memory: 30% of the heap). */
export function readTrinoKnobs(state: SandboxState): TrinoKnobs {
  const cm = state.get('ConfigMap', TRINO_NAMESPACE, TRINO_CONFIGMAP);
  const data = (dig(cm, 'data') ?? {}) as Record<string, unknown>;
  const jvm = typeof data['jvm.config'] === 'string' ? data['jvm.config'] : '';
  const props = parseProperties(
    typeof data['config.properties'] === 'string' ? data['config.properties'] : '',
  );
  const size = (key: string) => {
    const v = props.get(key);
    return v === undefined ? undefined : parseDataSize(v);
  };
  const heapBytes = parseXmx(jvm) ?? 4 * GB;
  const { workers, cores } = workerShape(state.get('Deployment', TRINO_NAMESPACE, TRINO_WORKERS));
  const concurrency = Number(props.get('task.concurrency'));
  return {
    workers,
    cores,
    heapBytes,
    maxMemoryPerNodeBytes: size('query.max-memory-per-node') ?? Math.round(heapBytes * 0.3),
    maxMemoryBytes: size('query.max-memory') ?? 20 * GB,
    taskConcurrency: Number.isInteger(concurrency) && concurrency > 0 ? concurrency : cores,
    spillEnabled: (props.get('spill-enabled') ?? props.get('experimental.spill-enabled')) === 'true',
  };
}
