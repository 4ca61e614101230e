import { describe, expect, it } from 'vitest';
import {
  changesBetween,
  optionsFromParams,
  pickBaseline,
} from '../../../src/analysis/validation-baseline.js';
import type { ChangeRecord } from '../../../src/changes/record.js';
import type { ProbeResult } from '../../../src/results/schema.js';

const result = (id: string, finishedAt: string, service: ProbeResult['service'] = 'kafka'): ProbeResult => ({
  id,
  service,
  startedAt: finishedAt,
  finishedAt,
  params: { records: 5000, acks: 'all', topic: 't', runs: 5, warmup: true },
  metrics: [],
  runs: [],
  summary: [],
  context: { simulated: true },
  previousId: null,
});

const change = (id: string, appliedAt: string | undefined, service: ChangeRecord['service'] = 'kafka') =>
  ({
    id,
    service,
    state: appliedAt === undefined ? 'proposed' : 'applied',
    version: 3,
    requestedBy: 'U1',
    approvals: [],
    history:
      appliedAt === undefined
        ? []
        : [
            { actor: 'U1', at: '2026-12-01T09:00:00.000Z', from: 'proposed', to: 'approved' },
            { actor: 'U1', at: appliedAt, from: 'applying', to: 'applied' },
          ],
    plan: null,
  }) as unknown as ChangeRecord;

const history = [
  result('r1', '2026-12-01T08:00:00.000Z'),
  result('r2', '2026-12-01T09:30:00.000Z'),
  result('r3', '2026-12-01T11:00:00.000Z'),
  result('t1', '2026-12-01T10:30:00.000Z', 'trino'),
];

describe('pickBaseline', () => {
  it('takes the last result finished before the most recent applied change of the service', () => {
    const changes = [
      change('chg-old', '2026-12-01T08:30:00.000Z'),
      change('chg-new', '2026-12-01T10:00:00.000Z'),
      change('chg-trino', '2026-12-01T10:45:00.000Z', 'trino'),
      change('chg-proposed', undefined),
    ];
    const pick = pickBaseline({ service: 'kafka', history, changes });
    expect(pick).toMatchObject({ ok: true, before: { id: 'r2' } });
    if (pick.ok) expect(pick.why).toContain('chg-new');
  });

  it('without an applied change, takes the last result of the service', () => {
    const pick = pickBaseline({ service: 'kafka', history, changes: [change('chg-p', undefined)] });
    expect(pick).toMatchObject({ ok: true, before: { id: 'r3' } });
  });

  it('when every result is newer than the change, takes the last result and says so', () => {
    const pick = pickBaseline({
      service: 'kafka',
      history,
      changes: [change('c', '2026-12-01T07:00:00.000Z')],
    });
    expect(pick).toMatchObject({ ok: true, before: { id: 'r3' } });
    if (pick.ok) expect(pick.why).toMatch(/none finished before change c/);
  });

  it('--against wins, and must be a result of the same service', () => {
    const r1 = history[0] as ProbeResult;
    expect(
      pickBaseline({ service: 'kafka', history, changes: [], against: r1, againstId: 'r1' }),
    ).toMatchObject({
      ok: true,
      before: { id: 'r1' },
    });
    const t1 = history[3] as ProbeResult;
    expect(pickBaseline({ service: 'kafka', history, changes: [], against: t1, againstId: 't1' })).toEqual({
      ok: false,
      reason: 't1 measured trino, not kafka',
    });
    expect(pickBaseline({ service: 'kafka', history, changes: [], againstId: 'nope' })).toEqual({
      ok: false,
      reason: 'no stored result nope',
    });
  });

  it('refuses with the reason when the service has no result', () => {
    expect(pickBaseline({ service: 'ray', history, changes: [] })).toEqual({
      ok: false,
      reason: 'no stored result of ray to compare with',
    });
  });
});

describe('changesBetween', () => {
  it('lists the changes of the service applied between the two results, oldest first', () => {
    const changes = [
      change('b', '2026-12-01T10:00:00.000Z'),
      change('a', '2026-12-01T09:45:00.000Z'),
      change('late', '2026-12-01T12:00:00.000Z'),
      change('other', '2026-12-01T10:00:00.000Z', 'trino'),
    ];
    const ids = changesBetween(changes, 'kafka', '2026-12-01T09:30:00.000Z', '2026-12-01T11:00:00.000Z');
    expect(ids.map((c) => c.id)).toEqual(['a', 'b']);
  });
});

describe('optionsFromParams', () => {
  it('reads back the options the service takes, never the run count', () => {
    const params = { records: 5000, acks: 'all', topic: 't', runs: 5, warmup: true, recordSize: 'x' };
    expect(optionsFromParams(params, ['runs', 'records', 'recordSize', 'acks'])).toEqual({
      records: 5000,
      acks: 'all',
    });
  });
});
