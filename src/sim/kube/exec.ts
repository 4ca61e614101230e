import { type IncomingMessage, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { type ExecDeps, type ExecTarget, runSession } from './exec-session.js';
import { failureStatus } from './resources.js';
import type { SandboxStore } from './state.js';

export { type ExecDeps, exitStatus } from './exec-session.js';

/**
 * `pods/exec` over WebSocket, as the API server proxies it from the kubelet and the container runtime.
 * Frames are binary, the first byte the channel: 0 stdin, 1 stdout, 2 stderr, 3 status, 4 resize; in
 * v5.channel.k8s.io the client closes stdin with the frame [255, 0]. With v4 and v5 the status channel carries
 * a JSON `Status`; with channel.k8s.io (v1) it carries only the error text, and nothing on success.
 */
const PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'channel.k8s.io'] as const;
const EXEC_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/;

/** Handles an HTTP upgrade; returns false when the path is not an exec path (the caller answers it). */
export function createExecUpgrade(
  deps: ExecDeps,
): (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean {
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => PROTOCOLS.find((p) => offered.has(p)) ?? false,
  });
  return (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const match = EXEC_PATH.exec(url.pathname);
    if (!match) return false;
    const target = resolveTarget(
      deps.store,
      decodeURIComponent(match[1] ?? ''),
      decodeURIComponent(match[2] ?? ''),
      url.searchParams,
    );
    if ('code' in target) {
      rejectUpgrade(socket, target);
      return true;
    }
    const offered = String(req.headers['sec-websocket-protocol'] ?? '');
    if (offered && !offered.split(',').some((p) => (PROTOCOLS as readonly string[]).includes(p.trim()))) {
      rejectUpgrade(socket, {
        code: 400,
        reason: 'BadRequest',
        message: `requested protocol(s) are not supported: [${offered}]; supports [${PROTOCOLS.join(' ')}]`,
      });
      return true;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      void runSession(ws, target, deps).catch(() => ws.terminate());
    });
    return true;
  };
}

type Rejection = { code: number; reason: string; message: string };

function resolveTarget(
  store: SandboxStore,
  namespace: string,
  name: string,
  query: URLSearchParams,
): ExecTarget | Rejection {
  const pod = store.get('Pod', namespace, name);
  if (!pod) return { code: 404, reason: 'NotFound', message: `pods "${name}" not found` };
  const names = ((pod.spec as { containers?: { name: string }[] }).containers ?? []).map((c) => c.name);
  let container = query.get('container') ?? '';
  if (container === '') {
    if (names.length !== 1) {
      return {
        code: 400,
        reason: 'BadRequest',
        message: `a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]`,
      };
    }
    container = names[0] ?? '';
  }
  if (!names.includes(container)) {
    return {
      code: 400,
      reason: 'BadRequest',
      message: `container ${container} is not valid for pod ${name}`,
    };
  }
  const command = query.getAll('command');
  if (command.length === 0)
    return { code: 400, reason: 'BadRequest', message: 'you must specify at least 1 command' };
  const flag = (key: string) => query.get(key) === 'true' || query.get(key) === '1';
  return {
    namespace,
    pod,
    container,
    command,
    stdin: flag('stdin'),
    stdout: flag('stdout'),
    stderr: flag('stderr'),
  };
}

function rejectUpgrade(socket: Duplex, rejection: Rejection): void {
  const body = JSON.stringify(failureStatus(rejection));
  socket.end(
    `HTTP/1.1 ${rejection.code} ${STATUS_CODES[rejection.code] ?? ''}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
