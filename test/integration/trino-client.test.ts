import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunQueryOptions, runQuery } from '../../src/probes/trino/client.js';
import { MAX_ATTEMPTS } from '../../src/probes/trino/http.js';
import { createTableSql, querySql } from '../../src/probes/trino/sql.js';
import { rejection } from '../helpers/errors.js';
import { fakeClock, startTrinoSim, type TrinoSim } from '../unit/probes/trino/sim-server.js';
import { createTestState, type TestState } from '../unit/probes/trino/sim-state.js';

let state: TestState;
let sim: TrinoSim;

beforeEach(async () => {
  state = createTestState();
  sim = await startTrinoSim(state);
});
afterEach(() => sim.close());

function options(overrides: Partial<RunQueryOptions> = {}): RunQueryOptions {
  return {
    baseUrl: sim.url,
    user: 'perfbot',
    catalog: 'memory',
    schema: 'perfbot',
    source: 'perfbot-test',
    fetch,
    timeoutMs: 30_000,
    clock: fakeClock(),
    ...overrides,
  };
}

async function createTable(rows = 100_000): Promise<void> {
  await runQuery('CREATE SCHEMA IF NOT EXISTS memory.perfbot', options());
  await runQuery(createTableSql('memory', 'perfbot', rows), options());
}

describe('runQuery against the simulated coordinator', () => {
  it('posts the statement, follows nextUri to the end and collects the data', async () => {
    const result = await runQuery('SELECT 1', options());
    expect(result.rows).toEqual([[1]]);
    expect(result.columns).toMatchObject([{ name: '_col0', type: 'integer' }]);
    expect(result.stats.state).toBe('FINISHED');
    expect(result.queryId).toMatch(/^\d{8}_\d{6}_\d{5}_[a-z]{5}$/);
    expect(
      sim.route.calls.map((c) => `${c.method} ${c.path.replace(/\/[^/]+\/[^/]+\/(\d+)$/, '/$1')}`),
    ).toEqual([
      'POST /v1/statement',
      'GET /v1/statement/queued/1',
      'GET /v1/statement/executing/2',
      'GET /v1/statement/executing/3',
    ]);
  });

  it('runs the probe queries once the table exists, with server stats', async () => {
    await createTable(200_000);
    const count = await runQuery(querySql('count', 'memory', 'perfbot'), options({ step: 'count' }));
    expect(count.rows).toEqual([[200_000]]);
    expect(count.stats.processedRows).toBe(200_000);
    const join = await runQuery(querySql('join', 'memory', 'perfbot'), options({ step: 'join' }));
    expect(join.rows[0]?.[0]).toBe(199_999);
    expect(join.stats.elapsedTimeMillis).toBeGreaterThan(join.stats.queuedTimeMillis);
    expect(join.stats.peakMemoryBytes).toBeGreaterThan(0);
  });

  it('reports TABLE_NOT_FOUND with the step and query id when the table is missing', async () => {
    const error = await rejection(
      runQuery(querySql('count', 'memory', 'perfbot'), options({ step: 'count' })),
    );
    expect(error.code).toBe('probe_failed');
    expect(error.context).toMatchObject({ service: 'trino', step: 'count', errorName: 'SCHEMA_NOT_FOUND' });
    await runQuery('CREATE SCHEMA IF NOT EXISTS memory.perfbot', options());
    const missing = await rejection(
      runQuery(querySql('count', 'memory', 'perfbot'), options({ step: 'count' })),
    );
    expect(missing.context.errorName).toBe('TABLE_NOT_FOUND');
    expect(missing.context.queryId).toMatch(/^\d{8}_/);
    expect(missing.userMessage).toContain(
      "TABLE_NOT_FOUND (USER_ERROR): line 1:22: Table 'memory.perfbot.perfbot_orders' does not exist",
    );
  });

  it('reports a syntax error in Trino words', async () => {
    const error = await rejection(runQuery('SELEC 1', options()));
    expect(error.context.errorName).toBe('SYNTAX_ERROR');
    expect(error.userMessage).toContain("mismatched input 'SELEC'");
  });

  it('fails the query the trino.error fault names', async () => {
    state.faults.set('trino.error', { times: 1, errorName: 'EXCEEDED_TIME_LIMIT' });
    const error = await rejection(runQuery('SELECT 1', options({ step: 'count' })));
    expect(error.context).toMatchObject({
      errorName: 'EXCEEDED_TIME_LIMIT',
      errorType: 'INSUFFICIENT_RESOURCES',
    });
    expect(error.retryable).toBe(true);
    expect((await runQuery('SELECT 1', options())).rows).toEqual([[1]]);
  });

  it('retries the same URI on 503 with backoff, then succeeds', async () => {
    state.faults.set('trino.unavailable', { times: 3 });
    const clock = fakeClock();
    const result = await runQuery('SELECT 1', options({ clock }));
    expect(result.rows).toEqual([[1]]);
    expect(clock.delays).toEqual([100, 200, 400]);
    expect(sim.route.calls.filter((c) => c.method === 'POST')).toHaveLength(4);
  });

  it('gives up after a bounded number of 503s, as a retryable failure', async () => {
    state.faults.set('trino.unavailable');
    const error = await rejection(runQuery('SELECT 1', options()));
    expect(error.code).toBe('probe_failed');
    expect(error.retryable).toBe(true);
    expect(error.userMessage).toContain('HTTP 503');
    expect(sim.route.calls).toHaveLength(MAX_ATTEMPTS);
  });

  it('cancels the query with DELETE nextUri and throws timeout past the deadline', async () => {
    await createTable();
    // Each clock read moves 400 ms on: the deadline of 1 s passes while pages are still coming.
    const clock = fakeClock(400);
    const error = await rejection(
      runQuery(querySql('join', 'memory', 'perfbot'), options({ clock, timeoutMs: 1000, step: 'join' })),
    );
    expect(error.code).toBe('timeout');
    expect(error.userMessage).toContain('services.trino.timeoutSeconds');
    const deletes = sim.route.calls.filter((c) => c.method === 'DELETE');
    expect(deletes).toHaveLength(1);
    const cancelled = await fetch(`${sim.url}${deletes[0]?.path}`);
    expect(await cancelled.json()).toMatchObject({
      stats: { state: 'FAILED' },
      error: { errorName: 'USER_CANCELED' },
    });
  });

  it('cancels the query when the caller aborts', async () => {
    const controller = new AbortController();
    let responses = 0;
    const abortingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (++responses === 2) await controller.abort();
      return response;
    };
    const error = await rejection(
      runQuery('SELECT 1', options({ fetch: abortingFetch, signal: controller.signal })),
    );
    expect(error.code).toBe('cancelled');
    expect(sim.route.calls.map((c) => c.method)).toEqual(['POST', 'GET', 'DELETE']);
  });

  it('names resolve through the catalog and schema headers', async () => {
    await createTable(5000);
    const result = await runQuery('SELECT count(*) FROM perfbot_orders', options());
    expect(result.rows).toEqual([[5000]]);
  });
});

