import { ApiException } from '@kubernetes/client-node';
import { PerfError } from '../errors.js';

/**
 * Turns what `@kubernetes/client-node` throws into a `kube_api` PerfError. An `ApiException` carries the HTTP
 * code and the API server's `Status` (as JSON text or an object); a network failure carries neither and is
 * retryable, as are 5xx and 429 answers.
 */
export function toKubeError(error: unknown, what: string): PerfError {
  if (error instanceof PerfError) return error;
  const code = httpCode(error);
  const detail = statusMessage(error) ?? (error instanceof Error ? rootMessage(error) : String(error));
  const retryable = code === undefined || code >= 500 || code === 429;
  return new PerfError('kube_api', `${what}: ${code === undefined ? '' : `HTTP ${code}: `}${detail}`, {
    userMessage: userMessageFor(code, what, detail),
    retryable,
    cause: error,
    context: { step: what, ...(code === undefined ? {} : { httpCode: code }) },
  });
}

function userMessageFor(code: number | undefined, what: string, detail: string): string {
  if (code === 404)
    return `Kubernetes says it does not exist while ${what}: ${detail}. Check the namespace and name in perfbot.yaml.`;
  if (code === 401)
    return `Kubernetes refused perfbot's credentials while ${what}: check its kubeconfig or service account token.`;
  if (code === 403)
    return `perfbot is not allowed to do this while ${what}: ${detail}. Grant its service account the RBAC verb it needs.`;
  if (code === 409) return `The object changed while ${what}: ${detail}. Read it again and retry.`;
  if (code === 422 || code === 400) return `Kubernetes rejected the request while ${what}: ${detail}`;
  if (code === undefined)
    return `Could not reach the Kubernetes API while ${what}: ${detail}. perfbot will retry.`;
  return `The Kubernetes API failed (HTTP ${code}) while ${what}: ${detail}. perfbot will retry.`;
}

function httpCode(error: unknown): number | undefined {
  if (error instanceof ApiException) return error.code;
  const text = error instanceof Error ? error.message : '';
  // The WebSocket client reports a refused upgrade as "Unexpected server response: 404".
  const match = /Unexpected server response: (\d{3})/.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** The `message` of the API server's `Status` body, when there is one. */
function statusMessage(error: unknown): string | undefined {
  if (!(error instanceof ApiException)) return undefined;
  let body: unknown = error.body;
  if (typeof error.body === 'string') {
    const text: string = error.body;
    try {
      body = JSON.parse(text);
    } catch {
      return text.slice(0, 300) || undefined;
    }
  }
  const message = (body as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' ? message : undefined;
}

/** Node's fetch hides the socket error (ECONNREFUSED, …) in `cause`. */
function rootMessage(error: Error): string {
  let current: unknown = error;
  let message = error.message;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    message = current.message || message;
    current = current.cause;
  }
  return message === error.message ? message : `${error.message} (${message})`;
}
