import { PerfError } from '../../errors.js';
import type { QueryError } from './schema.js';

/** Where a Trino failure happened: the probe's step (`count`, `prepare.table`, …) and the query id. */
export interface TrinoErrorContext {
  step: string;
  queryId?: string;
  /** The setting that says where the coordinator is, named in errors (`services.trino.url`). */
  setting?: string;
}

const settingOf = (ctx: TrinoErrorContext) => ctx.setting ?? 'services.trino.url';

/** What to do next, for the error names a perfbot run meets in practice. */
const HINTS: Readonly<Record<string, string>> = {
  TABLE_NOT_FOUND: 'perfbot creates its table while preparing; check services.trino.catalog and schema.',
  SCHEMA_NOT_FOUND:
    'check services.trino.schema, or let the probe create it (the catalog must allow CREATE SCHEMA).',
  CATALOG_NOT_FOUND: 'check services.trino.catalog: it must name a catalog configured on the coordinator.',
  EXCEEDED_LOCAL_MEMORY_LIMIT:
    'raise query.max-memory-per-node (and the heap, -Xmx) with `/perf tune trino`, or enable spilling.',
  EXCEEDED_GLOBAL_MEMORY_LIMIT: 'raise query.max-memory with `/perf tune trino`, or add workers.',
  EXCEEDED_TIME_LIMIT:
    'the server stopped the query (query.max-execution-time); the cluster may be overloaded.',
  PERMISSION_DENIED: 'give services.trino.user the right to create and read tables in that schema.',
  NO_NODES_AVAILABLE: 'no Trino worker is active: check the worker pods.',
};

/** Server-side failures that may pass on their own; a user error will not. */
const RETRYABLE_TYPES = new Set(['INTERNAL_ERROR', 'EXTERNAL', 'INSUFFICIENT_RESOURCES']);

/** A failed query (a response with `error`) as a `probe_failed` PerfError carrying Trino's own words. */
export function queryFailedError(error: QueryError, ctx: TrinoErrorContext): PerfError {
  const hint = HINTS[error.errorName];
  return new PerfError('probe_failed', `Trino query failed: ${error.errorName}: ${error.message}`, {
    userMessage:
      `Trino query \`${ctx.step}\` failed with ${error.errorName} (${error.errorType}): ${error.message}` +
      (hint === undefined ? '' : `. Next: ${hint}`),
    retryable: RETRYABLE_TYPES.has(error.errorType),
    context: {
      service: 'trino',
      step: ctx.step,
      queryId: ctx.queryId,
      errorName: error.errorName,
      errorType: error.errorType,
    },
  });
}

/** An HTTP answer that is not the protocol (401 without a user, 404 at a wrong URL, a proxy's 500). */
export function httpFailedError(
  status: number,
  body: string,
  url: string,
  ctx: TrinoErrorContext,
): PerfError {
  const text = body.trim().slice(0, 300);
  const hint =
    status === 401 || status === 403
      ? ' Check services.trino.user (sent as X-Trino-User) and the coordinator’s authentication.'
      : status === 404
        ? ` Check ${settingOf(ctx)}: it must point at the coordinator (port 8080 by default).`
        : '';
  return new PerfError('probe_failed', `Trino answered HTTP ${status} at ${url}: ${text}`, {
    userMessage: `Trino answered HTTP ${status} during \`${ctx.step}\`: ${text || '(empty body)'}.${hint}`,
    retryable: status >= 500,
    context: { service: 'trino', step: ctx.step, queryId: ctx.queryId, status },
  });
}

/** The coordinator could not be reached at all (DNS, refused connection, reset). */
export function unreachableError(url: string, cause: unknown, ctx: TrinoErrorContext): PerfError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  const host = hostOf(url);
  if (unresolvable(cause)) {
    // A name that does not resolve will not resolve on a retry: the setting is wrong for where perfbot runs.
    return new PerfError('config', `Trino host ${host} does not resolve: ${reason}`, {
      userMessage:
        `The Trino host \`${host}\` does not resolve from where perfbot runs (cluster DNS names resolve only ` +
        `inside the cluster). Fix ${settingOf(ctx)}, or leave services.trino.url unset to reach Trino through ` +
        "the Kubernetes API server's service proxy (services.trino.service).",
      cause,
      context: { service: 'trino', step: ctx.step },
    });
  }
  return new PerfError('probe_failed', `Trino did not answer at ${url}: ${reason}`, {
    userMessage: `Trino did not answer at ${url} (${reason}). Check ${settingOf(ctx)} and that the coordinator is running.`,
    retryable: true,
    cause,
    context: { service: 'trino', step: ctx.step, queryId: ctx.queryId },
  });
}

/** The response body was not the protocol's JSON (a proxy page, a truncated answer). */
export function badResponseError(url: string, detail: string, ctx: TrinoErrorContext): PerfError {
  return new PerfError('probe_failed', `Trino response at ${url} is not a QueryResults page: ${detail}`, {
    userMessage: `Trino answered \`${ctx.step}\` with something that is not its client protocol (${detail}). Is ${settingOf(ctx)} the coordinator?`,
    context: { service: 'trino', step: ctx.step, queryId: ctx.queryId },
  });
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** `fetch` failures carry the socket error as their cause: ENOTFOUND (no such name), EAI_AGAIN (no DNS answer). */
function unresolvable(cause: unknown): boolean {
  for (let e: unknown = cause, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ENOTFOUND') return true;
  }
  return false;
}
