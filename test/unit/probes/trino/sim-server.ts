import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../../../src/clock.js';
import { createTrinoRoute, type TrinoRoute } from '../../../../src/sim/trino/route.js';
import type { SandboxState } from '../../../../src/sim/types.js';

/** The simulated coordinator on its own `node:http` server (port 0), mounted as the sandbox mounts it. */
export interface TrinoSim {
  route: TrinoRoute;
  /** What `services.trino.url` is set to: `http://127.0.0.1:<port>/trino`. */
  url: string;
  close(): Promise<void>;
}

export async function startTrinoSim(state: SandboxState): Promise<TrinoSim> {
  const route = createTrinoRoute();
  const server = createServer((req, res) => {
    route.handle(req, res, state).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    route,
    url: `http://127.0.0.1:${port}${route.prefix}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A clock that never sleeps: `delay` only records and advances; `now` advances `tickMs` per read. */
export function fakeClock(tickMs = 0): Clock & { delays: number[] } {
  let t = 1_700_000_000_000;
  const delays: number[] = [];
  return {
    delays,
    now: () => {
      t += tickMs;
      return t;
    },
    delay: async (ms) => {
      delays.push(ms);
      t += ms;
    },
  };
}
