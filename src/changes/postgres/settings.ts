import { closest } from 'fastest-levenshtein';
import { fail, ok, PerfError, type Result } from '../../errors.js';
import { RUNBOOK_SETTINGS, type RunbookSetting } from '../../probes/postgres/queries.js';

/** The PostgreSQL settings `/perf tune postgres pool` may change: the runbook's, which the probe reads too. */
export const POSTGRES_SETTINGS = RUNBOOK_SETTINGS;
export type PostgresSetting = RunbookSetting;

/** One row of `pg_settings`, as text (what the server says about a setting and how it may change). */
export interface PgSettingRow {
  name: string;
  /** In `unit`s: `16384` with unit `8kB` is 128 MB. */
  setting: string;
  unit: string;
  /** `postmaster`: a restart; `sighup`/`user`: a reload applies it. */
  context: string;
  min: string;
  max: string;
  pendingRestart: boolean;
}

export interface PgSettingChange {
  name: PostgresSetting;
  /** As PostgreSQL writes it (`128MB`, `100`). */
  before: string;
  after: string;
  /** The value in the setting's unit, as `pg_settings.setting` will read once applied. */
  afterUnits: number;
  restart: boolean;
}

/** What a change does: the settings that change (those already at the value are left out) and whether a restart is needed. */
export interface PgPlan {
  changes: PgSettingChange[];
  restart: boolean;
}

/** Bytes of one unit (`8kB` → 8192; `kB` → 1024); undefined for a unitless setting. */
function unitBytes(unit: string): number | undefined {
  const m = /^(\d*)(kB|MB|GB|TB)$/.exec(unit);
  if (!m) return undefined;
  const scale = { kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 }[m[2] as 'kB'];
  return Number(m[1] || '1') * scale;
}

const SIZE = /^(\d+)\s*(kB|MB|GB|TB)?$/;

/** A value as PostgreSQL reads it for that unit (`512MB`, `4GB`, a bare number in the unit), in units. */
export function valueInUnits(value: string, unit: string): Result<number, string> {
  const m = SIZE.exec(value.trim());
  if (!m) return fail(`\`${value}\` is not a ${unit ? 'size such as 512MB' : 'whole number'}`);
  const per = unitBytes(unit);
  if (per === undefined) {
    if (m[2] !== undefined) return fail(`\`${value}\`: this setting takes a plain number, not a size`);
    return ok(Number(m[1]));
  }
  if (m[2] === undefined) return ok(Number(m[1]));
  const bytes = Number(m[1]) * (unitBytes(m[2]) ?? 1);
  if (bytes % per !== 0) return fail(`\`${value}\` is not a multiple of the setting's unit (${unit})`);
  return ok(bytes / per);
}

/** `16384` of `8kB` → `128MB`: the largest unit that writes it whole, as PostgreSQL's SHOW does. */
export function formatUnits(units: number, unit: string): string {
  const per = unitBytes(unit);
  if (per === undefined) return String(units);
  const bytes = units * per;
  for (const [name, size] of [
    ['TB', 1024 ** 4],
    ['GB', 1024 ** 3],
    ['MB', 1024 ** 2],
    ['kB', 1024],
  ] as const)
    if (bytes % size === 0) return `${bytes / size}${name}`;
  return `${bytes}B`;
}

/**
 * The plan of a settings change, checked against what the server itself says (`pg_settings`: unit,
 * min, max, context), so that a value PostgreSQL would refuse never reaches `ALTER SYSTEM`, and a
 * name outside the knob set is refused with the nearest one.
 */
export function planPostgresSettings(
  rows: readonly PgSettingRow[],
  requested: Readonly<Record<string, string>>,
): Result<PgPlan, PerfError> {
  const problems: string[] = [];
  const changes: PgSettingChange[] = [];
  for (const [name, value] of Object.entries(requested)) {
    if (!(POSTGRES_SETTINGS as readonly string[]).includes(name)) {
      problems.push(
        `\`${name}\` is not one of ${POSTGRES_SETTINGS.join(', ')} (did you mean \`${closest(name, [...POSTGRES_SETTINGS])}\`?)`,
      );
      continue;
    }
    const row = rows.find((r) => r.name === name);
    if (!row) {
      problems.push(`the server has no setting \`${name}\``);
      continue;
    }
    const units = valueInUnits(value, row.unit);
    if (!units.ok) {
      problems.push(`${name}: ${units.error}`);
      continue;
    }
    const [min, max] = [Number(row.min), Number(row.max)];
    if (units.value < min || units.value > max) {
      problems.push(
        `${name} = ${value} is outside the range PostgreSQL allows (${formatUnits(min, row.unit)} … ${formatUnits(max, row.unit)})`,
      );
      continue;
    }
    if (units.value === Number(row.setting)) continue;
    changes.push({
      name: name as PostgresSetting,
      before: formatUnits(Number(row.setting), row.unit),
      after: formatUnits(units.value, row.unit),
      afterUnits: units.value,
      restart: row.context === 'postmaster',
    });
  }
  if (problems.length > 0) {
    return fail(
      new PerfError('usage', `refused PostgreSQL settings: ${problems.join('; ')}`, {
        userMessage: `Refused: ${problems.join('; ')}.`,
        context: { service: 'postgres', step: 'preflight' },
      }),
    );
  }
  return ok({ changes, restart: changes.some((c) => c.restart) });
}
