import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  computeActivity,
  type DbSnapshot,
  parseAtOutput,
  parsePsqlTimings,
  parseSettings,
  parseSnapshot,
  settingsContext,
  summarizeLatency,
} from '../../../../src/probes/postgres/parse.js';

const fixture = (name: string) => readFileSync(new URL(`../../../fixtures/${name}`, import.meta.url), 'utf8');

const snap = (over: Partial<DbSnapshot> = {}): DbSnapshot => ({
  xactCommit: 1000,
  xactRollback: 10,
  blksRead: 100,
  blksHit: 9900,
  connections: 20,
  maxConnections: 100,
  serverEpoch: 1_700_000_000,
  ...over,
});

describe('parseAtOutput', () => {
  it('splits psql -At rows on the unit separator and keeps NULL as an empty cell', () => {
    expect(parseAtOutput('a\u001f\u001fc\nd\u001fe\u001ff\n')).toEqual([
      ['a', '', 'c'],
      ['d', 'e', 'f'],
    ]);
  });

  it('honours another separator and drops blank lines', () => {
    expect(parseAtOutput('1|2\n\n3|4\r\n', '|')).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
  });
});

describe('parsePsqlTimings', () => {
  it('reads one duration per query from real psql 15 \\timing output', () => {
    const timings = parsePsqlTimings(fixture('psql-15-timing-20.txt'));
    expect(timings).toHaveLength(20);
    expect(timings.every((t) => t > 0 && t < 100)).toBe(true);
  });

  it('reads durations of a second and more, printed with a clock suffix', () => {
    const [slow, fast] = parsePsqlTimings(fixture('psql-15-timing-over-1s.txt'));
    expect(slow).toBeCloseTo(1102.662, 3);
    expect(fast).toBeCloseTo(0.218, 3);
  });

  it('accepts a translated label and a decimal comma, and ignores rows and the banner', () => {
    expect(parsePsqlTimings('Timing is on.\nZeit: 0,457 ms\npg_class\u001f14\nTime: 12.5 ms\n')).toEqual([
      0.457, 12.5,
    ]);
  });
});

describe('parseSnapshot', () => {
  it('parses a real pg_stat_database snapshot row', () => {
    const result = parseSnapshot(parseAtOutput(fixture('psql-15-snapshot-1.txt')));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.maxConnections).toBe(100);
    expect(result.value.serverEpoch).toBeGreaterThan(1_600_000_000);
    expect(result.value.xactCommit).toBeGreaterThan(0);
  });

  it('fails with probe_failed on no row, two rows, or a non-numeric cell', () => {
    for (const rows of [[], [['1'], ['2']], [['x', '0', '0', '0', '1', '100', '1.5']]]) {
      const result = parseSnapshot(rows);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('probe_failed');
    }
  });
});

describe('computeActivity', () => {
  it('divides the transactions by the server interval between two real snapshots', () => {
    const a = parseSnapshot(parseAtOutput(fixture('psql-15-snapshot-1.txt')));
    const b = parseSnapshot(parseAtOutput(fixture('psql-15-snapshot-2.txt')));
    if (!a.ok || !b.ok) throw new Error('fixtures do not parse');
    const result = computeActivity(a.value, b.value);
    if (!result.ok) throw result.error;
    const dt = b.value.serverEpoch - a.value.serverEpoch;
    const xacts = b.value.xactCommit + b.value.xactRollback - a.value.xactCommit - a.value.xactRollback;
    expect(result.value.tps).toBeCloseTo(xacts / dt, 6);
    expect(result.value.cacheHitRatio).toBe(1);
  });

  it('computes TPS, rollback ratio, cache hit ratio and connections against max', () => {
    const result = computeActivity(
      snap(),
      snap({
        xactCommit: 1490,
        xactRollback: 20,
        blksRead: 150,
        blksHit: 10_850,
        connections: 25,
        serverEpoch: 1_700_000_005,
      }),
    );
    if (!result.ok) throw result.error;
    expect(result.value).toEqual({
      intervalSeconds: 5,
      tps: 100,
      rollbackRatio: 10 / 500,
      cacheHitRatio: 950 / 1000,
      connections: 25,
      maxConnections: 100,
      connectionsPctOfMax: 25,
    });
  });

  it('reports no cache hit ratio and no rollback ratio when nothing happened (inconclusive, not perfect)', () => {
    const result = computeActivity(snap(), snap({ serverEpoch: 1_700_000_005 }));
    if (!result.ok) throw result.error;
    expect(result.value.tps).toBe(0);
    expect(result.value.cacheHitRatio).toBeNull();
    expect(result.value.rollbackRatio).toBeNull();
  });

  it('refuses a server clock that did not advance and counters that went backwards', () => {
    expect(computeActivity(snap(), snap()).ok).toBe(false);
    expect(computeActivity(snap(), snap({ xactCommit: 5, serverEpoch: 1_700_000_005 })).ok).toBe(false);
  });
});

describe('parseSettings', () => {
  it('reads the runbook settings of a real server, with units and bytes', () => {
    const result = parseSettings(parseAtOutput(fixture('psql-15-settings.txt')));
    if (!result.ok) throw result.error;
    const byName = Object.fromEntries(result.value.map((s) => [s.name, s]));
    expect(Object.keys(byName).sort()).toEqual([
      'effective_cache_size',
      'maintenance_work_mem',
      'max_connections',
      'shared_buffers',
      'work_mem',
    ]);
    expect(byName.shared_buffers).toMatchObject({
      unit: '8kB',
      context: 'postmaster',
      display: '128MB',
      bytes: 128 * 1024 ** 2,
    });
    expect(byName.work_mem?.bytes).toBe(4 * 1024 ** 2);
    expect(byName.max_connections?.bytes).toBeUndefined();
    expect(settingsContext(result.value)).toMatchObject({ shared_buffers: '128MB', max_connections: '100' });
  });

  it('fails on a row with missing columns', () => {
    expect(parseSettings([['work_mem', '4096']]).ok).toBe(false);
  });
});

describe('summarizeLatency', () => {
  it('gives ordered percentiles and the mean', () => {
    const durations = Array.from({ length: 100 }, (_, i) => i + 1);
    const result = summarizeLatency(durations);
    if (!result.ok) throw result.error;
    expect(result.value).toMatchObject({ n: 100, p50: 50.5, mean: 50.5 });
    expect(result.value.p95).toBeGreaterThanOrEqual(95);
    expect(result.value.p95).toBeLessThanOrEqual(96);
    expect(result.value.p99).toBeGreaterThanOrEqual(99);
    expect(result.value.p99).toBeLessThanOrEqual(100);
  });

  it('fails on no durations', () => {
    expect(summarizeLatency([]).ok).toBe(false);
  });
});
