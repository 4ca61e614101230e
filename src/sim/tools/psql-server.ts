import type { KubeObject } from '../../kube/port.js';
import type { SandboxState } from '../types.js';
import { BASE_UNIT, GB, KB, MB, type MemorySetting, type PgKnobs, readPgKnobs } from './psql-knobs.js';

/**
 * The simulated server's life: `ALTER SYSTEM` writes postgresql.auto.conf (on the data volume, so it
 * outlives the pod); a reload puts into effect what a reload may, a start (a new pod) everything. A
 * postmaster setting written but not yet restarted is `pending_restart`, as on a real server
 * (tuning.md, "PostgreSQL settings"). The ConfigMap's postgresql.conf is read as it is now (the
 * sandbox treats an edit of it as applied, which the probe's tests rely on); auto.conf's values in
 * effect go over it.
 */
export interface Server {
  /** ALTER SYSTEM's values, in bytes (memory) or a count (max_connections). */
  auto: Map<string, number>;
  /** The auto.conf values in effect in the running server. */
  applied: Map<string, number>;
  /** The pod the server runs in (its uid): a new pod starts with all of auto.conf in effect. */
  pod: string;
}

/** pg_settings' facts for the knob set's settings (PostgreSQL 15). */
export const PG_RANGES: Record<string, { min: number; max: number; unit: string; context: string }> = {
  effective_cache_size: { min: 1, max: 2147483647, unit: '8kB', context: 'user' },
  maintenance_work_mem: { min: 1024, max: 2147483647, unit: 'kB', context: 'user' },
  max_connections: { min: 1, max: 262143, unit: '', context: 'postmaster' },
  shared_buffers: { min: 16, max: 1073741823, unit: '8kB', context: 'postmaster' },
  work_mem: { min: 64, max: 2147483647, unit: 'kB', context: 'user' },
};

const servers = new WeakMap<SandboxState, Server>();
const podId = (pod: KubeObject) => String(pod.metadata.uid ?? pod.metadata.name);

/** The server in this pod: started afresh (all of auto.conf in effect) when the pod is new. */
export function serverIn(state: SandboxState, pod: KubeObject): Server {
  const known = servers.get(state);
  if (known && known.pod === podId(pod)) return known;
  const auto = known?.auto ?? new Map<string, number>();
  const server = { auto, applied: new Map(auto), pod: podId(pod) };
  servers.set(state, server);
  return server;
}

/** The running values: the ConfigMap's, with the auto.conf values in effect over them. */
export function runningKnobs(state: SandboxState, server: Server): PgKnobs {
  const file = readPgKnobs(state);
  const memory = { ...file.memory };
  for (const name of Object.keys(memory) as MemorySetting[])
    memory[name] = server.applied.get(name) ?? memory[name];
  return { maxConnections: server.applied.get('max_connections') ?? file.maxConnections, memory };
}

/**
 * `SELECT pg_reload_conf()`: what a reload may change takes effect (a setting reset out of auto.conf
 * goes back to the config file's value); postmaster settings wait.
 */
export function reload(server: Server): void {
  for (const name of [...server.applied.keys()])
    if (PG_RANGES[name]?.context !== 'postmaster' && !server.auto.has(name)) server.applied.delete(name);
  for (const [name, value] of server.auto)
    if (PG_RANGES[name]?.context !== 'postmaster') server.applied.set(name, value);
}

/** `ALTER SYSTEM RESET name`: its line leaves postgresql.auto.conf. The error message, or undefined. */
export function alterSystemReset(server: Server, name: string): string | undefined {
  if (!PG_RANGES[name]) return `unrecognized configuration parameter "${name}"`;
  server.auto.delete(name);
  return undefined;
}

/** A postmaster setting whose auto.conf value is not the one in effect. */
export function pendingRestart(server: Server, name: string): boolean {
  return PG_RANGES[name]?.context === 'postmaster' && server.auto.get(name) !== server.applied.get(name);
}

const UNITS: Record<string, number> = { B: 1, kB: KB, MB, GB, TB: 1024 * GB };

/**
 * `ALTER SYSTEM SET name = 'value'`: PostgreSQL's own checks and words, then postgresql.auto.conf.
 * Returns the error message, or undefined on success.
 */
export function alterSystem(server: Server, name: string, value: string): string | undefined {
  const range = PG_RANGES[name];
  if (!range) return `unrecognized configuration parameter "${name}"`;
  const m = /^(\d+)\s*(B|kB|MB|GB|TB)?$/.exec(value.trim());
  if (!m || (range.unit === '' && m[2] !== undefined))
    return `invalid value for parameter "${name}": "${value}"`;
  const n = Number(m[1]);
  const base = name === 'max_connections' ? 1 : BASE_UNIT[name as MemorySetting];
  const inBase = m[2] === undefined ? n : (n * (UNITS[m[2]] ?? 1)) / base;
  if (!Number.isInteger(inBase) || inBase < range.min || inBase > range.max)
    return `${n}${m[2] ? ` ${m[2]}` : ''} is outside the valid range for parameter "${name}" (${range.min} .. ${range.max})`;
  server.auto.set(name, name === 'max_connections' ? inBase : inBase * base);
  return undefined;
}
