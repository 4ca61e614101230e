import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PatchType } from '../kube/port.js';
import { builtinTools } from './builtin-tools.js';
import { createExecUpgrade } from './exec.js';
import { FaultRequestSchema, MemoryFaultSet, SandboxFault } from './faults.js';
import { SANDBOX_TOKEN } from './kubeconfig.js';
import { seedPlatform } from './seed.js';
import {
  discovery,
  failureStatus,
  nodeMetrics,
  podMetrics,
  type ResourceType,
  resourceFor,
  SandboxStore,
  type StoreError,
} from './state.js';
import type { FaultSpec, SandboxState, SimTool } from './types.js';

export interface SandboxRoute {
  /** Requests whose path starts with this (e.g. `/trino`) go to `handle`, before any Kubernetes route. */
  prefix: string;
  handle(req: IncomingMessage, res: ServerResponse, state: SandboxState): void | Promise<void>;
}

export interface SandboxOptions {
  port?: number;
  host?: string;
  /** Seed of the simulated noise (metrics, df, tools). */
  seed?: number;
  /** Factor on every simulated duration; 0 answers at once (tests). */
  speed?: number;
  /** How long a rollout takes after a pod-template change; default 1500 ms × speed. */
  rolloutDelayMs?: number;
  /** Extra simulated programs by basename, added to (and overriding) the built-in ones. */
  tools?: Record<string, SimTool>;
  routes?: SandboxRoute[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
}

export interface Sandbox {
  url: string;
  state: SandboxStore;
  faults: MemoryFaultSet;
  /** Every request served, in order (method, path, query; never headers or bodies). */
  requests: readonly RecordedRequest[];
  close(): Promise<void>;
}

const PATCH_TYPES: Record<string, PatchType> = {
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/json-patch+json': 'json',
};
const MAX_BODY = 5 * 1024 * 1024;
const MAX_RECORDED = 5000;

/** Starts the simulated platform on 127.0.0.1 (port 0 by default: a free port, read it from `url`). */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const speed = options.speed ?? 1;
  const faults = new MemoryFaultSet();
  const store = new SandboxStore({
    seed: options.seed ?? 42,
    rolloutDelayMs: options.rolloutDelayMs ?? 1500 * speed,
    faults,
  });
  seedPlatform(store);
  const requests: RecordedRequest[] = [];
  const execUpgrade = createExecUpgrade({ store, tools: { ...builtinTools, ...options.tools }, speed });
  const routes = options.routes ?? [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    if (requests.length < MAX_RECORDED)
      requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.search });
    handle(req, res, url, { store, routes }).catch((error: unknown) => {
      if (!res.headersSent) sendStatus(res, 500, 'InternalError', `sandbox error: ${String(error)}`);
      else res.destroy();
    });
  });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    if (requests.length < MAX_RECORDED)
      requests.push({ method: 'GET', path: url.pathname, query: url.search });
    const denied = authError(req) ?? apiFault(store, url.pathname);
    if (denied) {
      const body = JSON.stringify(failureStatus(denied));
      socket.end(
        `HTTP/1.1 ${denied.code} Error\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    } else if (!execUpgrade(req, socket, head))
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
  });
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    state: store,
    faults,
    requests,
    close: async () => {
      store.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface Ctx {
  store: SandboxStore;
  routes: SandboxRoute[];
}

async function handle(req: IncomingMessage, res: ServerResponse, url: URL, ctx: Ctx): Promise<void> {
  const route = ctx.routes.find((r) => url.pathname.startsWith(r.prefix));
  if (route) return route.handle(req, res, ctx.store);
  if (url.pathname.startsWith('/sandbox/faults')) return handleFaults(req, res, url, ctx.store.faults);
  const denied = authError(req) ?? apiFault(ctx.store, url.pathname);
  if (denied) return sendStatus(res, denied.code, denied.reason, denied.message);
  const doc = discovery(url.pathname);
  if (doc) return sendJson(res, 200, doc);
  if (url.pathname.startsWith('/apis/metrics.k8s.io/v1beta1/')) return handleMetrics(res, url, ctx.store);
  const target = parseResourcePath(url.pathname);
  if (!target) return sendStatus(res, 404, 'NotFound', 'the server could not find the requested resource');
  if (req.method === 'GET') return handleGet(res, url, target, ctx.store);
  if (req.method === 'PATCH') return handlePatch(req, res, url, target, ctx.store);
  sendStatus(res, 405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
}

/**
 * A wrong bearer token is refused, as an API server refuses an unknown token. No token at all is served as the
 * anonymous user: kubectl does not send a token to a plain-http server.
 */
function authError(req: IncomingMessage): { code: number; reason: string; message: string } | undefined {
  const auth = req.headers.authorization;
  return auth === undefined || auth === `Bearer ${SANDBOX_TOKEN}`
    ? undefined
    : { code: 401, reason: 'Unauthorized', message: 'Unauthorized' };
}

function apiFault(
  store: SandboxStore,
  path: string,
): { code: number; reason: string; message: string } | undefined {
  const fault = store.faults.peek(SandboxFault.apiError);
  if (!fault || (typeof fault.path === 'string' && !path.includes(fault.path))) return undefined;
  store.faults.take(SandboxFault.apiError);
  const code = typeof fault.status === 'number' ? fault.status : 503;
  return {
    code,
    reason: code === 503 ? 'ServiceUnavailable' : 'InternalError',
    message: 'the server is currently unable to handle the request',
  };
}

interface ResourceTarget {
  type: ResourceType;
  namespace: string | undefined;
  name: string | undefined;
}

/** `/api/v1[/namespaces/{ns}]/{plural}[/{name}]` and the same under `/apis/{group}/{version}`. */
function parseResourcePath(path: string): ResourceTarget | undefined {
  const m = /^\/(?:api\/v1|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?$/.exec(
    path,
  );
  if (!m) return undefined;
  const [, group = '', version = 'v1', namespace, plural = '', name] = m;
  const type = resourceFor(plural);
  if (!type || type.plural !== plural || type.group !== group || type.version !== version) return undefined;
  if (namespace !== undefined && !type.namespaced) return undefined;
  return { type, namespace: type.namespaced ? namespace : undefined, name: name && decodeURIComponent(name) };
}

function handleGet(res: ServerResponse, url: URL, target: ResourceTarget, store: SandboxStore) {
  const { type, namespace, name } = target;
  if (name !== undefined) {
    const obj = store.get(type.kind, namespace, name);
    if (obj) return sendJson(res, 200, obj);
    const resource = type.group ? `${type.plural}.${type.group}` : type.plural;
    return sendStatus(res, 404, 'NotFound', `${resource} "${name}" not found`, {
      name,
      group: type.group,
      kind: type.plural,
    });
  }
  const selector = parseSelector(url.searchParams.get('labelSelector') ?? '');
  if (!selector)
    return sendStatus(
      res,
      400,
      'BadRequest',
      `unable to parse requirement: ${url.searchParams.get('labelSelector')}`,
    );
  const items = store
    .list(type.kind, namespace)
    .filter((o) => selector((o.metadata.labels ?? {}) as Record<string, string>));
  const apiVersion = type.group ? `${type.group}/${type.version}` : type.version;
  sendJson(res, 200, {
    kind: `${type.kind}List`,
    apiVersion,
    metadata: { resourceVersion: store.version },
    items,
  });
}

/** Equality-based selectors: `k=v`, `k==v`, `k!=v`, `k` (exists) and `!k`, comma-separated. */
export function parseSelector(text: string): ((labels: Record<string, string>) => boolean) | undefined {
  const tests: ((labels: Record<string, string>) => boolean)[] = [];
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^(!?)([A-Za-z0-9./_-]+)(?:(==|=|!=)([A-Za-z0-9._-]*))?$/.exec(part);
    if (!m) return undefined;
    const [, not, key = '', op, value = ''] = m;
    if (op === undefined) tests.push((l) => key in l !== (not === '!'));
    else if (not) return undefined;
    else if (op === '!=') tests.push((l) => l[key] !== value);
    else tests.push((l) => l[key] === value);
  }
  return (labels) => tests.every((t) => t(labels));
}

async function handlePatch(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  target: ResourceTarget,
  store: SandboxStore,
): Promise<void> {
  const contentType =
    String(req.headers['content-type'] ?? '')
      .split(';')[0]
      ?.trim() ?? '';
  const type = PATCH_TYPES[contentType];
  if (!type) {
    return sendStatus(
      res,
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${Object.keys(PATCH_TYPES).join(', ')}`,
    );
  }
  const dryRun = url.searchParams.getAll('dryRun');
  if (dryRun.some((d) => d !== 'All'))
    return sendStatus(
      res,
      400,
      'BadRequest',
      `dryRun: Unsupported value: "${dryRun.join(',')}": supported values: "All"`,
    );
  if (target.name === undefined)
    return sendStatus(
      res,
      405,
      'MethodNotAllowed',
      'the server does not allow this method on the requested resource',
    );
  let body: unknown;
  try {
    body = JSON.parse(await readBody(req));
  } catch (error) {
    return sendStatus(
      res,
      400,
      'BadRequest',
      `error decoding patch: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const result = store.patch(target.type.kind, target.namespace, target.name, body, {
    type,
    dryRun: dryRun.length > 0,
  });
  if (result.ok) return sendJson(res, 200, result.value);
  sendStatus(res, result.error.code, result.error.reason, result.error.message, result.error.details);
}

function handleMetrics(res: ServerResponse, url: URL, store: SandboxStore) {
  if (store.faults.take(SandboxFault.metricsUnavailable)) {
    const what = url.pathname.endsWith('/nodes') ? 'nodes' : 'pods';
    return sendStatus(
      res,
      503,
      'ServiceUnavailable',
      `the server is currently unable to handle the request (get ${what}.metrics.k8s.io)`,
    );
  }
  const m = /^\/apis\/metrics\.k8s\.io\/v1beta1\/(?:namespaces\/([^/]+)\/)?(nodes|pods)$/.exec(url.pathname);
  if (!m) return sendStatus(res, 404, 'NotFound', 'the server could not find the requested resource');
  const items = m[2] === 'nodes' ? nodeMetrics(store) : podMetrics(store, m[1]);
  sendJson(res, 200, {
    kind: m[2] === 'nodes' ? 'NodeMetricsList' : 'PodMetricsList',
    apiVersion: 'metrics.k8s.io/v1beta1',
    metadata: {},
    items,
  });
}

async function handleFaults(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  faults: MemoryFaultSet,
): Promise<void> {
  const name = decodeURIComponent(url.pathname.slice('/sandbox/faults'.length).replace(/^\//, ''));
  if (req.method === 'GET') return sendJson(res, 200, faults.entries());
  if (req.method === 'DELETE') {
    faults.clear(name || undefined);
    return sendJson(res, 200, faults.entries());
  }
  if (req.method !== 'POST' || name)
    return sendStatus(
      res,
      405,
      'MethodNotAllowed',
      'use POST /sandbox/faults or DELETE /sandbox/faults[/name]',
    );
  let parsed: ReturnType<typeof FaultRequestSchema.safeParse>;
  try {
    parsed = FaultRequestSchema.safeParse(JSON.parse(await readBody(req)));
  } catch {
    return sendStatus(res, 400, 'BadRequest', 'the body must be JSON: {"name": "...", "spec": {...}}');
  }
  if (!parsed.success) return sendStatus(res, 400, 'BadRequest', parsed.error.message);
  faults.set(parsed.data.name, (parsed.data.spec ?? {}) as FaultSpec);
  sendJson(res, 201, faults.entries());
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendStatus(
  res: ServerResponse,
  code: number,
  reason: string,
  message: string,
  details?: StoreError['details'],
): void {
  sendJson(res, code, failureStatus({ code, reason, message, ...(details ? { details } : {}) }));
}
