import type { ChangeRecord } from '../changes/record.js';
import type { AuditEntry } from './audit.js';

/** The audit entry of a new change record (the audit log is also the change ledger the report reads). */
export function createdEntry(record: ChangeRecord): AuditEntry & { at: string } {
  return {
    at: record.createdAt,
    actor: record.requestedBy,
    action: 'change.created',
    outcome: 'ok',
    detail: { change: record.id, service: record.service, state: record.state, version: record.version },
  };
}

/** The audit entry of one transition (the last step of `next.history`). */
export function transitionEntry(before: ChangeRecord, next: ChangeRecord): AuditEntry & { at: string } {
  const step = next.history[next.history.length - 1];
  // An approval that is not yet enough leaves the state as it was (a high-risk change needs two).
  const approval = before.state === next.state;
  return {
    at: step?.at ?? next.createdAt,
    actor: step?.actor ?? next.requestedBy,
    action: approval ? 'change.approval' : 'change.transition',
    outcome: 'ok',
    detail: {
      change: next.id,
      service: next.service,
      from: before.state,
      to: next.state,
      version: next.version,
      ...(approval ? { approvals: next.approvals.length } : {}),
    },
  };
}
