import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { Logger } from '../log.js';
import type { CommandMetrics } from './commands/perf.js';
import { Route } from './ids.js';

/**
 * The bot's own HTTP surface besides Slack's: `/healthz` (the process runs), `/readyz` (its
 * dependencies answer) and `/metrics` (Prometheus). In HTTP mode these are Bolt custom routes on the
 * Slack port; in Socket Mode `startHealthServer` serves them alone on PORT.
 */
export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface HealthOptions {
  registry: Registry;
  /** True when Redis (and whatever else the bot needs) answers. */
  readiness?: () => Promise<boolean>;
  log: Logger;
  /** A readiness check slower than this counts as not ready (kubelet probes time out too). */
  readinessTimeoutMs?: number;
}

export function createHealthRoutes(
  options: HealthOptions,
): { path: Route; method: 'GET'; handler: Handler }[] {
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const ready = async () => {
    if (options.readiness === undefined) return true;
    const timeoutMs = options.readinessTimeoutMs ?? 2000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([options.readiness(), timeout]);
    } catch (error) {
      options.log.warn({ err: error }, 'readiness check failed');
      return false;
    } finally {
      clearTimeout(timer);
    }
  };
  return [
    { path: Route.healthz, method: 'GET', handler: (_req, res) => json(res, 200, { ok: true }) },
    {
      path: Route.readyz,
      method: 'GET',
      handler: (_req, res) => {
        void ready().then((ok) => json(res, ok ? 200 : 503, { ready: ok }));
      },
    },
    {
      path: Route.metrics,
      method: 'GET',
      handler: (_req, res) => {
        options.registry.metrics().then(
          (text) => {
            res.writeHead(200, { 'content-type': options.registry.contentType });
            res.end(text);
          },
          (error: unknown) => json(res, 500, { error: String(error) }),
        );
      },
    },
  ];
}

/** Serves the health routes alone (Socket Mode has no HTTP server of Bolt's to hang them on). */
export async function startHealthServer(
  port: number,
  routes: readonly { path: string; handler: Handler }[],
): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = req.method === 'GET' ? routes.find((r) => r.path === path) : undefined;
    if (route) return route.handler(req, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Commands by kind and outcome, and how long the ack took (Slack gives up at 3 s). */
export function createCommandMetrics(registry: Registry): CommandMetrics {
  const commands =
    (registry.getSingleMetric('perfbot_commands_total') as Counter<'kind' | 'outcome'> | undefined) ??
    new Counter({
      name: 'perfbot_commands_total',
      help: '/perf commands by kind and outcome',
      labelNames: ['kind', 'outcome'] as const,
      registers: [registry],
    });
  const ack =
    (registry.getSingleMetric('perfbot_slack_ack_seconds') as Histogram | undefined) ??
    new Histogram({
      name: 'perfbot_slack_ack_seconds',
      help: 'Seconds from receiving a /perf command to acknowledging it',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3],
      registers: [registry],
    });
  return {
    counted: (kind, outcome) => commands.inc({ kind, outcome }),
    acked: (seconds) => ack.observe(seconds),
  };
}
