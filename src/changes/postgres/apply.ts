import type { SqlSession } from '../../probes/postgres/session.js';
import { type PgPlan, type PgSettingRow, POSTGRES_SETTINGS, type PostgresSetting } from './settings.js';

// Every name below is one of POSTGRES_SETTINGS and every value a size or number the plan parsed
// (`formatUnits`): nothing from the user reaches SQL as text it could escape from.
const NAMES = POSTGRES_SETTINGS.map((n) => `'${n}'`).join(', ');

/** The knob set's rows of `pg_settings` (exported for the sandbox's psql, which answers it). */
export const PG_SETTINGS_SQL = `SELECT name, setting, coalesce(unit, ''), context, min_val, max_val, pending_restart FROM pg_settings WHERE name IN (${NAMES}) ORDER BY name`;

/** The lines of the config files PostgreSQL could not apply, other than those waiting for a restart. */
export const PG_FILE_ERRORS_SQL = `SELECT name, coalesce(error, '') FROM pg_file_settings WHERE error IS NOT NULL AND error <> 'setting could not be applied' AND name IN (${NAMES})`;

/**
 * The knob set's settings that postgresql.auto.conf (`ALTER SYSTEM`'s own file) sets, with its
 * value there, in file order. A setting absent from it comes from postgresql.conf or the default.
 */
export const PG_AUTO_CONF_SQL = `SELECT name, setting FROM pg_file_settings WHERE sourcefile LIKE '%postgresql.auto.conf' AND name IN (${NAMES}) ORDER BY seqno`;

/** postgresql.auto.conf's values of the knob set's settings (the last line of a name wins, as PostgreSQL reads it). */
export async function readAutoConf(session: SqlSession): Promise<Map<PostgresSetting, string>> {
  const { rows } = await session.query(PG_AUTO_CONF_SQL);
  const auto = new Map<PostgresSetting, string>();
  for (const [name = '', setting = ''] of rows)
    if ((POSTGRES_SETTINGS as readonly string[]).includes(name)) auto.set(name as PostgresSetting, setting);
  return auto;
}

/** The knob set's rows of `pg_settings`: the snapshot a rollback restores, and the preflight's facts. */
export async function readPostgresSettings(session: SqlSession): Promise<PgSettingRow[]> {
  const { rows } = await session.query(PG_SETTINGS_SQL);
  return rows.map(([name = '', setting = '', unit = '', context = '', min = '', max = '', pending = '']) => ({
    name,
    setting,
    unit,
    context,
    min,
    max,
    pendingRestart: pending === 't' || pending === 'true',
  }));
}

/**
 * `ALTER SYSTEM SET` for each change, `ALTER SYSTEM RESET` for each of `resets` (the line leaves
 * postgresql.auto.conf: the config file's value or the default applies again), then a reload;
 * settings that need a restart wait for it (`pending_restart`).
 */
export async function applyPostgresPlan(
  session: SqlSession,
  plan: PgPlan,
  resets: readonly PostgresSetting[] = [],
): Promise<void> {
  for (const change of plan.changes) {
    if (!/^[0-9]+(kB|MB|GB|TB)?$/.test(change.after)) throw new Error(`unsafe value ${change.after}`);
    await session.query(`ALTER SYSTEM SET ${change.name} = '${change.after}'`);
  }
  for (const name of resets) {
    if (!(POSTGRES_SETTINGS as readonly string[]).includes(name)) throw new Error(`unsafe name ${name}`);
    await session.query(`ALTER SYSTEM RESET ${name}`);
  }
  await session.query('SELECT pg_reload_conf()');
}

export interface PgVerification {
  /** Every change reads its new value, none waits for a restart, and no config line failed. */
  applied: boolean;
  /** One line per setting that does not (yet): `shared_buffers: 128MB, pending restart`. */
  notYet: string[];
  /** `pg_file_settings` rows with an error (a line PostgreSQL could not apply). */
  fileErrors: string[];
}

/** The proof a change took: `pg_settings` reads the value, `pending_restart` is false, `pg_file_settings` has no error. */
export async function verifyPostgresPlan(session: SqlSession, plan: PgPlan): Promise<PgVerification> {
  const rows = await readPostgresSettings(session);
  const notYet: string[] = [];
  for (const change of plan.changes) {
    const row = rows.find((r) => r.name === change.name);
    if (!row) notYet.push(`${change.name}: not found`);
    else if (Number(row.setting) !== change.afterUnits || row.pendingRestart)
      notYet.push(
        `${change.name}: ${[row.setting, row.unit].filter(Boolean).join(' ')}${row.pendingRestart ? ', pending restart' : ''}`,
      );
  }
  // Waiting for a restart is not an error of the file: only other errors count.
  const { rows: errors } = await session.query(PG_FILE_ERRORS_SQL);
  const fileErrors = errors.map(([name = '', error = '']) => `${name}: ${error}`);
  return { applied: notYet.length === 0 && fileErrors.length === 0, notYet, fileErrors };
}
