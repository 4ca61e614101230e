import { describe, expect, it } from 'vitest';
import { decideApproval, mayReject } from '../../../src/changes/approval.js';
import { applyTransition, type ChangeRecord, ChangeRecordSchema } from '../../../src/changes/record.js';
import { PlatformConfigSchema } from '../../../src/config/platform.js';

const access = (over: Record<string, unknown> = {}) =>
  PlatformConfigSchema.parse({ access: { approvers: ['UAPPR1', 'UAPPR2', 'SOPS'], ...over } }).access;

const proposed = (over: Partial<ChangeRecord> = {}): ChangeRecord =>
  ChangeRecordSchema.parse({
    id: 'chg-1',
    service: 'dolphinscheduler',
    state: 'proposed',
    version: 1,
    requestedBy: 'UREQ',
    createdAt: '2026-12-01T10:00:00.000Z',
    expiresAt: '2026-12-01T11:00:00.000Z',
    history: [],
    plan: null,
    ...over,
  });

describe('the approval policy', () => {
  it('low risk: one approver is enough', () => {
    expect(decideApproval(proposed(), { risk: 'low' }, 'UAPPR1', [], access())).toEqual({ kind: 'approved' });
  });

  it('an approver by group counts; a stranger is told who may approve', () => {
    expect(decideApproval(proposed(), { risk: 'low' }, 'UOTHER', ['SOPS'], access()).kind).toBe('approved');
    const refused = decideApproval(proposed(), { risk: 'low' }, 'UOTHER', [], access());
    expect(refused.kind).toBe('refused');
    if (refused.kind === 'refused') {
      expect(refused.message).toContain('<@UAPPR1>');
      expect(refused.message).toContain('<!subteam^SOPS>');
      expect(refused.allowed).toEqual(['UAPPR1', 'UAPPR2', 'SOPS']);
    }
  });

  it('low risk: the requester is barred unless access.requesterMayApprove', () => {
    const self = proposed({ requestedBy: 'UAPPR1' });
    expect(decideApproval(self, { risk: 'low' }, 'UAPPR1', [], access()).kind).toBe('refused');
    expect(
      decideApproval(self, { risk: 'low' }, 'UAPPR1', [], access({ requesterMayApprove: true })).kind,
    ).toBe('approved');
  });

  it('high risk: two distinct approvers, neither the requester, even when self-approval is allowed', () => {
    const open = { requesterMayApprove: true };
    const first = decideApproval(proposed(), { risk: 'high' }, 'UAPPR1', [], access(open));
    expect(first).toEqual({ kind: 'recorded', have: 1, needed: 2 });
    const once = proposed({ approvals: [{ by: 'UAPPR1', at: '2026-12-01T10:01:00.000Z' }] });
    expect(decideApproval(once, { risk: 'high' }, 'UAPPR1', [], access(open)).kind).toBe('refused');
    expect(decideApproval(once, { risk: 'high' }, 'UAPPR2', [], access(open))).toEqual({ kind: 'approved' });
    const self = proposed({ requestedBy: 'UAPPR2', approvals: once.approvals });
    expect(decideApproval(self, { risk: 'high' }, 'UAPPR2', [], access(open)).kind).toBe('refused');
  });

  it('refuses a click on a change that is no longer proposed', () => {
    const done = proposed({ state: 'applied' });
    const decision = decideApproval(done, { risk: 'low' }, 'UAPPR1', [], access());
    expect(decision.kind).toBe('refused');
    if (decision.kind === 'refused') expect(decision.message).toMatch(/applied: nothing to approve/);
  });

  it('the requester or an approver may reject; nobody once it is applied', () => {
    expect(mayReject(proposed(), 'UREQ', [], access()).ok).toBe(true);
    expect(mayReject(proposed(), 'UAPPR2', [], access()).ok).toBe(true);
    expect(mayReject(proposed(), 'UOTHER', [], access()).ok).toBe(false);
    expect(mayReject(proposed({ state: 'applied' }), 'UAPPR2', [], access()).ok).toBe(false);
  });
});

describe('recording an approval on the record', () => {
  it('proposed → proposed with the approval, the version moving on; a stale version loses', () => {
    const record = proposed();
    const at = '2026-12-01T10:01:00.000Z';
    const approvals = [{ by: 'UAPPR1', at }];
    const step = applyTransition(record, {
      expectedVersion: 1,
      to: 'proposed',
      actor: 'UAPPR1',
      at,
      patch: { approvals },
    });
    expect(step.ok).toBe(true);
    if (!step.ok) return;
    expect(step.record.version).toBe(2);
    expect(step.record.approvals).toEqual(approvals);
    expect(step.record.history.at(-1)).toMatchObject({ from: 'proposed', to: 'proposed', actor: 'UAPPR1' });
    expect(applyTransition(record, { expectedVersion: 1, to: 'approved', actor: 'UAPPR2', at }).ok).toBe(
      true,
    );
    expect(applyTransition(step.record, { expectedVersion: 1, to: 'approved', actor: 'UAPPR2', at })).toEqual(
      {
        ok: false,
        reason: 'stale',
        version: 2,
      },
    );
  });

  it('no other state may step onto itself', () => {
    const applied = proposed({ state: 'applied' });
    const at = '2026-12-01T10:01:00.000Z';
    expect(applyTransition(applied, { expectedVersion: 1, to: 'applied', actor: 'U', at }).ok).toBe(false);
  });
});
