/**
 * The append-only audit log: every refusal, command and (later) change transition, with who and when.
 * It is also the change ledger the report is made from. Implemented over a Redis stream
 * (`store/redis-store.ts`) and a JSON-lines file (`store/file-store.ts`).
 */
export interface AuditEntry {
  /** ISO time, set by the log. */
  at?: string;
  actor: string;
  action: string;
  outcome: 'ok' | 'refused' | 'failed';
  detail?: Record<string, string | number | boolean>;
}

export interface AuditLog {
  append(entry: AuditEntry): Promise<void>;
  /** Newest last. */
  read(limit: number): Promise<(AuditEntry & { at: string })[]>;
}
