import { describe, expect, it } from 'vitest';
import type { PgPlan, PostgresSetting } from '../../../src/changes/postgres/settings.js';
import { PostgresActionSchema, restoreAction } from '../../../src/changes/sets/postgres-pool.js';

const plan: PgPlan = {
  changes: [
    { name: 'work_mem', before: '6MB', after: '8MB', afterUnits: 8192, restart: false },
    { name: 'shared_buffers', before: '128MB', after: '512MB', afterUnits: 65536, restart: true },
    { name: 'max_connections', before: '100', after: '200', afterUnits: 200, restart: true },
  ],
  restart: true,
};

describe('restoreAction', () => {
  it('sets again what postgresql.auto.conf had (its own value) and resets what it did not', () => {
    const auto = new Map<PostgresSetting, string>([
      ['work_mem', '6MB'],
      ['max_connections', '150'],
    ]);
    expect(restoreAction(plan, auto)).toEqual({
      set: [
        { name: 'work_mem', value: '6MB' },
        // Pending a restart before the change: the file's value, not the running one.
        { name: 'max_connections', value: '150' },
      ],
      reset: [{ name: 'shared_buffers', value: '128MB' }],
    });
  });

  it("falls back to the value before when the file's is not a plain size", () => {
    const auto = new Map<PostgresSetting, string>([['work_mem', '6 MB']]);
    expect(restoreAction(plan, auto).set).toEqual([{ name: 'work_mem', value: '6MB' }]);
  });

  it('reads a stored action from before resets existed as one without any', () => {
    expect(PostgresActionSchema.parse({ set: [{ name: 'work_mem', value: '4MB' }] })).toEqual({
      set: [{ name: 'work_mem', value: '4MB' }],
      reset: [],
    });
  });
});
