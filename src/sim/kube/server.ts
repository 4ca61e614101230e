import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { builtinTools } from '../tools/builtin.js';
import type { RouteMount, SandboxState, SimTool } from '../types.js';
import { cadvisorText } from './cadvisor.js';
import { discovery } from './discovery.js';
import { createExecUpgrade } from './exec.js';
import { apiFault, type Denial, handleFaults } from './fault-routes.js';
import { MemoryFaultSet } from './faults.js';
import { sendJson, sendStatus } from './http.js';
import { jvmTemplateCheck } from './jvm-check.js';
import { SANDBOX_TOKEN } from './kubeconfig.js';
import { handlePodLog } from './pod-log-route.js';
import { handleDelete, handleGet, handleMetrics, handlePatch, parseResourcePath } from './resource-routes.js';
import { failureStatus } from './resources.js';
import { type ScenarioName, seedScenario } from './scenario.js';
import { seedPlatform } from './seed.js';
import { SandboxStore, type TemplateCheck } from './state.js';

export { parseSelector } from './resource-routes.js';

export interface SandboxRoute {
  /** Requests whose path starts with this (e.g. `/trino`) go to `handle`, before any Kubernetes route. */
  prefix: string;
  /**
   * The Service this route stands for: the API server's service proxy
   * (`/api/v1/namespaces/<ns>/services/<name>:<port>/proxy/<path>`) reaches it too, as on a real cluster.
   */
  service?: { namespace: string; name: string; port: number };
  handle(
    req: IncomingMessage,
    res: ServerResponse,
    state: SandboxState,
    mount?: RouteMount,
  ): void | Promise<void>;
}

const NODE_PROXY = /^\/api\/v1\/nodes\/([^/]+)\/proxy(\/.*)?$/;
const SERVICE_PROXY = /^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/:]+)(?::(\d+))?\/proxy(\/.*)?$/;

