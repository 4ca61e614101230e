import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyPostgresFailure, postgresFailure } from '../../../../src/probes/postgres/failures.js';

const fixture = (name: string) => readFileSync(new URL(`../../../fixtures/${name}`, import.meta.url), 'utf8');

describe('classifyPostgresFailure', () => {
  it.each([
    ['psql-15-connection-refused.txt', 'unreachable'],
    ['psql-15-socket-missing.txt', 'unreachable'],
    ['psql-15-role-missing.txt', 'no_role'],
    ['psql-15-database-missing.txt', 'no_database'],
  ])('classifies the real psql message in %s as %s', (file, kind) => {
    expect(classifyPostgresFailure(fixture(file))).toBe(kind);
  });

  it.each([
    ['28P01', 'auth'],
    ['3D000', 'no_database'],
    ['53300', 'too_many_connections'],
    ['57P03', 'starting_up'],
    ['ECONNREFUSED', 'unreachable'],
  ])('classifies SQLSTATE or errno %s as %s', (code, kind) => {
    expect(classifyPostgresFailure('', code)).toBe(kind);
  });

  it('recognises an authentication failure and a failed statement by their texts', () => {
    expect(
      classifyPostgresFailure(
        'psql: error: connection to server on socket "/tmp/.s.PGSQL.5432" failed: FATAL:  password authentication failed for user "kong"',
      ),
    ).toBe('auth');
    expect(classifyPostgresFailure('psql:<stdin>:3: ERROR:  column "nope" does not exist')).toBe('sql');
    expect(classifyPostgresFailure('something else')).toBe('other');
  });
});

describe('postgresFailure', () => {
  it('builds a probe_failed error that says what to check and keeps the last lines', () => {
    const error = postgresFailure(fixture('psql-15-connection-refused.txt'), {
      mode: 'exec',
      step: 'query',
      pod: 'pg-0',
      exitCode: 2,
    });
    expect(error.code).toBe('probe_failed');
    expect(error.retryable).toBe(true);
    expect(error.userMessage).toMatch(/did not accept the connection/);
    expect(error.userMessage).toMatch(/Connection refused/);
    expect(error.context).toMatchObject({
      service: 'postgres',
      mode: 'exec',
      kind: 'unreachable',
      pod: 'pg-0',
      exitCode: 2,
    });
  });
});
