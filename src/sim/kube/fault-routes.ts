import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultSpec } from '../types.js';
import { FaultRequestSchema, type MemoryFaultSet, SandboxFault } from './faults.js';
import { readBody, sendJson, sendStatus } from './http.js';

/** `/sandbox/faults`: GET lists the set faults, POST sets one, DELETE clears one (or all). */
export async function handleFaults(
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

export interface Denial {
  code: number;
  reason: string;
  message: string;
}

/** The `api.error` fault: the next API call (whose path contains `path`, if given) fails with `status`. */
export function apiFault(faults: MemoryFaultSet, path: string): Denial | undefined {
  const fault = faults.peek(SandboxFault.apiError);
  if (!fault || (typeof fault.path === 'string' && !path.includes(fault.path))) return undefined;
  faults.take(SandboxFault.apiError);
  const code = typeof fault.status === 'number' ? fault.status : 503;
  return {
    code,
    reason: code === 503 ? 'ServiceUnavailable' : 'InternalError',
    message: 'the server is currently unable to handle the request',
  };
}
