import type { IncomingMessage, ServerResponse } from 'node:http';
import { failureStatus, type StoreError } from './resources.js';

/** The sandbox's HTTP plumbing: bounded bodies and JSON answers, errors as a Kubernetes `Status`. */
const MAX_BODY = 5 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendStatus(
  res: ServerResponse,
  code: number,
  reason: string,
  message: string,
  details?: StoreError['details'],
): void {
  sendJson(res, code, failureStatus({ code, reason, message, ...(details ? { details } : {}) }));
}
