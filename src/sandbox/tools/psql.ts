import { PROBE_SQL, SETTINGS_SQL, SNAPSHOT_SQL } from '../../probes/postgres/queries.js';
import type { SandboxState, SimExecOutcome, SimTool } from '../types.js';

/**
 * Simulated `psql` for the PostgreSQL probe's exec mode. It answers the probe's exact statements
 * (probes/postgres/queries.ts) in `-At` form, with numbers driven by the `postgresql-configuration`
 * ConfigMap in `kong`: more shared_buffers → a higher cache hit ratio → lower latency and more TPS. Faults:
 * `postgres.down` (libpq's socket error, exit 2) and `postgres.auth` (password failure, exit 2).
 */
export const PG_NAMESPACE = 'kong';
export const PG_CONFIGMAPS = ['postgresql-configuration', 'postgresql'] as const;

const KB = 1024;
const MB = 1024 ** 2;
const GB = 1024 ** 3;
/** Defaults of PostgreSQL 15, used for settings the ConfigMap does not set. */
const DEFAULTS = {
  shared_buffers: 128 * MB,
  effective_cache_size: 4 * GB,
  work_mem: 4 * MB,
  maintenance_work_mem: 64 * MB,
};
/** The base unit of each memory setting when written without a unit (`shared_buffers = 16384`). */
const BASE_UNIT: Record<keyof typeof DEFAULTS, number> = {
  shared_buffers: 8 * KB,
  effective_cache_size: 8 * KB,
  work_mem: KB,
  maintenance_work_mem: KB,
};
const WORKING_SET = 1 * GB;

