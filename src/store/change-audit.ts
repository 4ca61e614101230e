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
  return {
    at: step?.at ?? next.createdAt,
    actor: step?.actor ?? next.requestedBy,
    action: 'change.transition',
    outcome: 'ok',
    detail: {
      change: next.id,
      service: next.service,
      from: before.state,
      to: next.state,
      version: next.version,
    },
  };
}
