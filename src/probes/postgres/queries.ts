/**
 * The exact statements the PostgreSQL probe sends, in both modes. The simulated `psql` matches them
 * by equality, so a change here is a change of the sandbox's contract too.
 */

/** The runbook's memory and pool settings, read from `pg_settings`. */
export const RUNBOOK_SETTINGS = [
  'max_connections',
  'shared_buffers',
  'effective_cache_size',
  'work_mem',
  'maintenance_work_mem',
] as const;
export type RunbookSetting = (typeof RUNBOOK_SETTINGS)[number];

/** Columns: name, setting, unit ('' when none), context, current_setting (the human form, `128MB`). */
export const SETTINGS_SQL =
  "SELECT name, setting, coalesce(unit, ''), context, current_setting(name) FROM pg_catalog.pg_settings " +
  `WHERE name IN (${RUNBOOK_SETTINGS.map((s) => `'${s}'`).join(', ')}) ORDER BY name`;

/**
 * One row: this database's cumulative counters, the client backends of the whole server (what
 * `max_connections` limits), `max_connections` itself, and the server's own clock in epoch seconds,
 * so that TPS is divided by the server's interval, not the client's (exec and network latency
 * would otherwise stretch it).
 */
export const SNAPSHOT_SQL =
  'SELECT d.xact_commit, d.xact_rollback, d.blks_read, d.blks_hit, ' +
  "(SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE backend_type = 'client backend'), " +
  "current_setting('max_connections'), extract(epoch FROM clock_timestamp()) " +
  'FROM pg_catalog.pg_stat_database d WHERE d.datname = current_database()';

/**
 * The timed probe query: a primary-key lookup through `pg_class_oid_index` (oid 1259 is `pg_class`
 * itself). It has the shape of pgbench's `-S` query (one indexed row by key) and of most of Kong's
 * reads, yet needs no table of ours: the probe writes nothing into the tenant's database and works
 * with a read-only role.
 */
export const PROBE_SQL = 'SELECT relname, relpages FROM pg_catalog.pg_class WHERE oid = 1259';