export interface PgKnobs {
  maxConnections: number;
  memory: Record<keyof typeof DEFAULTS, number>;
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

/** The settings from the ConfigMap: keys named like the settings, or `name = value` lines in any key. */
export function readPgKnobs(state: SandboxState): PgKnobs {
  const data = (findConfigMap(state)?.data ?? {}) as Record<string, unknown>;
  const values = new Map<string, string>();
  for (const [key, value] of Object.entries(data)) {
    if (typeof value !== 'string') continue;
    values.set(key, value);
    for (const line of value.split('\n')) {
      const m = /^\s*([a-z_]+)\s*=\s*([^#]*?)\s*(#.*)?$/.exec(line);
      if (m?.[1] !== undefined && m[2] !== undefined) values.set(m[1], m[2]);
    }
  }
  const memory = { ...DEFAULTS };
  for (const name of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
    const parsed = parsePgMemory(values.get(name) ?? '', BASE_UNIT[name]);
    if (parsed !== undefined && parsed > 0) memory[name] = parsed;
  }
  const maxConnections = Number.parseInt(values.get('max_connections')?.replace(/'/g, '') ?? '', 10);
  return {
    maxConnections: Number.isFinite(maxConnections) && maxConnections > 0 ? maxConnections : 100,
    memory,
  };
}

/** How the knobs shape the workload: hit ratio from shared_buffers over a 1 GiB working set. */
function model(k: PgKnobs) {
  const sb = k.memory.shared_buffers;
  const cacheBoost = Math.min(k.memory.effective_cache_size / (8 * GB), 1) * 0.004;
  const hit = Math.min(0.9995, 0.9 + 0.095 * (1 - Math.exp(-sb / (WORKING_SET / 4))) + cacheBoost);
  return {
    hit,
    tps: 400 * (0.6 + 4 * (hit - 0.9)),
    /** Per probe query, in ms: parse/plan/execute plus a share of misses served from disk. */
    latencyMs: 0.12 + (1 - hit) * 4 + (k.memory.work_mem < 4 * MB ? 0.02 : 0),
    connections: Math.min(k.maxConnections - 3, 28),
  };
}

interface Counters {
  t: number;
  commit: number;
  rollback: number;
  hit: number;
  read: number;
}

/** Cumulative counters, advanced by the modelled rates for the time since the last call. */
function advance(counters: Counters, now: number, k: PgKnobs, random: () => number): Counters {
  const m = model(k);
  const dt = Math.max(0, now - counters.t) / 1000;
  const xacts = m.tps * dt * (0.95 + 0.1 * random());
  const blocks = xacts * 40;
  return {
    t: now,
    commit: counters.commit + xacts * 0.996,
    rollback: counters.rollback + xacts * 0.004,
    hit: counters.hit + blocks * m.hit,
    read: counters.read + blocks * (1 - m.hit),
  };
}

interface PsqlArgs {
  separator: string;
  unaligned: boolean;
  tuplesOnly: boolean;
  commands: string[];
  fromStdin: boolean;
  user: string;
}

const WITH_VALUE = new Set(['-F', '-v', '-d', '-U', '-c', '-f', '-h', '-p']);

export function parsePsqlArgv(argv: readonly string[]): PsqlArgs {
  const out: PsqlArgs = {
    separator: '|',
    unaligned: false,
    tuplesOnly: false,
    commands: [],
    fromStdin: false,
    user: 'postgres',
  };
  for (let i = 1; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    const value = WITH_VALUE.has(arg) ? (argv[++i] ?? '') : undefined;
    if (arg === '-F') out.separator = value ?? '|';
    else if (arg === '-c') out.commands.push(value ?? '');
    else if (arg === '-f') out.fromStdin = value === '-';
    else if (arg === '-U') out.user = value ?? out.user;
    else if (/^-[A-Za-z]+$/.test(arg) && value === undefined) {
      out.unaligned ||= arg.includes('A');
      out.tuplesOnly ||= arg.includes('t');
    }
  }
  return out;
}

/** Bitnami's images build libpq with the socket in /tmp. */
const SOCKET = '/tmp/.s.PGSQL.5432';

export interface PsqlToolOptions {
  /** Server time in ms; defaults to the sandbox store's clock when it has one, else Date.now. */
  now?: () => number;
}

/** @example createPsqlTools().psql?.(['psql', '-At', '-c', SNAPSHOT_SQL], ctx) */
export function createPsqlTools(options: PsqlToolOptions = {}): Record<string, SimTool> {
  const counters = new WeakMap<SandboxState, Counters>();
  const psql: SimTool = (argv, ctx) => {
    const { state } = ctx;
    const now = options.now ?? (state as { now?: () => number }).now ?? Date.now;
    const args = parsePsqlArgv(argv);
    if (state.faults.take('postgres.down') !== undefined) {
      return failure(
        `psql: error: connection to server on socket "${SOCKET}" failed: No such file or directory\n\tIs the server running locally and accepting connections on that socket?\n`,
        2,
      );
    }
    if (state.faults.take('postgres.auth') !== undefined) {
      return failure(
        `psql: error: connection to server on socket "${SOCKET}" failed: FATAL:  password authentication failed for user "${args.user}"\n`,
        2,
      );
    }
    if (!args.unaligned || !args.tuplesOnly)
      return failure('perfbot sandbox: psql is simulated for -At output only\n', 1);
    const knobs = readPgKnobs(state);
    const t = now();
    const current = advance(counters.get(state) ?? initial(t), t, knobs, () => state.random());
    counters.set(state, current);
    const session: Session = {
      args,
      knobs,
      counters: current,
      t,
      random: () => state.random(),
      timing: false,
    };
    const statements = args.fromStdin ? splitScript(ctx.stdin) : args.commands;
    return runStatements(session, statements);
  };
  return { psql };
}

export const psqlTools: Record<string, SimTool> = createPsqlTools();

const initial = (t: number): Counters => ({
  t,
  commit: 4_812_337,
  rollback: 20_113,
  hit: 912_004_551,
  read: 31_775_902,
});

interface Session {
  args: PsqlArgs;
  knobs: PgKnobs;
  counters: Counters;
  t: number;
  random: () => number;
  timing: boolean;
}

function splitScript(stdin: string): string[] {
  return stdin
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => (l.endsWith(';') ? l.slice(0, -1) : l));
}

function runStatements(s: Session, statements: readonly string[]): SimExecOutcome {
  const lines: string[] = [];
  let durationMs = 15; // psql start-up and connection
  for (const [i, sql] of statements.entries()) {
    if (sql === '\\timing on') {
      s.timing = true;
      lines.push('Timing is on.');
      continue;
    }
    const answer = answerStatement(s, sql);
    if (answer === undefined) {
      const where = s.args.fromStdin ? `psql:<stdin>:${i + 1}: ` : '';
      const err = `${where}ERROR:  perfbot sandbox: statement not simulated: ${sql.slice(0, 60)}\n`;
      return {
        stdout: lines.map((l) => `${l}\n`).join(''),
        stderr: err,
        exitCode: s.args.fromStdin ? 3 : 1,
        durationMs,
      };
    }
    lines.push(...answer.rows.map((r) => r.join(s.args.separator)));
    durationMs += answer.ms;
    if (s.timing) lines.push(`Time: ${answer.ms.toFixed(3)} ms`);
  }
  return { stdout: lines.map((l) => `${l}\n`).join(''), stderr: '', exitCode: 0, durationMs };
}

function answerStatement(s: Session, sql: string): { rows: string[][]; ms: number } | undefined {
  const m = model(s.knobs);
  if (sql === PROBE_SQL) {
    // Mostly near the model's latency, with a rare slow query (a checkpoint, a cold page).
    const jitter = 0.85 + 0.3 * s.random();
    const tail = s.random() < 0.02 ? 3 + 4 * s.random() : 1;
    return { rows: [['pg_class', '13']], ms: m.latencyMs * jitter * tail };
  }
  if (sql === SNAPSHOT_SQL) {
    const c = s.counters;
    const row = [c.commit, c.rollback, c.read, c.hit].map((v) => String(Math.floor(v)));
    const conns = Math.max(1, Math.round(m.connections + (s.random() - 0.5) * 4));
    return {
      rows: [[...row, String(conns), String(s.knobs.maxConnections), (s.t / 1000).toFixed(6)]],
      ms: 0.3,
    };
  }
  if (sql === SETTINGS_SQL) return { rows: settingsRows(s.knobs), ms: 0.5 };
  if (sql === 'SELECT 1') return { rows: [['1']], ms: 0.1 };
  return undefined;
}

/** As `pg_settings` shows them: value in the base unit, the unit, the context, and SHOW's form. */
function settingsRows(k: PgKnobs): string[][] {
  const mem = (name: keyof typeof DEFAULTS, unit: string, context: string) => {
    const bytes = k.memory[name];
    return [name, String(Math.round(bytes / BASE_UNIT[name])), unit, context, showMemory(bytes)];
  };
  return [
    mem('effective_cache_size', '8kB', 'user'),
    mem('maintenance_work_mem', 'kB', 'user'),
    ['max_connections', String(k.maxConnections), '', 'postmaster', String(k.maxConnections)],
    mem('shared_buffers', '8kB', 'postmaster'),
    mem('work_mem', 'kB', 'user'),
  ];
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

function failure(stderr: string, exitCode: number): SimExecOutcome {
  return { stdout: '', stderr, exitCode, durationMs: 5 };
}
