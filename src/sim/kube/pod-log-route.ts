import type { ServerResponse } from 'node:http';
import { sendStatus } from './http.js';
import type { SandboxStore } from './state.js';

/** `GET /api/v1/namespaces/{ns}/pods/{name}/log` (`container`, `tailLines`, `previous`), in plain text as the API server answers. */
const LOG_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/;

/** Serves a container's log; false when the path is not a pod's log. */
export function handlePodLog(res: ServerResponse, url: URL, store: SandboxStore): boolean {
  const m = LOG_PATH.exec(url.pathname);
  if (!m) return false;
  const [, namespace = '', pod = ''] = m;
  const container = url.searchParams.get('container') ?? undefined;
  const tail = url.searchParams.get('tailLines');
  const tailLines = tail === null ? undefined : Number(tail);
  if (tailLines !== undefined && !(Number.isInteger(tailLines) && tailLines >= 0)) {
    sendStatus(res, 400, 'BadRequest', `tailLines: Invalid value: "${tail}"`);
    return true;
  }
  const result = store.podLog(decodeURIComponent(namespace), decodeURIComponent(pod), {
    ...(container ? { container } : {}),
    ...(url.searchParams.get('previous') === 'true' ? { previous: true } : {}),
    ...(tailLines === undefined ? {} : { tailLines }),
  });
  if (!result.ok) {
    sendStatus(res, result.error.code, result.error.reason, result.error.message, result.error.details);
    return true;
  }
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(result.value) });
  res.end(result.value);
  return true;
}
