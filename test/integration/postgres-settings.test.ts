import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyPostgresPlan,
  readPostgresSettings,
  verifyPostgresPlan,
} from '../../src/changes/postgres/apply.js';
import { planPostgresSettings } from '../../src/changes/postgres/settings.js';
import { createDirectSession } from '../../src/probes/postgres/direct.js';
import type { SqlSession } from '../../src/probes/postgres/session.js';
import { type PrivatePostgres, startPrivatePostgres } from '../helpers/private-postgres.js';

// The knobs against the server itself: a PostgreSQL of this test's own (its data directory, its port),
// changed with ALTER SYSTEM, reloaded and restarted as a rollout would.
let pg: PrivatePostgres;
const session = () => createDirectSession({ connectionString: pg.url }, 10_000);
const withSession = async <T>(fn: (s: SqlSession) => Promise<T>): Promise<T> => {
  const s = await session();
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
};

beforeAll(async () => {
  pg = await startPrivatePostgres();
}, 60_000);
afterAll(async () => {
  await pg?.stop();
});

describe('PostgreSQL settings, against a real server', () => {
  it('plans from pg_settings: the diff, and a restart for postmaster settings only', async () => {
    const rows = await withSession(readPostgresSettings);
    const plan = planPostgresSettings(rows, {
      max_connections: '200',
      shared_buffers: '256MB',
      work_mem: '8MB',
    });
    if (!plan.ok) throw plan.error;
    expect(plan.value.changes).toEqual([
      { name: 'max_connections', before: '100', after: '200', afterUnits: 200, restart: true },
      { name: 'shared_buffers', before: '128MB', after: '256MB', afterUnits: 32768, restart: true },
      { name: 'work_mem', before: '4MB', after: '8MB', afterUnits: 8192, restart: false },
    ]);
    expect(plan.value.restart).toBe(true);
    // A setting already at the value is no change.
    const same = planPostgresSettings(rows, { work_mem: '4MB' });
    expect(same.ok && same.value.changes).toEqual([]);
  });

  it('refuses what PostgreSQL would refuse, with its range, and a name outside the knob set', async () => {
    const rows = await withSession(readPostgresSettings);
    const refused = planPostgresSettings(rows, {
      work_mem: '10kB',
      shared_bufers: '1GB',
      max_connections: '1MB',
    });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.userMessage).toContain(
      'work_mem = 10kB is outside the range PostgreSQL allows (64kB … ',
    );
    expect(refused.error.userMessage).toContain('did you mean `shared_buffers`');
    expect(refused.error.userMessage).toContain('max_connections: `1MB`: this setting takes a plain number');
    // What the server itself answers to the same value: the plan's range is the server's.
    const error = await withSession((s) => s.query("ALTER SYSTEM SET work_mem = '10kB'")).catch(
      (e: unknown) => e,
    );
    expect(String((error as Error).message)).toMatch(
      /outside the valid range for parameter "work_mem" \(64 \.\. /,
    );
  });

  it('applies with ALTER SYSTEM and a reload, is verified only after the restart it needs, and rolls back', async () => {
    const before = await withSession(readPostgresSettings);
    const planned = planPostgresSettings(before, { shared_buffers: '256MB', work_mem: '8MB' });
    if (!planned.ok) throw planned.error;
    const plan = planned.value;
    await withSession((s) => applyPostgresPlan(s, plan));
    // The reload applies work_mem; shared_buffers waits for a restart (pending_restart = t).
    const reloaded = await withSession((s) => verifyPostgresPlan(s, plan));
    expect(reloaded.applied).toBe(false);
    expect(reloaded.notYet).toEqual([expect.stringMatching(/^shared_buffers: 16384 8kB, pending restart$/)]);
    expect(reloaded.fileErrors).toEqual([]);
    await pg.restart();
    const restarted = await withSession((s) => verifyPostgresPlan(s, plan));
    expect(restarted).toEqual({ applied: true, notYet: [], fileErrors: [] });
    expect((await withSession((s) => s.query('SHOW shared_buffers'))).rows[0]?.[0]).toBe('256MB');
    // Rollback: the snapshot taken before, planned and applied the same way.
    const now = await withSession(readPostgresSettings);
    const snapshot = Object.fromEntries(
      before.filter((r) => plan.changes.some((c) => c.name === r.name)).map((r) => [r.name, r.setting]),
    );
    const back = planPostgresSettings(now, snapshot);
    if (!back.ok) throw back.error;
    await withSession((s) => applyPostgresPlan(s, back.value));
    await pg.restart();
    expect(await withSession((s) => verifyPostgresPlan(s, back.value))).toMatchObject({ applied: true });
    expect((await withSession((s) => s.query('SHOW shared_buffers'))).rows[0]?.[0]).toBe('128MB');
  }, 60_000);
});
