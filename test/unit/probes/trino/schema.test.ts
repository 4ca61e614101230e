import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PerfError } from '../../../../src/errors.js';
import { statementUrl, trinoHeaders } from '../../../../src/probes/trino/client.js';
import { httpFailedError, queryFailedError } from '../../../../src/probes/trino/errors.js';
import { backoffMs, MAX_ATTEMPTS, parsePage } from '../../../../src/probes/trino/http.js';
import { samplesFromStats, TRINO_METRICS } from '../../../../src/probes/trino/parse.js';
import { QueryResultsSchema } from '../../../../src/probes/trino/schema.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../fixtures/${name}`, import.meta.url), 'utf8'));

describe('Trino QueryResults schema', () => {
  it('reads a queued first response with its nextUri', () => {
    const page = QueryResultsSchema.parse(fixture('trino-queued.json'));
    expect(page.stats.state).toBe('QUEUED');
    expect(page.nextUri).toMatch(/\/v1\/statement\/queued\/20240627_094458_00012_x7k3p\/y[0-9a-f]+\/1$/);
    expect(page.error).toBeUndefined();
  });

  it("reads a finished query's last page and keeps fields it does not know", () => {
    const page = QueryResultsSchema.parse(fixture('trino-finished.json'));
    expect(page.nextUri).toBeUndefined();
    expect(page.columns?.map((c) => c.name)).toEqual(['pairs', 'delta']);
    expect(page.stats).toMatchObject({
      state: 'FINISHED',
      elapsedTimeMillis: 1874,
      peakMemoryBytes: 505413632,
    });
    expect(page.stats.internalNetworkInputBytes).toBe(31457280);
  });

  it('reads a failed query with TABLE_NOT_FOUND', () => {
    const page = QueryResultsSchema.parse(fixture('trino-failed-table-not-found.json'));
    expect(page.error).toMatchObject({
      errorName: 'TABLE_NOT_FOUND',
      errorCode: 46,
      errorType: 'USER_ERROR',
    });
    expect(page.error?.errorLocation).toEqual({ lineNumber: 1, columnNumber: 22 });
  });

  it('names the missing field when stats lack one', () => {
    const broken = fixture('trino-finished.json') as { stats: Record<string, unknown> };
    delete broken.stats.elapsedTimeMillis;
    expect(() => parsePage(JSON.stringify(broken), 'http://t/v1/statement', { step: 'join' })).toThrowError(
      /elapsedTimeMillis/,
    );
  });

  it('refuses a body that is not JSON, as a probe_failed error', () => {
    const run = () => parsePage('<html>502 Bad Gateway</html>', 'http://t/v1/statement', { step: 'count' });
    expect(run).toThrowError(PerfError);
    expect(run).toThrowError(/not JSON/);
  });
});

describe('samples from stats', () => {
  it('takes every figure from the final stats', () => {
    const page = QueryResultsSchema.parse(fixture('trino-stats-spill.json'));
    expect(samplesFromStats('join', page.stats)).toEqual({
      'join.elapsed_ms': 4811,
      'join.cpu_ms': 31544,
      'join.queued_ms': 5,
      'join.peak_memory_bytes': 2149580800,
      'join.processed_rows': 10000000,
      'join.processed_bytes': 240000000,
      'join.spilled_bytes': 1073741824,
    });
  });

  it('defines one metric per sample key, with units and a direction', () => {
    const keys = TRINO_METRICS.map((m) => m.key);
    expect(keys).toHaveLength(21);
    expect(new Set(keys).size).toBe(21);
    expect(keys).toContain('aggregate.cpu_ms');
    expect(TRINO_METRICS.find((m) => m.key === 'count.elapsed_ms')).toMatchObject({
      unit: 'ms',
      direction: 'lower_is_better',
    });
    expect(TRINO_METRICS.find((m) => m.key === 'join.processed_rows')?.unit).toBe('rows');
  });
});

describe('Trino errors', () => {
  it("carries Trino's errorName, type and message to the user", () => {
    const page = QueryResultsSchema.parse(fixture('trino-failed-table-not-found.json'));
    if (page.error === undefined) throw new Error('fixture has an error');
    const error = queryFailedError(page.error, { step: 'count', queryId: page.id });
    expect(error.code).toBe('probe_failed');
    expect(error.retryable).toBe(false);
    expect(error.userMessage).toContain('TABLE_NOT_FOUND (USER_ERROR)');
    expect(error.userMessage).toContain("Table 'memory.perfbot.perfbot_orders' does not exist");
    expect(error.userMessage).toContain('services.trino.catalog');
    expect(error.context).toMatchObject({ service: 'trino', step: 'count', queryId: page.id });
  });

  it('marks resource and internal errors retryable', () => {
    const error = queryFailedError(
      {
        message: 'Query exceeded per-node memory limit of 1GB',
        errorCode: 131079,
        errorName: 'EXCEEDED_LOCAL_MEMORY_LIMIT',
        errorType: 'INSUFFICIENT_RESOURCES',
      },
      { step: 'join' },
    );
    expect(error.retryable).toBe(true);
    expect(error.userMessage).toContain('query.max-memory-per-node');
  });

  it('points a 401 at the user setting', () => {
    const error = httpFailedError(401, 'Basic authentication or X-Trino-User must be sent', 'http://t', {
      step: 'x',
    });
    expect(error.userMessage).toContain('services.trino.user');
    expect(error.retryable).toBe(false);
  });
});

describe('client helpers', () => {
  it('builds the statement URL whatever the trailing slashes', () => {
    expect(statementUrl('http://trino:8080')).toBe('http://trino:8080/v1/statement');
    expect(statementUrl('http://sandbox:3000/trino//')).toBe('http://sandbox:3000/trino/v1/statement');
  });

  it('sends only the headers that are set', () => {
    expect(trinoHeaders({ user: 'perfbot', catalog: 'memory' })).toEqual({
      'X-Trino-User': 'perfbot',
      'X-Trino-Catalog': 'memory',
    });
  });

  it('backs off by doubling, bounded in attempts', () => {
    expect(Array.from({ length: MAX_ATTEMPTS - 1 }, (_, i) => backoffMs(i))).toEqual([
      100, 200, 400, 800, 1600,
    ]);
  });
});
