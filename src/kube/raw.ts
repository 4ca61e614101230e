import {
  ApiException,
  type Configuration,
  createConfiguration,
  HttpMethod,
  type KubeConfig,
  PatchStrategy,
  RequestContext,
} from '@kubernetes/client-node';
import type { KubeObject, ObjectRef, PatchType, ServiceRef } from './port.js';

/**
 * Generic get and patch of any kind, in plain JSON. `KubernetesObjectApi` would re-serialise the body through
 * the typed model (which drops unknown fields, turns timestamps into Dates and cannot carry a JSON-patch
 * array), so these requests go through the client's own HTTP stack (auth, TLS, proxy from the kubeconfig)
 * with the body untouched. Kinds resolve to their resource path by discovery, as kubectl does, cached.
 */
const CONTENT_TYPES: Record<PatchType, string> = {
  merge: PatchStrategy.MergePatch,
  strategic: PatchStrategy.StrategicMergePatch,
  json: PatchStrategy.JsonPatch,
};

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

export interface ProxyRequest {
  method: 'GET' | 'POST' | 'DELETE';
  /** `/v1/statement?x=1`: appended to the proxy path. */
  pathAndQuery: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

export interface ProxyAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** How long one connection pool serves the requests of a `RawKubeApi` (a collection's worth). */
const POOL_REUSE_MS = 30_000;

export class RawKubeApi {
  readonly #kc: KubeConfig;
  readonly #config: Configuration;
  readonly #resources = new Map<string, Promise<ApiResource[]>>();

  /** The connection pool requests share (see `#authenticate`), and until when it is used. */
  #dispatcher: { value: NonNullable<ReturnType<RequestContext['getDispatcher']>>; until: number } | undefined;

  constructor(kc: KubeConfig) {
    this.#kc = kc;
    this.#config = createConfiguration({ authMethods: { default: kc } });
  }

  /**
   * The kubeconfig's credentials on a request. The client builds a new undici Agent (a connection
   * pool) for every request it authenticates, so that each request would open its own connection
   * (and TLS handshake): 200 cAdvisor calls, 200 connections. One pool is kept for `POOL_REUSE_MS`
   * instead (headers, tokens included, are still applied to every request), then a fresh one is
   * taken, so that rotated TLS files are picked up.
   */
  async #authenticate(ctx: RequestContext): Promise<void> {
    await this.#kc.applySecurityAuthentication(ctx);
    const now = Date.now();
    const fresh = ctx.getDispatcher();
    if (fresh === undefined) return;
    if (this.#dispatcher === undefined || now > this.#dispatcher.until)
      this.#dispatcher = { value: fresh, until: now + POOL_REUSE_MS };
    else ctx.setDispatcher(this.#dispatcher.value);
  }

  async get(ref: ObjectRef): Promise<KubeObject> {
    return (await this.request('GET', await this.objectPath(ref))) as KubeObject;
  }

  async patch(ref: ObjectRef, patch: unknown, type: PatchType, dryRun: boolean): Promise<KubeObject> {
    const path = `${await this.objectPath(ref)}${dryRun ? '?dryRun=All' : ''}`;
    return (await this.request('PATCH', path, {
      body: patch,
      contentType: CONTENT_TYPES[type],
    })) as KubeObject;
  }

  /** `/apis/apps/v1/namespaces/kafka/statefulsets/kafka` for `apps/v1` `StatefulSet` `kafka/kafka`. */
  async objectPath(ref: ObjectRef): Promise<string> {
    const resources = await this.#discover(ref.apiVersion);
    const resource = resources.find((r) => r.kind === ref.kind && !r.name.includes('/'));
    if (!resource) {
      throw new ApiException(
        404,
        `unknown kind ${ref.kind} in ${ref.apiVersion}`,
        {
          message: `the server doesn't have a resource type ${ref.kind} in ${ref.apiVersion}`,
        },
        {},
      );
    }
    const base = ref.apiVersion.includes('/') ? `/apis/${ref.apiVersion}` : `/api/${ref.apiVersion}`;
    const scope = resource.namespaced ? `/namespaces/${encodeURIComponent(ref.namespace)}` : '';
    return `${base}${scope}/${resource.name}/${encodeURIComponent(ref.name)}`;
  }

  /** One JSON request; a non-2xx answer throws `ApiException` with the `Status` body, as the typed APIs do. */
  async request(
    method: 'GET' | 'PATCH',
    path: string,
    options: { body?: unknown; contentType?: string } = {},
  ): Promise<unknown> {
    const cluster = this.#kc.getCurrentCluster();
    if (!cluster) throw new ApiException(0, 'no current cluster in the kubeconfig', undefined, {});
    const ctx = new RequestContext(`${cluster.server.replace(/\/$/, '')}${path}`, HttpMethod[method]);
    ctx.setHeaderParam('Accept', 'application/json');
    if (options.body !== undefined) {
      ctx.setHeaderParam('Content-Type', options.contentType ?? 'application/json');
      ctx.setBody(JSON.stringify(options.body));
    }
    await this.#authenticate(ctx);
    const response = await this.#config.httpApi.send(ctx).toPromise();
    const text = await response.body.text();
    if (response.httpStatusCode < 200 || response.httpStatusCode > 299) {
      throw new ApiException(response.httpStatusCode, `${method} ${path}`, text, response.headers);
    }
    return JSON.parse(text) as unknown;
  }

  /**
   * A GET whose answer is text (a kubelet's `/metrics/cadvisor` through the node proxy); a non-2xx
   * answer throws `ApiException` as `request` does.
   */
  async getText(path: string, signal?: AbortSignal): Promise<string> {
    const cluster = this.#kc.getCurrentCluster();
    if (!cluster) throw new ApiException(0, 'no current cluster in the kubeconfig', undefined, {});
    const ctx = new RequestContext(`${cluster.server.replace(/\/$/, '')}${path}`, HttpMethod.GET);
    ctx.setHeaderParam('Accept', 'text/plain');
    if (signal) ctx.setSignal(signal);
    await this.#authenticate(ctx);
    const response = await this.#config.httpApi.send(ctx).toPromise();
    const text = await response.body.text();
    if (response.httpStatusCode < 200 || response.httpStatusCode > 299) {
      throw new ApiException(response.httpStatusCode, `GET ${path}`, text, response.headers);
    }
    return text;
  }

  /** One request to a Service through the API server's proxy, body and answer untouched. */
  async proxy(service: ServiceRef, request: ProxyRequest): Promise<ProxyAnswer> {
    const cluster = this.#kc.getCurrentCluster();
    if (!cluster) throw new ApiException(0, 'no current cluster in the kubeconfig', undefined, {});
    const path =
      `/api/v1/namespaces/${encodeURIComponent(service.namespace)}/services/` +
      `${encodeURIComponent(service.name)}:${service.port}/proxy${request.pathAndQuery}`;
    const method = HttpMethod[request.method];
    const ctx = new RequestContext(`${cluster.server.replace(/\/$/, '')}${path}`, method);
    for (const [key, value] of Object.entries(request.headers)) ctx.setHeaderParam(key, value);
    if (request.body !== undefined) ctx.setBody(request.body);
    if (request.signal) ctx.setSignal(request.signal);
    await this.#authenticate(ctx);
    const response = await this.#config.httpApi.send(ctx).toPromise();
    return { status: response.httpStatusCode, headers: response.headers, text: await response.body.text() };
  }

  #discover(apiVersion: string): Promise<ApiResource[]> {
    let cached = this.#resources.get(apiVersion);
    if (!cached) {
      const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      cached = this.request('GET', path).then(
        (list) => (list as { resources?: ApiResource[] }).resources ?? [],
      );
      // A failed discovery is not cached: the next call asks again.
      cached.catch(() => this.#resources.delete(apiVersion));
      this.#resources.set(apiVersion, cached);
    }
    return cached;
  }
}
