import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultSpec, RouteMount, SandboxState } from '../types.js';
import { DEFAULT_FAULT_MESSAGES, simError } from './errors.js';
import { createCatalogs, type ExecContext, executeStatement, SIM_VERSION, ZERO } from './exec.js';
import { readTrinoKnobs } from './knobs.js';
import { failedPage, pageFor, queuedPage, type SimOutcome, type SimQuery } from './pages.js';
import { classifyStatement } from './sql.js';

/**
 * A simulated Trino coordinator speaking the client REST protocol, mounted by the sandbox HTTP
 * server under `prefix` (point `services.trino.url` at `<sandboxUrl>/trino`). Its figures respond
 * to the `trino` ConfigMap and the `trino-worker` Deployment in `data-platform` (see model.ts).
 *
 * Faults: `trino.unavailable` (HTTP 503 while set; give it `times`), `trino.error` (the next query
 * — or the next whose SQL contains `match` — fails with `errorName`, `message`, `errorType` from the
 * spec; GENERIC_INTERNAL_ERROR by default),
 * `trino.slow` (the next query's elapsed × `factor`, default 5, and `delayMs` of real wait per page).
 *
 * @example const trino = createTrinoRoute(); server mounts { prefix: trino.prefix, handle: trino.handle }
 */
export interface TrinoRoute {
  prefix: string;
  service: { namespace: string; name: string; port: number };
  handle(req: IncomingMessage, res: ServerResponse, state: SandboxState, mount?: RouteMount): Promise<void>;
  /** Every request, in order (method and path without the prefix): tests check retries and cancels. */
  readonly calls: { method: string; path: string }[];
}

const UNAUTHENTICATED = 'Basic authentication or X-Trino-Original-User or X-Trino-User must be sent';
const PAGE_PATH = /^\/v1\/statement\/(queued|executing)\/([^/]+)\/([^/]+)\/(\d+)$/;
const MAX_BODY = 1_000_000;
/** A slow page never holds a test or the demo long. */
const MAX_DELAY_MS = 5000;

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const type = typeof body === 'string' ? 'text/plain;charset=utf-8' : 'application/json';
  res.writeHead(status, { 'Content-Type': type, ...headers });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY) chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s === '' ? undefined : s;
}

/** Trino's query ids: `20240627_094458_00012_x7k3p` (start time, counter, coordinator id). */
function queryId(counter: number, random: () => number): string {
  const iso = new Date().toISOString();
  const stamp = `${iso.slice(0, 10).replaceAll('-', '')}_${iso.slice(11, 19).replaceAll(':', '')}`;
  const suffix = Array.from({ length: 5 }, () => String.fromCharCode(97 + Math.floor(random() * 26))).join(
    '',
  );
  return `${stamp}_${String(counter).padStart(5, '0')}_${suffix}`;
}

function slug(random: () => number): string {
  return `y${Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('')}`;
}

/**
 * Takes a fault for this statement. A spec with `match` (e.g. `JOIN`) hits only statements whose
 * SQL contains it, when the fault set can read a spec without consuming it (`peek`).
 */
function takeFor(state: SandboxState, name: string, sql: string): FaultSpec | undefined {
  const faults = state.faults as SandboxState['faults'] & { peek?(name: string): FaultSpec | undefined };
  const spec = typeof faults.peek === 'function' ? faults.peek(name) : undefined;
  if (typeof spec?.match === 'string' && !sql.toLowerCase().includes(spec.match.toLowerCase()))
    return undefined;
  return faults.take(name);
}

