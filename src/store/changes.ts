import type {
  ChangeRecord,
  NewChangeRecord,
  TransitionOutcome,
  TransitionRequest,
} from '../changes/record.js';
import type { ComponentName } from '../domain/components.js';

export type CreateOutcome = { ok: true } | { ok: false; reason: 'exists' };

/**
 * Change records with compare-and-set transitions: a transition names the version it saw and is
 * refused when the version moved (someone acted first) or the state machine forbids it
 * (`changes/state.ts`). Each creation and transition is appended to the audit log in the same step.
 *
 * @example await changes.transition('c1', { expectedVersion: 1, to: 'approved', actor: 'U2', at })
 */
export interface ChangeRecords {
  /** Stores a new record (defaulted fields filled, as the schema gives them). */
  create(record: NewChangeRecord): Promise<CreateOutcome>;
  get(id: string): Promise<ChangeRecord | undefined>;
  transition(id: string, request: TransitionRequest): Promise<TransitionOutcome>;
  /** Every change (of one service), oldest first. */
  list(service?: ComponentName): Promise<ChangeRecord[]>;
}
