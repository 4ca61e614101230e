import workerThreads from 'node:worker_threads';
import zlib from 'node:zlib';

/**
 * `@kubernetes/client-node` 2 brings undici 8, which wants Node.js ≥ 22.19 (package.json says ≥ 20): on load it
 * binds `zlib.createZstdDecompress` and `worker_threads.markAsUncloneable`, and `fetch` calls
 * `Promise.withResolvers`. On Node 20 these stand-ins keep the client working: the API server never answers
 * in zstd (undici then offers only gzip and deflate), and marking objects uncloneable only matters to
 * `postMessage`. Every module of `src/kube` that imports the client imports this file first. On Node 22 it
 * does nothing.
 */
const z = zlib as unknown as Record<string, unknown>;
if (typeof z.createZstdDecompress !== 'function') {
  z.createZstdDecompress = () => {
    throw new Error('zstd-encoded responses need Node.js 22.15 or later');
  };
}

const w = workerThreads as unknown as Record<string, unknown>;
if (typeof w.markAsUncloneable !== 'function') w.markAsUncloneable = () => undefined;

const P = Promise as unknown as { withResolvers?: unknown };
if (typeof P.withResolvers !== 'function') {
  P.withResolvers = function withResolvers<T>(this: PromiseConstructor) {
    let resolve!: (value: T | PromiseLike<T>) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new this<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}