describe('runQuery against servers that are not a coordinator', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  async function serve(status: number, body: string): Promise<string> {
    server = createServer((_req, res) => res.writeHead(status, { 'Content-Type': 'text/html' }).end(body));
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('says the answer is not the protocol', async () => {
    const url = await serve(200, '<html>login</html>');
    const error = await rejection(runQuery('SELECT 1', options({ baseUrl: url })));
    expect(error.userMessage).toContain('not its client protocol');
  });

  it('passes on a 401 with a hint about the user', async () => {
    const url = await serve(
      401,
      'Basic authentication or X-Trino-Original-User or X-Trino-User must be sent',
    );
    const error = await rejection(runQuery('SELECT 1', options({ baseUrl: url })));
    expect(error.userMessage).toContain('HTTP 401');
    expect(error.userMessage).toContain('services.trino.user');
  });

  it('says when nothing answers at the URL', async () => {
    const url = await serve(200, '');
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = undefined;
    const error = await rejection(runQuery('SELECT 1', options({ baseUrl: url })));
    expect(error.userMessage).toContain('did not answer');
    expect(error.retryable).toBe(true);
  });

  it('the simulated coordinator refuses a statement without X-Trino-User like Trino', async () => {
    const response = await fetch(`${sim.url}/v1/statement`, { method: 'POST', body: 'SELECT 1' });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Basic realm="Trino"');
    expect(await response.text()).toBe(
      'Basic authentication or X-Trino-Original-User or X-Trino-User must be sent',
    );
  });
});
