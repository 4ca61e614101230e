import { quit, watchRedis } from './compose.js';
import { buildJobDeps, createKubeFromEnv, detectSimulated } from './job-deps.js';
import { createJobMetrics } from './jobs/metrics.js';
import { startWorker } from './jobs/worker.js';
import type { Base, Part, StartOptions } from './main.js';

/**
 * The worker side of `perfbot worker|all`, in a module of its own so that `perfbot bot` never loads
 * it (and with it the probes, the Kubernetes client, the chart renderer): `main.ts` imports it with
 * `await import` only when a worker runs.
 */
export async function startWorkerPart(base: Base, options: StartOptions): Promise<Part> {
  const kube = options.kube ?? createKubeFromEnv(base.config.env);
  const simulated = options.simulated ?? (await detectSimulated(kube));
  const { config, store, notifier, log } = base;
  const deps = await buildJobDeps({ config, kube, store, notifier, log, simulated });
  const subscriber = base.redis.duplicate();
  watchRedis(subscriber, log, base.config.env.REDIS_URL, 'subscriber');
  try {
    const worker = await startWorker({
      connection: base.redis,
      subscriber,
      bullPrefix: base.keys.bullPrefix(),
      cancelChannel: base.keys.cancelChannel(),
      deps,
      metrics: createJobMetrics(base.registry),
    });
    return {
      close: async (graceMs) => {
        await worker.close(graceMs);
        await quit(subscriber);
      },
    };
  } catch (error) {
    await quit(subscriber);
    throw error;
  }
}
