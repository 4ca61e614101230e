import type { BaselineOptions } from '../../commands/options.js';
import type { PlatformConfig } from '../../config/platform.js';
import type { Prepared, Probe, ProbeDeps, RunOutput } from '../types.js';
import { type QueryOutcome, type RunQueryOptions, runQuery } from './client.js';
import { samplesFromStats, TRINO_METRICS } from './parse.js';
import { createSchemaSql, createTableSql, NODES_SQL, QUERY_STEPS, qualifiedTable, querySql } from './sql.js';

type TrinoConfig = PlatformConfig['services']['trino'];

/** What `runOnce` needs from `prepare`: the config the queries are built from. */
interface TrinoHandle {
  config: TrinoConfig;
}

/** Where the coordinator is: the configured URL, else its Service through the API server's proxy. */
export function trinoEndpoint(deps: Pick<ProbeDeps, 'kube' | 'fetch'>, config: TrinoConfig) {
  if (config.url !== undefined)
    return {
      baseUrl: config.url,
      fetch: deps.fetch,
      host: new URL(config.url).host,
      setting: 'services.trino.url',
    };
  const { name, port } = config.service;
  const host = `${name}.${config.namespace}.svc:${port}`;
  const fetch = deps.kube.serviceFetch({ namespace: config.namespace, name, port });
  return { baseUrl: `http://${host}`, fetch, host, setting: 'services.trino.service' };
}

function queryOptions(deps: ProbeDeps, config: TrinoConfig, step: string): RunQueryOptions {
  const endpoint = trinoEndpoint(deps, config);
  return {
    baseUrl: endpoint.baseUrl,
    setting: endpoint.setting,
    user: config.user,
    catalog: config.catalog,
    schema: config.schema,
    source: config.source,
    fetch: endpoint.fetch,
    signal: deps.signal,
    clock: deps.clock,
    timeoutMs: config.timeoutSeconds * 1000,
    step,
  };
}

function firstCell(outcome: QueryOutcome): unknown {
  return outcome.rows[0]?.[0];
}

/** Checks the coordinator answers, then makes sure the schema and the test table exist. */
async function prepare(deps: ProbeDeps): Promise<Prepared> {
  const config = deps.platform.services.trino;
  const { catalog, schema, tableRows } = config;
  const table = qualifiedTable(catalog, schema);
  deps.progress({
    step: 'prepare',
    message: `Checking Trino at ${trinoEndpoint(deps, config).host}`,
    pct: 0,
  });
  const nodes = await runQuery(NODES_SQL, queryOptions(deps, config, 'prepare.nodes'));
  await runQuery(createSchemaSql(catalog, schema), queryOptions(deps, config, 'prepare.schema'));
  deps.progress({ step: 'prepare', message: `Ensuring ${table} (${tableRows} rows)`, pct: 0 });
  const created = await runQuery(
    createTableSql(catalog, schema, tableRows),
    queryOptions(deps, config, 'prepare.table'),
  );
  const inserted = Number(firstCell(created) ?? 0);
  const actualRows = inserted > 0 ? inserted : await countRows(deps, config);
  if (actualRows !== tableRows) {
    // An older table of another size is kept (perfbot never drops data it did not just create).
    deps.log.warn({ table, actualRows, tableRows }, 'trino test table differs from services.trino.tableRows');
  }
  const nodeCount = Number(firstCell(nodes) ?? 0);
  const version = nodes.rows[0]?.[1];
  return {
    params: { host: trinoEndpoint(deps, config).host, catalog, schema, tableRows: actualRows },
    context: {
      namespace: config.namespace,
      ...(nodeCount > 0 ? { nodeCount } : {}),
      settings: { table, ...(typeof version === 'string' ? { trinoVersion: version } : {}) },
    },
    handle: { config } satisfies TrinoHandle,
  };
}

async function countRows(deps: ProbeDeps, config: TrinoConfig): Promise<number> {
  const counted = await runQuery(
    querySql('count', config.catalog, config.schema),
    queryOptions(deps, config, 'prepare.count'),
  );
  return Number(firstCell(counted) ?? 0);
}

/** The three queries one after another; samples and raw stats come from each final page. */
async function runOnce(deps: ProbeDeps, prepared: Prepared, index: number): Promise<RunOutput> {
  const { config } = prepared.handle as TrinoHandle;
  const samples: Record<string, number> = {};
  const raw: Record<string, unknown> = {};
  const queryIds: Record<string, string> = {};
  for (const step of QUERY_STEPS) {
    const outcome = await runQuery(
      querySql(step, config.catalog, config.schema),
      queryOptions(deps, config, step),
    );
    Object.assign(samples, samplesFromStats(step, outcome.stats));
    raw[step] = { queryId: outcome.queryId, stats: outcome.stats };
    queryIds[step] = outcome.queryId;
    deps.log.debug(
      { run: index, step, queryId: outcome.queryId, elapsedMs: outcome.stats.elapsedTimeMillis },
      'trino query finished',
    );
  }
  return { samples, raw: JSON.stringify(raw), details: { queryIds } };
}

/**
 * Trino baseline: count, group-by aggregate and self-join over a generated table, each measured by
 * the coordinator's own stats. A warm-up run is discarded: the first execution of each query
 * plans and compiles it, and later runs do not.
 */
export const trinoProbe: Probe = {
  service: 'trino',
  metrics: TRINO_METRICS,
  warmup: true,
  runs: (options: BaselineOptions, platform: PlatformConfig) => options.runs ?? platform.services.trino.runs,
  prepare,
  runOnce,
};
