import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * How Slack's Web API reads a request (as `@slack/web-api` 7/8 sends them): form-encoded fields
 * whose objects and arrays are JSON strings, or a JSON body, or multipart when a Buffer is sent;
 * the token in `Authorization: Bearer` or a `token` field.
 */
export type Params = Record<string, unknown>;

/** Fields the WebClient JSON-encodes inside a form body. */
const JSON_FIELDS = new Set(['blocks', 'attachments', 'files', 'view', 'metadata', 'file_uploads']);

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function parseParams(contentType: string, raw: Buffer, query: URLSearchParams): Promise<Params> {
  const params: Params = Object.fromEntries(query);
  if (contentType.startsWith('application/json')) {
    const body = raw.length === 0 ? {} : (JSON.parse(raw.toString('utf8')) as Params);
    return { ...params, ...body };
  }
  if (contentType.startsWith('multipart/form-data')) {
    const form = await new Response(new Uint8Array(raw), {
      headers: { 'content-type': contentType },
    }).formData();
    for (const [key, value] of form)
      params[key] = typeof value === 'string' ? decodeField(key, value) : value;
    return params;
  }
  for (const [key, value] of new URLSearchParams(raw.toString('utf8'))) params[key] = decodeField(key, value);
  return params;
}

function decodeField(key: string, value: string): unknown {
  if (!JSON_FIELDS.has(key)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** The bytes of an upload: raw, or the first file part of a multipart body (what the WebClient sends). */
export async function uploadedBytes(contentType: string, raw: Buffer): Promise<Buffer> {
  if (!contentType.startsWith('multipart/form-data')) return raw;
  const form = await new Response(new Uint8Array(raw), {
    headers: { 'content-type': contentType },
  }).formData();
  for (const [, value] of form) {
    if (typeof value !== 'string') return Buffer.from(await value.arrayBuffer());
  }
  return Buffer.alloc(0);
}

export function bearerToken(req: IncomingMessage, params: Params): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length);
  return typeof params.token === 'string' ? params.token : undefined;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}
