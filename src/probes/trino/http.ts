import { z } from 'zod';
import type { Clock } from '../../clock.js';
import { PerfError } from '../../errors.js';
import { badResponseError, httpFailedError, type TrinoErrorContext, unreachableError } from './errors.js';
import { type QueryResults, QueryResultsSchema } from './schema.js';

/** Everything one HTTP exchange with the coordinator needs. */
export interface PageRequest {
  method: 'POST' | 'GET';
  url: string;
  headers: Record<string, string>;
  body?: string;
  fetch: typeof fetch;
  clock: Clock;
  /** Wall-clock time (clock.now()) after which the query counts as timed out. */
  deadline: number;
  signal: AbortSignal | undefined;
  ctx: TrinoErrorContext;
}

/**
 * The client protocol says 502, 503 and 504 mean "ask again for the same URI" (a coordinator
 * restarting or a proxy in between). Bounded so that a coordinator that stays down fails the run.
 */
export const RETRY_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);
export const MAX_ATTEMPTS = 6;
/** Doubling from 100 ms: 100, 200, 400, 800, 1600 — about 3 s in all before giving up. */
export function backoffMs(attempt: number): number {
  return 100 * 2 ** attempt;
}

/** Thrown inside the loop when the deadline or the caller's signal stops a request. */
export class StopRequest extends Error {
  readonly reason: 'timeout' | 'cancelled';
  constructor(reason: 'timeout' | 'cancelled') {
    super(reason);
    this.reason = reason;
  }
}

/** One page of QueryResults: retries 502/503/504, and (for GET only) a dropped connection. */
export async function fetchPage(req: PageRequest): Promise<QueryResults> {
  for (let attempt = 0; ; attempt++) {
    stopIfDue(req);
    const answer = await send(req, attempt);
    if (answer === undefined || RETRY_STATUSES.has(answer.status)) {
      if (attempt + 1 >= MAX_ATTEMPTS) {
        throw answer === undefined
          ? unreachableError(req.url, 'the connection failed on every retry', req.ctx)
          : httpFailedError(
              answer.status,
              'the coordinator stayed unavailable through every retry',
              req.url,
              req.ctx,
            );
      }
      await req.clock.delay(backoffMs(attempt));
      continue;
    }
    if (answer.status !== 200) throw httpFailedError(answer.status, answer.text, req.url, req.ctx);
    return parsePage(answer.text, req.url, req.ctx);
  }
}

function stopIfDue(req: PageRequest): void {
  if (req.signal?.aborted === true) throw new StopRequest('cancelled');
  if (req.clock.now() >= req.deadline) throw new StopRequest('timeout');
}

/** The status and body; undefined for a retryable connection failure. */
async function send(
  req: PageRequest,
  attempt: number,
): Promise<{ status: number; text: string } | undefined> {
  // The clock decides the deadline between pages; this timer only stops a request that hangs.
  const remaining = Math.max(1, req.deadline - req.clock.now());
  const timer = AbortSignal.timeout(remaining);
  const signal = req.signal === undefined ? timer : AbortSignal.any([req.signal, timer]);
  try {
    const response = await req.fetch(req.url, {
      method: req.method,
      headers: req.headers,
      ...(req.body === undefined ? {} : { body: req.body }),
      signal,
    });
    // The body is read under the same signal: an abort can land while it streams in.
    return { status: response.status, text: await response.text() };
  } catch (error) {
    if (req.signal?.aborted === true) throw new StopRequest('cancelled');
    if (timer.aborted) throw new StopRequest('timeout');
    // A POST that failed mid-way may have started a query: do not start a second one.
    if (req.method === 'POST' || attempt + 1 >= MAX_ATTEMPTS) throw unreachableError(req.url, error, req.ctx);
    return undefined;
  }
}

/** Parses one page; zod's report names the missing or mistyped field. */
export function parsePage(text: string, url: string, ctx: TrinoErrorContext): QueryResults {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw badResponseError(url, `not JSON: ${text.slice(0, 80)}`, ctx);
  }
  const parsed = QueryResultsSchema.safeParse(json);
  if (!parsed.success) throw badResponseError(url, z.prettifyError(parsed.error), ctx);
  return parsed.data;
}

/** Asks the coordinator to stop a query; best effort, since the caller is already failing. */
export async function cancelQuery(
  fetchFn: typeof fetch,
  uri: string,
  headers: Record<string, string>,
): Promise<void> {
  try {
    const response = await fetchFn(uri, { method: 'DELETE', headers, signal: AbortSignal.timeout(5000) });
    await response.body?.cancel();
  } catch {
    // The query dies on the server anyway once the client stops polling (query.client.timeout).
  }
}

/** The PerfError for a stop, once the query has been cancelled on the server. */
export function stopError(stop: StopRequest, timeoutMs: number, ctx: TrinoErrorContext): PerfError {
  const context = { service: 'trino', step: ctx.step, queryId: ctx.queryId };
  if (stop.reason === 'cancelled') {
    return new PerfError('cancelled', `Trino query ${ctx.step} cancelled`, {
      userMessage: `Trino query \`${ctx.step}\` was cancelled; perfbot asked the coordinator to stop it.`,
      context,
    });
  }
  const seconds = Math.round(timeoutMs / 100) / 10;
  return new PerfError('timeout', `Trino query ${ctx.step} timed out after ${timeoutMs} ms`, {
    userMessage: `Trino query \`${ctx.step}\` did not finish within ${seconds} s (services.trino.timeoutSeconds); perfbot cancelled it.`,
    retryable: true,
    context,
  });
}
