import { type Clock, systemClock } from '../../clock.js';
import { queryFailedError, type TrinoErrorContext } from './errors.js';
import { cancelQuery, fetchPage, type PageRequest, StopRequest, stopError } from './http.js';
import type { Column, QueryResults, StatementStats } from './schema.js';

/**
 * A small client for Trino's REST protocol: `POST {baseUrl}/v1/statement` with the SQL as the body,
 * then `GET nextUri` until it is absent, collecting `data`. The final page's `stats` are the
 * server's own figures for the query (elapsed, CPU, queued time, peak memory, rows, bytes).
 *
 * @example const { rows, stats } = await runQuery('SELECT 1', { baseUrl, user: 'perfbot', fetch, timeoutMs: 30_000 })
 */
export interface RunQueryOptions {
  /** The coordinator, e.g. `http://trino.data-platform.svc.cluster.local:8080` (no trailing `/v1`). */
  baseUrl: string;
  user: string;
  catalog?: string;
  schema?: string;
  source?: string;
  fetch: typeof fetch;
  signal?: AbortSignal;
  /** The whole query, from POST to the last page; past it the query is cancelled on the server. */
  timeoutMs: number;
  clock?: Clock;
  /** Names the query in errors (`count`, `prepare.table`); default `query`. */
  step?: string;
  /** The setting that says where the coordinator is, for errors; default `services.trino.url`. */
  setting?: string;
}

export interface QueryOutcome {
  queryId: string;
  columns: Column[];
  rows: unknown[][];
  /** The last page's stats: the state is FINISHED. */
  stats: StatementStats;
  /** Set for DDL and DML (`CREATE TABLE`, `INSERT`). */
  updateType?: string;
}

/** The protocol's headers; optional ones are left out rather than sent empty. */
export function trinoHeaders(options: Pick<RunQueryOptions, 'user' | 'catalog' | 'schema' | 'source'>) {
  const headers: Record<string, string> = { 'X-Trino-User': options.user };
  if (options.catalog !== undefined) headers['X-Trino-Catalog'] = options.catalog;
  if (options.schema !== undefined) headers['X-Trino-Schema'] = options.schema;
  if (options.source !== undefined) headers['X-Trino-Source'] = options.source;
  return headers;
}

/** `{baseUrl}/v1/statement`, whatever slashes the configured URL ends with. */
export function statementUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/v1/statement`;
}

export async function runQuery(sql: string, options: RunQueryOptions): Promise<QueryOutcome> {
  const clock = options.clock ?? systemClock;
  const headers = trinoHeaders(options);
  const ctx: TrinoErrorContext = {
    step: options.step ?? 'query',
    ...(options.setting === undefined ? {} : { setting: options.setting }),
  };
  const base: Omit<PageRequest, 'method' | 'url'> = {
    headers,
    fetch: options.fetch,
    clock,
    deadline: clock.now() + options.timeoutMs,
    signal: options.signal,
    ctx,
  };
  const collected: QueryOutcome = { queryId: '', columns: [], rows: [], stats: emptyStats() };
  let uri: string | undefined;
  try {
    let page = await fetchPage({
      ...base,
      method: 'POST',
      url: statementUrl(options.baseUrl),
      body: sql,
      headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' },
    });
    for (;;) {
      collect(collected, page, ctx);
      uri = page.nextUri;
      if (uri === undefined) return collected;
      page = await fetchPage({ ...base, method: 'GET', url: uri });
    }
  } catch (error) {
    if (!(error instanceof StopRequest)) throw error;
    if (uri !== undefined) await cancelQuery(options.fetch, uri, headers);
    throw stopError(error, options.timeoutMs, ctx);
  }
}

function collect(into: QueryOutcome, page: QueryResults, ctx: TrinoErrorContext): void {
  into.queryId = page.id;
  ctx.queryId = page.id;
  if (page.error !== undefined) throw queryFailedError(page.error, ctx);
  if (page.columns !== undefined) into.columns = page.columns;
  if (page.data !== undefined) into.rows.push(...page.data);
  if (page.updateType !== undefined) into.updateType = page.updateType;
  into.stats = page.stats;
}

function emptyStats(): StatementStats {
  return {
    state: 'QUEUED',
    queued: true,
    scheduled: false,
    nodes: 0,
    totalSplits: 0,
    completedSplits: 0,
    cpuTimeMillis: 0,
    wallTimeMillis: 0,
    queuedTimeMillis: 0,
    elapsedTimeMillis: 0,
    processedRows: 0,
    processedBytes: 0,
    physicalInputBytes: 0,
    peakMemoryBytes: 0,
    spilledBytes: 0,
  };
}
