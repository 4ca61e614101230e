import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PatchType } from '../../kube/port.js';
import { SandboxFault } from './faults.js';
import { readBody, sendJson, sendStatus } from './http.js';
import { nodeMetrics, podMetrics } from './metrics.js';
import { type ResourceType, resourceFor } from './resources.js';
import type { SandboxStore } from './state.js';

/** The Kubernetes REST routes the sandbox serves: GET and list with label selectors, PATCH, DELETE of a pod, metrics.k8s.io. */
const PATCH_TYPES: Record<string, PatchType> = {
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/json-patch+json': 'json',
};

export interface ResourceTarget {
  type: ResourceType;
  namespace: string | undefined;
  name: string | undefined;
}

/** `/api/v1[/namespaces/{ns}]/{plural}[/{name}]` and the same under `/apis/{group}/{version}`. */
export function parseResourcePath(path: string): ResourceTarget | undefined {
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

export function handleGet(res: ServerResponse, url: URL, target: ResourceTarget, store: SandboxStore) {
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
  const fields = parseFieldSelector(url.searchParams.get('fieldSelector') ?? '');
  if (typeof fields === 'string') return sendStatus(res, 400, 'BadRequest', fields);
  const items = store.list(
    type.kind,
    namespace,
    (o) => selector((o.metadata.labels ?? {}) as Record<string, string>) && fields(o),
  );
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

/** Fields a `fieldSelector` may name here: `metadata.name`, `metadata.namespace` and an Event's `involvedObject.*`. */
const FIELDS = /^(metadata\.(name|namespace)|involvedObject\.(kind|name|namespace|uid))$/;

/** `field=value` and `field!=value`, comma-separated; a message for a field the server does not index. */
export function parseFieldSelector(text: string): ((obj: object) => boolean) | string {
  const tests: ((obj: object) => boolean)[] = [];
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([A-Za-z.]+)(==|=|!=)(.*)$/.exec(part);
    if (!m) return `invalid selector: '${part}'; can't understand '${part}'`;
    const [, field = '', op, value = ''] = m;
    if (!FIELDS.test(field)) return `field label not supported: ${field}`;
    const read = (obj: object) =>
      String(
        field.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], obj) ??
          '',
      );
    tests.push(op === '!=' ? (o) => read(o) !== value : (o) => read(o) === value);
  }
  return (obj) => tests.every((t) => t(obj));
}

type Refusal = [code: number, reason: string, message: string];

/** What the API server checks before it reads a PATCH body: the media type, `dryRun`, a named object. */
function checkPatchRequest(req: IncomingMessage, url: URL, target: ResourceTarget): PatchType | Refusal {
  const contentType =
    String(req.headers['content-type'] ?? '')
      .split(';')[0]
      ?.trim() ?? '';
  const type = PATCH_TYPES[contentType];
  if (!type) {
    const accepted = Object.keys(PATCH_TYPES).join(', ');
    const message = `the body of the request was in an unknown format - accepted media types include: ${accepted}`;
    return [415, 'UnsupportedMediaType', message];
  }
  const dryRun = url.searchParams.getAll('dryRun');
  if (dryRun.some((d) => d !== 'All'))
    return [400, 'BadRequest', `dryRun: Unsupported value: "${dryRun.join(',')}": supported values: "All"`];
  if (target.name === undefined)
    return [405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource'];
  return type;
}

export async function handlePatch(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  target: ResourceTarget,
  store: SandboxStore,
): Promise<void> {
  const type = checkPatchRequest(req, url, target);
  if (Array.isArray(type)) return sendStatus(res, ...type);
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
  const result = store.patch(target.type.kind, target.namespace, target.name ?? '', body, {
    type,
    dryRun: url.searchParams.getAll('dryRun').length > 0,
  });
  if (result.ok) return sendJson(res, 200, result.value);
  sendStatus(res, result.error.code, result.error.reason, result.error.message, result.error.details);
}

/** DELETE of one named pod (the only kind the sandbox deletes); the deleted pod is the answer. */
export function handleDelete(res: ServerResponse, target: ResourceTarget, store: SandboxStore) {
  if (target.type.kind !== 'Pod' || target.name === undefined || target.namespace === undefined)
    return sendStatus(
      res,
      405,
      'MethodNotAllowed',
      'the server does not allow this method on the requested resource',
    );
  const result = store.deletePod(target.namespace, target.name);
  if (result.ok) return sendJson(res, 200, result.value);
  sendStatus(res, result.error.code, result.error.reason, result.error.message, result.error.details);
}

/** `/apis/metrics.k8s.io/v1beta1/[namespaces/{ns}/]{nodes|pods}`, unless `metrics.unavailable` is set. */
export function handleMetrics(res: ServerResponse, url: URL, store: SandboxStore) {
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
