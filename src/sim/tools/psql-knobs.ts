import type { SandboxState } from '../types.js';

/**
 * The PostgreSQL settings the simulated `psql` reads from the `postgresql-configuration` ConfigMap in
 * `kong`, with PostgreSQL's defaults, units and SHOW formatting.
 */
export const PG_NAMESPACE = 'kong';
export const PG_CONFIGMAPS = ['postgresql-configuration', 'postgresql'] as const;

export const KB = 1024;
export const MB = 1024 ** 2;
export const GB = 1024 ** 3;
/** Defaults of PostgreSQL 15, used for settings the ConfigMap does not set. */
const DEFAULTS = {
  shared_buffers: 128 * MB,
  effective_cache_size: 4 * GB,
  work_mem: 4 * MB,
  maintenance_work_mem: 64 * MB,
};
export type MemorySetting = keyof typeof DEFAULTS;
/** The base unit of each memory setting when written without a unit (`shared_buffers = 16384`). */
export const BASE_UNIT: Record<MemorySetting, number> = {
  shared_buffers: 8 * KB,
  effective_cache_size: 8 * KB,
  work_mem: KB,
  maintenance_work_mem: KB,
};

export interface PgKnobs {
  maxConnections: number;
  memory: Record<MemorySetting, number>;
}

/** `128MB`, `4GB`, `64kB`, or a bare number in the setting's base unit. */
export function parsePgMemory(text: string, baseUnit: number): number | undefined {
  const m = /^\s*'?(\d+)\s*(kB|MB|GB|TB|B)?'?\s*$/.exec(text);
  if (m === null) return undefined;
  const unit = { B: 1, kB: KB, MB, GB, TB: 1024 * GB }[m[2] ?? ''] ?? baseUnit;
  return Number(m[1]) * unit;
}

/** The database's ConfigMap: Bitnami's `postgresql-configuration`, else `postgresql`, else any with a postgresql.conf. */
function findConfigMap(state: SandboxState) {
  for (const name of PG_CONFIGMAPS) {
    const cm = state.get('ConfigMap', PG_NAMESPACE, name);
    if (cm !== undefined) return cm;
  }
  return state.list('ConfigMap', PG_NAMESPACE).find((cm) => 'postgresql.conf' in ((cm.data ?? {}) as object));
}

/** Settings by name: keys named like the settings, or `name = value` lines in any key (a later one wins). */
function settingValues(data: Record<string, unknown>): Map<string, string> {
  const values = new Map<string, string>();
  for (const [key, value] of Object.entries(data)) {
    if (typeof value !== 'string') continue;
    values.set(key, value);
    for (const line of value.split('\n')) {
      const m = /^\s*([a-z_]+)\s*=\s*([^#]*?)\s*(#.*)?$/.exec(line);
      if (m?.[1] !== undefined && m[2] !== undefined) values.set(m[1], m[2]);
    }
  }
  return values;
}

/** The settings from the ConfigMap: keys named like the settings, or `name = value` lines in any key. */
export function readPgKnobs(state: SandboxState): PgKnobs {
  const values = settingValues((findConfigMap(state)?.data ?? {}) as Record<string, unknown>);
  const memory = { ...DEFAULTS };
  for (const name of Object.keys(DEFAULTS) as MemorySetting[]) {
    const parsed = parsePgMemory(values.get(name) ?? '', BASE_UNIT[name]);
    if (parsed !== undefined && parsed > 0) memory[name] = parsed;
  }
  const maxConnections = Number.parseInt(values.get('max_connections')?.replace(/'/g, '') ?? '', 10);
  return {
    maxConnections: Number.isFinite(maxConnections) && maxConnections > 0 ? maxConnections : 100,
    memory,
  };
}

/** PostgreSQL's SHOW picks the largest unit that divides the value exactly. */
export function showMemory(bytes: number): string {
  for (const [unit, size] of [
    ['TB', 1024 * GB],
    ['GB', GB],
    ['MB', MB],
  ] as const) {
    if (bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${Math.round(bytes / KB)}kB`;
}
