/**
 * The statements `/perf bottlenecks` runs (issue #17), each one `psql -c` or one Trino query. The
 * simulated psql and Trino answer these exact strings, as they answer the probes' own.
 */

/** Client backends, max_connections, cache hit ratio and rollback ratio over every database. */
export const PG_STATS_SQL =
  "SELECT (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'), " +
  "current_setting('max_connections')::int, " +
  '(SELECT sum(blks_hit)::float8 / NULLIF(sum(blks_hit) + sum(blks_read), 0) FROM pg_stat_database), ' +
  '(SELECT sum(xact_rollback)::float8 / NULLIF(sum(xact_commit) + sum(xact_rollback), 0) FROM pg_stat_database)';

/**
 * Sessions that are not idle: pid, state, seconds since their transaction (else query) started, and
 * the start of the query, on one line.
 */
export const PG_SESSIONS_SQL =
  'SELECT pid, state, COALESCE(EXTRACT(EPOCH FROM now() - COALESCE(xact_start, query_start))::bigint, 0), ' +
  "regexp_replace(left(query, 200), '\\s+', ' ', 'g') FROM pg_stat_activity " +
  "WHERE backend_type = 'client backend' AND state <> 'idle' AND pid <> pg_backend_pid()";

/** Trino's recent and running queries, with how long each has run (or ran). */
export const TRINO_QUERIES_SQL =
  'SELECT query_id, state, date_diff(\'millisecond\', created, coalesce("end", current_timestamp)), ' +
  'substr(query, 1, 200) FROM system.runtime.queries';
