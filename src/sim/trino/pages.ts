import type { SimQueryError } from './errors.js';
import type { FinalFigures } from './model.js';

/**
 * The simulated coordinator's QueryResults pages. A query that runs answers four pages, like
 * Trino's: QUEUED (the POST), RUNNING (queued/…/1), the data (executing/…/2), FINISHED
 * (executing/…/3, no `nextUri`). A failed one answers QUEUED, then FAILED with `error`.
 * Pages are a function of the query and the token, so a client retrying a URI gets the same page.
 */

export interface SimColumn {
  name: string;
  type: string;
}

export type SimOutcome =
  | {
      ok: true;
      columns: SimColumn[];
      data: unknown[][];
      figures: FinalFigures;
      updateType?: string;
      updateCount?: number;
    }
  | { ok: false; error: SimQueryError; figures: FinalFigures };

export interface SimQuery {
  id: string;
  slug: string;
  outcome: SimOutcome;
  cancelled: boolean;
  /** Real wait before each GET page (the `trino.slow` fault's `delayMs`). */
  delayMs: number;
  /** When it was submitted (real ms) and how long it takes in real time (its elapsed × the speed). */
  submittedAt: number;
  takesMs: number;
}

/** Where the route is reachable: `http://<Host header><prefix>`. */
export type BaseUrl = string;

export function queuedUri(base: BaseUrl, q: SimQuery, token: number): string {
  return `${base}/v1/statement/queued/${q.id}/${q.slug}/${token}`;
}

export function executingUri(base: BaseUrl, q: SimQuery, token: number): string {
  return `${base}/v1/statement/executing/${q.id}/${q.slug}/${token}`;
}

/** Client-protocol columns carry a parsed `typeSignature` beside the type's text. */
function columnJson(c: SimColumn) {
  const rawType = c.type.replace(/\(.*$/, '');
  const args = rawType === 'varchar' ? [{ kind: 'LONG', value: 2_147_483_647 }] : [];
  return { name: c.name, type: c.type, typeSignature: { rawType, arguments: args } };
}

/** StatementStats at `done` (0..1) of the way through the query. */
export function statsAt(state: string, f: FinalFigures, done: number) {
  const queued = state === 'QUEUED';
  const run = queued ? 0 : done;
  const completedSplits = Math.round(f.totalSplits * run);
  return {
    state,
    queued,
    scheduled: !queued,
    nodes: queued ? 0 : f.nodes,
    totalSplits: queued ? 0 : f.totalSplits,
    queuedSplits: 0,
    runningSplits: queued ? 0 : f.totalSplits - completedSplits,
    completedSplits,
    cpuTimeMillis: Math.round(f.cpuMs * run),
    wallTimeMillis: Math.round(f.wallMs * run),
    queuedTimeMillis: f.queuedMs,
    elapsedTimeMillis: queued ? f.queuedMs : Math.round(f.queuedMs + (f.elapsedMs - f.queuedMs) * run),
    processedRows: Math.round(f.processedRows * run),
    processedBytes: Math.round(f.processedBytes * run),
    // The memory connector reads from the heap: no physical input.
    physicalInputBytes: 0,
    physicalWrittenBytes: 0,
    peakMemoryBytes: Math.round(f.peakMemoryBytes * run),
    spilledBytes: Math.round(f.spilledBytes * run),
    ...(queued ? {} : { progressPercentage: Math.round(run * 1000) / 10 }),
  };
}

function head(base: BaseUrl, q: SimQuery) {
  return { id: q.id, infoUri: `${base}/ui/query.html?${q.id}` };
}

export function queuedPage(base: BaseUrl, q: SimQuery) {
  return {
    ...head(base, q),
    nextUri: queuedUri(base, q, 1),
    stats: statsAt('QUEUED', q.outcome.figures, 0),
    warnings: [],
  };
}

export function failedPage(base: BaseUrl, q: SimQuery, error: SimQueryError) {
  return { ...head(base, q), stats: statsAt('FAILED', q.outcome.figures, 0.2), error, warnings: [] };
}

/** The page for `token` (1, 2 or 3) of a query that was not cancelled. */
export function pageFor(base: BaseUrl, q: SimQuery, token: number) {
  const { outcome } = q;
  if (!outcome.ok) return failedPage(base, q, outcome.error);
  const columns = outcome.columns.map(columnJson);
  const update = {
    ...(outcome.updateType === undefined ? {} : { updateType: outcome.updateType }),
    ...(outcome.updateCount === undefined ? {} : { updateCount: outcome.updateCount }),
  };
  if (token <= 1) {
    return {
      ...head(base, q),
      nextUri: executingUri(base, q, 2),
      stats: statsAt('RUNNING', outcome.figures, 0.4),
      warnings: [],
    };
  }
  if (token === 2) {
    return {
      ...head(base, q),
      nextUri: executingUri(base, q, 3),
      columns,
      data: outcome.data,
      stats: statsAt('RUNNING', outcome.figures, 0.95),
      warnings: [],
      ...update,
    };
  }
  return {
    ...head(base, q),
    columns,
    stats: statsAt('FINISHED', outcome.figures, 1),
    warnings: [],
    ...update,
  };
}
