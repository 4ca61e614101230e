import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bearerToken, type Params, parseParams, readBody, sendJson, uploadedBytes } from './http.js';
import { APP_TOKEN_METHODS, METHODS, type MethodContext } from './methods.js';
import { createFakeSocketMode, type FakeSocketMode } from './socket.js';
import { FakeSlackState, type SlackCall, type SlackMessage, type ThreadView } from './state.js';

export type { EnvelopeType, FakeSocketMode, SocketAck } from './socket.js';
export type {
  SlackCall,
  SlackEphemeral,
  SlackFile,
  SlackMessage,
  SlackResponse,
  ThreadView,
} from './state.js';

/**
 * A local stand-in for Slack's Web API, upload host, response URLs and Socket Mode, on 127.0.0.1.
 * It answers the methods perfbot calls as Slack does and records everything, so that tests (and the
 * local demo) can read the threads perfbot wrote. Point a WebClient at `apiUrl` (SLACK_API_URL).
 *
 * @example const slack = await startFakeSlack(); const url = slack.apiUrl; … await slack.close()
 */
export interface FakeSlack {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Base URL of the Web API, ending with `/`. */
  apiUrl: string;
  port: number;
  botToken: string;
  appToken: string;
  identity: MethodContext['identity'];
  state: FakeSlackState;
  calls: readonly SlackCall[];
  callsTo(method: string): SlackCall[];
  messagesIn(channel: string): SlackMessage[];
  message(channel: string, ts: string): SlackMessage | undefined;
  thread(channel: string, ts: string): ThreadView;
  /** A response_url on this server; what is posted to it lands in `state.responses` under `id`. */
  responseUrl(id?: string): string;
  setUserGroup(groupId: string, userIds: string[]): void;
  /** The bot is not a member of this channel from now on (posts answer not_in_channel). */
  leaveChannel(channel: string): void;
  /** The next `times` calls of `method` answer HTTP 429 with `Retry-After: retryAfterSec`. */
  rateLimit(method: string, options: { retryAfterSec: number; times?: number }): void;
  /** The next `times` calls of `method` answer `{ ok: false, error }`. */
  failNext(method: string, error: string, times?: number): void;
  socket: FakeSocketMode;
  waitFor<T>(predicate: (slack: FakeSlack) => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

export interface FakeSlackOptions {
  port?: number;
  botToken?: string;
  appToken?: string;
  /**
   * Each Web API call and upload answers after a delay drawn uniformly from `[min, max]` ms, as
   * Slack's do over the Internet (50–150 ms is typical); absent: at once.
   */
  latencyMs?: { min: number; max: number };
  /** Draws the latency (tests: a fixed value); `Math.random` by default. */
  random?: () => number;
}

/** Slack lets a response_url be used 5 times (within 30 minutes). */
const RESPONSE_URL_USES = 5;

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const state = new FakeSlackState();
  const botToken = options.botToken ?? 'xoxb-fake-bot-token';
  const appToken = options.appToken ?? 'xapp-fake-app-token';
  const identity = { teamId: 'T0FAKE', botUserId: 'U0PERFBOT', botId: 'B0PERFBOT', appId: 'A0PERFBOT' };
  const limits = new Map<string, { retryAfterSec: number; times: number }>();
  const failures = new Map<string, string[]>();
  const socket = createFakeSocketMode(state, identity.appId);
  const ctx: MethodContext = { state, origin: '', identity };
  const random = options.random ?? Math.random;
  const latency = async () => {
    const range = options.latencyMs;
    if (!range || range.max <= 0) return;
    const ms = range.min + (range.max - range.min) * random();
    await new Promise((resolve) => setTimeout(resolve, ms));
  };

  const webApi = async (
    method: string,
    req: IncomingMessage,
    res: ServerResponse,
    raw: Buffer,
    query: URLSearchParams,
  ) => {
    const receivedAt = Date.now();
    const params = await parseParams(req.headers['content-type'] ?? '', raw, query);
    await latency();
    const { status, response, headers } = answer(method, params, bearerToken(req, params));
    state.calls.push({
      method,
      params: redact(params),
      status,
      response,
      receivedAt,
      answeredAt: Date.now(),
    });
    sendJson(res, status, response, headers);
    state.changed();
  };

  const answer = (method: string, params: Params, token: string | undefined) => {
    const limit = limits.get(method);
    if (limit && limit.times > 0) {
      limit.times -= 1;
      const headers = { 'retry-after': String(limit.retryAfterSec) };
      return { status: 429, response: { ok: false, error: 'ratelimited' }, headers };
    }
    const expected = APP_TOKEN_METHODS.has(method) ? appToken : botToken;
    if (token === undefined) return ok200({ ok: false, error: 'not_authed' });
    if (token !== expected) return ok200({ ok: false, error: 'invalid_auth' });
    const injected = failures.get(method)?.shift();
    if (injected !== undefined) return ok200({ ok: false, error: injected });
    const handler = METHODS[method];
    return ok200(handler ? handler(params, ctx) : { ok: false, error: 'unknown_method' });
  };

  const upload = async (fileId: string, req: IncomingMessage, res: ServerResponse, raw: Buffer) => {
    const receivedAt = Date.now();
    await latency();
    const file = state.files.find((f) => f.id === fileId);
    const status = file === undefined ? 404 : 200;
    if (file) file.bytes = await uploadedBytes(req.headers['content-type'] ?? '', raw);
    const params = { fileId, bytes: raw.length };
    state.calls.push({ method: 'upload', params, status, response: {}, receivedAt, answeredAt: Date.now() });
    res
      .writeHead(status, { 'content-type': 'text/plain' })
      .end(file ? `OK - ${file.bytes?.length}` : 'not found');
    state.changed();
  };

  const respond = (id: string, raw: Buffer, res: ServerResponse) => {
    if (state.responses.filter((r) => r.id === id).length >= RESPONSE_URL_USES) {
      return sendJson(res, 404, { ok: false, error: 'used_url' });
    }
    state.responses.push({ id, body: JSON.parse(raw.toString('utf8') || '{}') as Params });
    sendJson(res, 200, { ok: true });
    state.changed();
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const [, area, name = ''] = url.pathname.split('/');
    readBody(req)
      .then(async (raw) => {
        if (area === 'api') return webApi(name, req, res, raw, url.searchParams);
        if (area === 'upload' && req.method === 'POST') return upload(name, req, res, raw);
        if (area === 'response' && req.method === 'POST') return respond(name, raw, res);
        sendJson(res, 404, { ok: false, error: 'not_found' });
      })
      .catch((error: unknown) => sendJson(res, 500, { ok: false, error: String(error) }));
  });
  server.on('upgrade', (req, sock, head) => {
    if (new URL(req.url ?? '/', 'http://127.0.0.1').pathname === '/socket') socket.upgrade(req, sock, head);
    else sock.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  ctx.origin = origin;

  const fake: FakeSlack = {
    url: origin,
    apiUrl: `${origin}/api/`,
    port,
    botToken,
    appToken,
    identity,
    state,
    calls: state.calls,
    callsTo: (method) => state.calls.filter((c) => c.method === method),
    messagesIn: (channel) => state.messagesIn(channel),
    message: (channel, ts) => state.message(channel, ts),
    thread: (channel, ts) => state.thread(channel, ts),
    responseUrl: (id = state.nextTs().replace('.', '')) => `${origin}/response/${id}`,
    setUserGroup: (groupId, userIds) => state.userGroups.set(groupId, [...userIds]),
    leaveChannel: (channel) => state.outsideChannels.add(channel),
    rateLimit: (method, { retryAfterSec, times = 1 }) => limits.set(method, { retryAfterSec, times }),
    failNext: (method, error, times = 1) =>
      failures.set(method, [...(failures.get(method) ?? []), ...Array(times).fill(error)]),
    socket: socket.api,
    waitFor: (predicate, timeoutMs = 5000) => state.waitFor(() => predicate(fake), timeoutMs),
    close: () =>
      new Promise<void>((resolve) => {
        socket.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return fake;
}

const ok200 = (response: Params) => ({ status: 200, response, headers: {} as Record<string, string> });

/** Calls are kept for assertions; tokens are not worth keeping. */
function redact(params: Params): Params {
  const { token: _token, ...rest } = params;
  return rest;
}