/** Waits until the query has run as far as the page `token` shows, in real time at the route's speed. */
async function untilProgress(q: SimQuery, token: number): Promise<void> {
  const due = q.submittedAt + q.takesMs * (PAGE_PROGRESS[Math.min(token, PAGE_PROGRESS.length - 1)] ?? 1);
  const wait = Math.min(MAX_SCALED_WAIT_MS, due - Date.now());
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

function faultError(spec: FaultSpec) {
  const name = typeof spec.errorName === 'string' ? spec.errorName : 'GENERIC_INTERNAL_ERROR';
  const message =
    typeof spec.message === 'string' ? spec.message : (DEFAULT_FAULT_MESSAGES[name] ?? `Simulated ${name}`);
  return simError(name, message, typeof spec.errorType === 'string' ? spec.errorType : undefined);
}

/** The coordinator's Service in the runbook's platform (perfbot.yaml's default `services.trino.service`). */
const TRINO_SERVICE = { namespace: 'data-platform', name: 'trino', port: 8080 };

/** How far through its run a query is when each page is served (`pages.ts`: 40%, 95%, finished). */
const PAGE_PROGRESS = [0, 0.4, 0.95, 1];
/** A scaled wait never holds a test or the demo longer than this per page. */
const MAX_SCALED_WAIT_MS = 60_000;

/**
 * `speed`: the factor on a query's reported elapsed time that it takes in real time (1: as long as it
 * says; 0: at once), as the sandbox's exec does for the tools. The last page waits for it.
 */
export function createTrinoRoute(options: { prefix?: string; speed?: number } = {}): TrinoRoute {
  const prefix = options.prefix ?? '/trino';
  const speed = options.speed ?? 0;
  const catalogs = createCatalogs();
  const queries = new Map<string, SimQuery>();
  const calls: { method: string; path: string }[] = [];
  let counter = 0;

  async function submit(req: IncomingMessage, res: ServerResponse, state: SandboxState, base: string) {
    const sql = await readBody(req);
    const user = header(req, 'X-Trino-User');
    if (user === undefined)
      return send(res, 401, UNAUTHENTICATED, { 'WWW-Authenticate': 'Basic realm="Trino"' });
    const random = () => state.random();
    const failure = takeFor(state, 'trino.error', sql);
    const slow = state.faults.take('trino.slow');
    const ctx: ExecContext = {
      catalogs,
      knobs: readTrinoKnobs(state),
      random,
      slowFactor: typeof slow?.factor === 'number' ? slow.factor : slow === undefined ? 1 : 5,
    };
    const session = { catalog: header(req, 'X-Trino-Catalog'), schema: header(req, 'X-Trino-Schema') };
    // An injected failure stops the statement before it runs, so a failed CREATE creates nothing.
    const outcome: SimOutcome =
      failure === undefined
        ? executeStatement(ctx, classifyStatement(sql, session))
        : { ok: false, error: faultError(failure), figures: ZERO };
    const q: SimQuery = {
      id: queryId(counter++, random),
      slug: slug(random),
      outcome,
      cancelled: false,
      delayMs: Math.min(MAX_DELAY_MS, slow?.delayMs ?? 0),
      submittedAt: Date.now(),
      takesMs: outcome.figures.elapsedMs * speed,
    };
    queries.set(q.id, q);
    return send(res, 200, queuedPage(base, q));
  }

  async function page(req: IncomingMessage, res: ServerResponse, path: string, base: string) {
    const m = PAGE_PATH.exec(path);
    const q = m === null ? undefined : queries.get(m[2] ?? '');
    if (m === null || q === undefined || q.slug !== m[3]) return send(res, 404, 'Query not found');
    if (req.method === 'DELETE') {
      q.cancelled = true;
      res.writeHead(204).end();
      return;
    }
    if (q.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, q.delayMs));
    await untilProgress(q, m[1] === 'queued' ? 0 : Number(m[4]));
    if (q.cancelled)
      return send(res, 200, failedPage(base, q, simError('USER_CANCELED', 'Query was canceled')));
    const token = Number(m[4]);
    return send(res, 200, m[1] === 'queued' && token === 0 ? queuedPage(base, q) : pageFor(base, q, token));
  }

  async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    state: SandboxState,
    mount?: RouteMount,
  ): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const direct = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) || '/' : url.pathname;
    const path = mount?.path ?? direct;
    const method = req.method ?? 'GET';
    calls.push({ method, path });
    // Like a real coordinator, its links name the address it was called by (in-cluster, behind the proxy).
    const base = mount?.base ?? `http://${req.headers.host ?? 'localhost'}${prefix}`;
    if (method !== 'DELETE' && state.faults.take('trino.unavailable') !== undefined) {
      return send(res, 503, 'Service Unavailable');
    }
    if (method === 'POST' && path === '/v1/statement') return submit(req, res, state, base);
    if ((method === 'GET' || method === 'DELETE') && path.startsWith('/v1/statement/'))
      return page(req, res, path, base);
    if (method === 'GET' && path === '/v1/info') {
      return send(res, 200, {
        nodeVersion: { version: SIM_VERSION },
        environment: 'sandbox',
        coordinator: true,
        starting: false,
        uptime: '1.00h',
      });
    }
    return send(res, 404, 'Error 404 Not Found: HTTP 404 Not Found');
  }

  return { prefix, service: TRINO_SERVICE, handle, calls };
}
