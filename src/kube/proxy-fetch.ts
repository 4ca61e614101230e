import type { ServiceRef } from './port.js';
import type { ProxyRequest, RawKubeApi } from './raw.js';

const METHODS = new Set<ProxyRequest['method']>(['GET', 'POST', 'DELETE']);

/**
 * A `fetch` whose requests go to one Service through the API server's proxy. It keeps the path and
 * query of each URL and drops its host, so that a service's own absolute links (Trino's `nextUri`
 * names its in-cluster address) are followed through the proxy too. A request that cannot be sent
 * rejects with a `TypeError`, as `fetch` does, so that callers' retry rules stay the same.
 */
export function proxiedFetch(raw: RawKubeApi, service: ServiceRef): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = (init?.method ?? 'GET').toUpperCase() as ProxyRequest['method'];
    if (!METHODS.has(method)) throw new TypeError(`service proxy: unsupported method ${method}`);
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const body = typeof init?.body === 'string' ? init.body : undefined;
    try {
      const answer = await raw.proxy(service, {
        method,
        pathAndQuery: `${url.pathname}${url.search}`,
        headers,
        ...(body === undefined ? {} : { body }),
        ...(init?.signal ? { signal: init.signal } : {}),
      });
      return new Response(answer.status === 204 ? null : answer.text, {
        status: answer.status,
        headers: answer.headers,
      });
    } catch (error) {
      if (init?.signal?.aborted) throw init.signal.reason ?? error;
      throw new TypeError(
        `service proxy to ${service.namespace}/${service.name}:${service.port}: ${String(error)}`,
        { cause: error },
      );
    }
  };
}