export interface SandboxOptions {
  port?: number;
  host?: string;
  /** Seed of the simulated noise (metrics, df, tools). */
  seed?: number;
  /** Factor on every simulated duration; 0 answers at once (tests). */
  speed?: number;
  /** How long a rollout takes after a pod-template change; default 1500 ms × speed. */
  rolloutDelayMs?: number;
  /** What stands for a Deployment's 600-s progress deadline; default 20 × the rollout delay. */
  progressDeadlineMs?: number;
  /**
   * Whether a new template's containers start; default: the machine's real `java` on the JVM options
   * a container gets (`jvm-check.ts`); `null`: every container starts.
   */
  checkTemplate?: TemplateCheck | null;
  /** Extra simulated programs by basename, added to (and overriding) the built-in ones. */
  tools?: Record<string, SimTool>;
  routes?: SandboxRoute[];
  /** Total pods of the platform: the runbook's, then idle application pods spread over its namespaces. */
  pods?: number;
  /** Nodes: the runbook's four, then more of the same size. */
  nodes?: number;
  /** A named set of problems (`bottlenecks`: every one `/perf bottlenecks` looks for); unset: healthy. */
  scenario?: ScenarioName;
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

const MAX_RECORDED = 5000;

/** Starts the simulated platform on 127.0.0.1 (port 0 by default: a free port, read it from `url`). */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const speed = options.speed ?? 1;
  const faults = new MemoryFaultSet();
  const store = new SandboxStore({
    seed: options.seed ?? 42,
    rolloutDelayMs: options.rolloutDelayMs ?? 1500 * speed,
    ...(options.progressDeadlineMs === undefined ? {} : { progressDeadlineMs: options.progressDeadlineMs }),
    ...(options.checkTemplate === null ? {} : { checkTemplate: options.checkTemplate ?? jvmTemplateCheck }),
    faults,
  });
  seedPlatform(store, speed);
  seedScenario(store, {
    speed,
    ...(options.pods === undefined ? {} : { pods: options.pods }),
    ...(options.nodes === undefined ? {} : { nodes: options.nodes }),
    ...(options.scenario === undefined ? {} : { scenario: options.scenario }),
  });
  const requests: RecordedRequest[] = [];
  const execUpgrade = createExecUpgrade({ store, tools: { ...builtinTools, ...options.tools }, speed });
  const record = (method: string, url: URL) => {
    if (requests.length < MAX_RECORDED) requests.push({ method, path: url.pathname, query: url.search });
  };
  const routes = options.routes ?? [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    record(req.method ?? 'GET', url);
    handle(req, res, url, { store, routes }).catch((error: unknown) => {
      if (!res.headersSent) sendStatus(res, 500, 'InternalError', `sandbox error: ${String(error)}`);
      else res.destroy();
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    record('GET', url);
    const denied = authError(req) ?? apiFault(store.faults, url.pathname);
    if (denied) refuseUpgrade(socket, denied);
    else if (!execUpgrade(req, socket, head))
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
  });
  // A taken port rejects here (EADDRINUSE) instead of crashing the process with an unhandled event.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { url: urlOf(server), state: store, faults, requests, close: () => closeSandbox(server, store) };
}

function urlOf(server: Server): string {
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return `http://${host}:${port}`;
}

async function closeSandbox(server: Server, store: SandboxStore): Promise<void> {
  store.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** The API server's service proxy: the request goes on, body untouched, to the route that is that Service. */
function proxyToService(req: IncomingMessage, res: ServerResponse, m: RegExpExecArray, ctx: Ctx) {
  const [, namespace = '', name = '', port, rest] = m;
  const route = ctx.routes.find(
    (r) =>
      r.service?.namespace === namespace &&
      r.service.name === name &&
      (port === undefined || Number(port) === r.service.port),
  );
  if (!route?.service) return sendStatus(res, 404, 'NotFound', `services "${name}" not found`);
  const base = `http://${name}.${namespace}.svc.cluster.local:${route.service.port}`;
  return route.handle(req, res, ctx.store, { path: rest ?? '/', base });
}

/** The node proxy to a kubelet: only `/metrics/cadvisor` is simulated. */
function proxyToNode(req: IncomingMessage, res: ServerResponse, m: RegExpExecArray, store: SandboxStore) {
  const [, name = '', rest = '/'] = m;
  const node = decodeURIComponent(name);
  if (!store.get('Node', undefined, node))
    return sendStatus(res, 404, 'NotFound', `nodes "${node}" not found`);
  if (req.method !== 'GET' || rest !== '/metrics/cadvisor')
    return sendStatus(res, 404, 'NotFound', `the sandbox's kubelet serves only GET /metrics/cadvisor`);
  const text = cadvisorText(store, node);
  res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
  res.end(text);
}

function refuseUpgrade(socket: Duplex, denied: Denial): void {
  const body = JSON.stringify(failureStatus(denied));
  socket.end(
    `HTTP/1.1 ${denied.code} Error\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

interface Ctx {
  store: SandboxStore;
  routes: SandboxRoute[];
}

async function handle(req: IncomingMessage, res: ServerResponse, url: URL, ctx: Ctx): Promise<void> {
  const route = ctx.routes.find((r) => url.pathname.startsWith(r.prefix));
  if (route) return route.handle(req, res, ctx.store);
  if (url.pathname.startsWith('/sandbox/faults')) return handleFaults(req, res, url, ctx.store.faults);
  const denied = authError(req) ?? apiFault(ctx.store.faults, url.pathname);
  if (denied) return sendStatus(res, denied.code, denied.reason, denied.message);
  const nodeProxied = NODE_PROXY.exec(url.pathname);
  if (nodeProxied) return proxyToNode(req, res, nodeProxied, ctx.store);
  const proxied = SERVICE_PROXY.exec(url.pathname);
  if (proxied) return proxyToService(req, res, proxied, ctx);
  const doc = discovery(url.pathname);
  if (doc) return sendJson(res, 200, doc);
  if (url.pathname.startsWith('/apis/metrics.k8s.io/v1beta1/')) return handleMetrics(res, url, ctx.store);
  if (req.method === 'GET' && handlePodLog(res, url, ctx.store)) return;
  const target = parseResourcePath(url.pathname);
  if (!target) return sendStatus(res, 404, 'NotFound', 'the server could not find the requested resource');
  if (req.method === 'GET') return handleGet(res, url, target, ctx.store);
  if (req.method === 'PATCH') return handlePatch(req, res, url, target, ctx.store);
  if (req.method === 'DELETE') return handleDelete(res, target, ctx.store);
  sendStatus(res, 405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
}

/**
 * A wrong bearer token is refused, as an API server refuses an unknown token. No token at all is served as the
 * anonymous user: kubectl does not send a token to a plain-http server.
 */
function authError(req: IncomingMessage): Denial | undefined {
  const auth = req.headers.authorization;
  return auth === undefined || auth === `Bearer ${SANDBOX_TOKEN}`
    ? undefined
    : { code: 401, reason: 'Unauthorized', message: 'Unauthorized' };
}
