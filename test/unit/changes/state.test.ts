import { describe, expect, it } from 'vitest';
import { applyTransition, type ChangeRecord, ChangeRecordSchema } from '../../../src/changes/record.js';
import { CHANGE_STATES, type ChangeState, canTransition, isFinal } from '../../../src/changes/state.js';

const LEGAL: readonly [ChangeState, ChangeState][] = [
  ['proposed', 'approved'],
  ['proposed', 'rejected'],
  ['proposed', 'expired'],
  ['approved', 'applying'],
  ['approved', 'rejected'],
  ['approved', 'expired'],
  ['applying', 'applied'],
  ['applying', 'rolled_back'],
  ['applying', 'failed'],
  ['applied', 'rolled_back'],
];

const aChange = (overrides: Partial<ChangeRecord> = {}): ChangeRecord =>
  ChangeRecordSchema.parse({
    id: 'c1',
    service: 'kafka',
    state: 'proposed',
    version: 1,
    requestedBy: 'U1',
    createdAt: '2026-11-24T10:00:00.000Z',
    expiresAt: '2026-11-24T11:00:00.000Z',
    history: [],
    plan: { knob: 'batch.size', to: 65536 },
    ...overrides,
  });

describe('the change state machine', () => {
  it('allows exactly the documented transitions', () => {
    for (const from of CHANGE_STATES) {
      for (const to of CHANGE_STATES) {
        const legal = LEGAL.some(([f, t]) => f === from && t === to);
        expect(canTransition(from, to), `${from} → ${to}`).toBe(legal);
      }
    }
  });

  it('ends in rolled_back, failed, rejected and expired', () => {
    expect(CHANGE_STATES.filter(isFinal)).toEqual(['rolled_back', 'failed', 'rejected', 'expired']);
  });

  it('moves a record one version on, recording who moved it from where, and applies the patch', () => {
    const at = '2026-11-24T10:05:00.000Z';
    const next = applyTransition(aChange(), {
      expectedVersion: 1,
      to: 'approved',
      actor: 'U2',
      at,
      patch: { plan: { knob: 'batch.size', to: 32768 } },
    });
    expect(next).toEqual({
      ok: true,
      record: aChange({
        state: 'approved',
        version: 2,
        history: [{ actor: 'U2', at, from: 'proposed', to: 'approved' }],
        plan: { knob: 'batch.size', to: 32768 },
      }),
    });
  });

  it('refuses a stale version before an illegal state, and says which', () => {
    const at = '2026-11-24T10:05:00.000Z';
    expect(
      applyTransition(aChange({ version: 3 }), { expectedVersion: 1, to: 'applied', actor: 'U2', at }),
    ).toEqual({ ok: false, reason: 'stale', version: 3 });
    expect(applyTransition(aChange(), { expectedVersion: 1, to: 'applied', actor: 'U2', at })).toEqual({
      ok: false,
      reason: 'illegal',
      from: 'proposed',
      to: 'applied',
    });
  });
});
