import { PG_SESSIONS_SQL, PG_STATS_SQL } from '../../bottlenecks/queries.js';
import { PG_AUTO_CONF_SQL, PG_FILE_ERRORS_SQL, PG_SETTINGS_SQL } from '../../changes/postgres/apply.js';
import { PROBE_SQL, SETTINGS_SQL, SNAPSHOT_SQL } from '../../probes/postgres/queries.js';
import type { SimProblems } from '../kube/problems.js';
import type { SimExecOutcome } from '../types.js';
import type { PsqlArgs } from './psql-args.js';
import { BASE_UNIT, type MemorySetting, type PgKnobs, showMemory } from './psql-knobs.js';
import { type Counters, model } from './psql-model.js';
import {
  alterSystem,
  alterSystemReset,
  PG_RANGES,
  pendingRestart,
  reload,
  type Server,
} from './psql-server.js';

/** The answers to the probe's exact statements (probes/postgres/queries.ts), in `-At` form. */
export interface Session {
  args: PsqlArgs;
  knobs: PgKnobs;
  counters: Counters;
  t: number;
  random: () => number;
  timing: boolean;
  /** The server's files and what of them is in effect (psql-server.ts). */
  server: Server;
  /** Sessions and connections (`problems.ts`); absent on a bare state. */
  problems?: SimProblems['postgres'];
}

type Answer = { rows: string[][]; ms: number } | { error: string };

export function runStatements(s: Session, statements: readonly string[]): SimExecOutcome {
  const lines: string[] = [];
  let durationMs = 15; // psql start-up and connection
  for (const [i, sql] of statements.entries()) {
    if (sql === '\\timing on') {
      s.timing = true;
      lines.push('Timing is on.');
      continue;
    }
    const answer = answerStatement(s, sql) ?? {
      error: `perfbot sandbox: statement not simulated: ${sql.slice(0, 60)}`,
    };
    if ('error' in answer) {
      const where = s.args.fromStdin ? `psql:<stdin>:${i + 1}: ` : '';
      const err = `${where}ERROR:  ${answer.error}\n`;
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

function answerStatement(s: Session, sql: string): Answer | undefined {
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
  return answerSettingsChange(s, sql);
}

/** The tuning knob's statements (changes/postgres/apply.ts): pg_settings, ALTER SYSTEM SET and RESET, reload, pg_file_settings. */
function answerSettingsChange(s: Session, sql: string): Answer | undefined {
  if (sql === PG_SETTINGS_SQL) return { rows: knobRows(s), ms: 0.5 };
  if (sql === PG_FILE_ERRORS_SQL) return { rows: [], ms: 0.3 };
  if (sql === PG_AUTO_CONF_SQL) {
    const rows = [...s.server.auto].map(([name, value]) => [
      name,
      name === 'max_connections' ? String(value) : showMemory(value),
    ]);
    return { rows, ms: 0.3 };
  }
  const reset = /^ALTER SYSTEM RESET ([A-Za-z_]+)$/.exec(sql);
  if (reset) {
    const error = alterSystemReset(s.server, reset[1] ?? '');
    return error === undefined ? { rows: [['ALTER SYSTEM']], ms: 1 } : { error };
  }
  if (sql === 'SELECT pg_reload_conf()') {
    reload(s.server);
    return { rows: [['t']], ms: 0.2 };
  }
  const alter = /^ALTER SYSTEM SET ([A-Za-z_]+) = '([^']*)'$/.exec(sql);
  if (alter) {
    const error = alterSystem(s.server, alter[1] ?? '', alter[2] ?? '');
    return error === undefined ? { rows: [['ALTER SYSTEM']], ms: 1 } : { error };
  }
  if (sql === 'SELECT 1') return { rows: [['1']], ms: 0.1 };
  if (sql === PG_STATS_SQL) {
    const c = s.counters;
    const connections = s.problems?.connections ?? model(s.knobs).connections;
    return {
      rows: [
        [
          String(connections),
          String(s.knobs.maxConnections),
          String(c.hit / (c.hit + c.read)),
          String(c.rollback / (c.commit + c.rollback)),
        ],
      ],
      ms: 0.8,
    };
  }
  if (sql === PG_SESSIONS_SQL) {
    const rows = (s.problems?.sessions ?? [])
      .filter((x) => x.state !== 'idle')
      .map((x) => [String(x.pid), x.state, String(x.ageSeconds), x.query]);
    return { rows, ms: 0.6 };
  }
  return undefined;
}

/** `pg_settings` rows as PG_SETTINGS_SQL reads them: setting, unit, context, range, pending_restart. */
function knobRows(s: Session): string[][] {
  return settingsRows(s.knobs).map(([name = '', setting = '', unit = '', context = '']) => {
    const range = PG_RANGES[name];
    return [
      name,
      setting,
      unit,
      context,
      String(range?.min ?? ''),
      String(range?.max ?? ''),
      pendingRestart(s.server, name) ? 't' : 'f',
    ];
  });
}

/** As `pg_settings` shows them: value in the base unit, the unit, the context, and SHOW's form. */
function settingsRows(k: PgKnobs): string[][] {
  const mem = (name: MemorySetting, unit: string, context: string) => {
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
