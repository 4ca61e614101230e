import { z } from 'zod';
import { ComponentNameSchema } from '../domain/components.js';
import { CHANGE_STATES, type ChangeState, canTransition } from './state.js';

const ChangeStateSchema = z.enum(CHANGE_STATES);

/** One step of a change's history: who moved it, when, from which state to which. */
export const ChangeTransitionSchema = z.object({
  actor: z.string().min(1),
  /** ISO time. */
  at: z.string(),
  from: ChangeStateSchema,
  to: ChangeStateSchema,
});
export type ChangeTransition = z.infer<typeof ChangeTransitionSchema>;

/** One approval: who clicked Approve, when (ISO). */
export const ApprovalSchema = z.strictObject({ by: z.string().min(1), at: z.string() });
export type Approval = z.infer<typeof ApprovalSchema>;

/**
 * A change record as the store keeps it. `version` grows by one with each transition, so that two
 * people acting on the same card cannot both win (compare-and-set). `plan` is the tuning issue's.
 *
 * @example ChangeRecordSchema.parse({ id: 'c1', service: 'kafka', state: 'proposed', version: 1,
 *   requestedBy: 'U1', createdAt: '2026-11-24T10:00:00.000Z', expiresAt: '2026-11-24T11:00:00.000Z',
 *   history: [], plan: { knob: 'batch.size' } })
 */
export const ChangeRecordSchema = z.object({
  id: z.string().min(1),
  /** The component changed (a measured service, or dolphinscheduler, redis, superset). */
  service: ComponentNameSchema,
  state: ChangeStateSchema,
  version: z.number().int().nonnegative(),
  requestedBy: z.string().min(1),
  createdAt: z.string(),
  expiresAt: z.string(),
  history: z.array(ChangeTransitionSchema),
  plan: z.unknown(),
  /** Who approved so far (a high-risk change needs two distinct approvers). */
  approvals: z.array(ApprovalSchema).default([]),
  /** Where the card was posted, so that each step updates it in place. */
  card: z.strictObject({ channel: z.string(), ts: z.string(), threadTs: z.string() }).optional(),
  /** How it ended, for the ledger: one line, and the verification or the evidence. */
  outcome: z.strictObject({ summary: z.string(), lines: z.array(z.string()) }).optional(),
});
export type ChangeRecord = z.infer<typeof ChangeRecordSchema>;
/** What `changes.create` takes: a record whose defaulted fields may be left out. */
export type NewChangeRecord = z.input<typeof ChangeRecordSchema>;

/** What a caller asks of `changes.transition`: the version it saw, the state it wants, who and when. */
export interface TransitionRequest {
  expectedVersion: number;
  to: ChangeState;
  actor: string;
  /** ISO time. */
  at: string;
  /**
   * Fields to change with the state; never id, service, state or version. A transition from
   * `proposed` to `proposed` records an approval that is not yet enough (`patch.approvals`).
   */
  patch?: Partial<Pick<ChangeRecord, 'plan' | 'expiresAt' | 'approvals' | 'card' | 'outcome'>>;
}

/** Why a transition was refused. */
export type TransitionRefusal =
  | { reason: 'not_found' }
  | { reason: 'stale'; version: number }
  | { reason: 'illegal'; from: ChangeState; to: ChangeState };

export type TransitionOutcome = { ok: true; record: ChangeRecord } | ({ ok: false } & TransitionRefusal);

/** The record after a transition, or why not (pure; the stores make it atomic). */
export function applyTransition(record: ChangeRecord, request: TransitionRequest): TransitionOutcome {
  if (record.version !== request.expectedVersion)
    return { ok: false, reason: 'stale', version: record.version };
  const approvalStep = record.state === 'proposed' && request.to === 'proposed';
  if (!approvalStep && !canTransition(record.state, request.to))
    return { ok: false, reason: 'illegal', from: record.state, to: request.to };
  const step = { actor: request.actor, at: request.at, from: record.state, to: request.to };
  return {
    ok: true,
    record: {
      ...record,
      ...request.patch,
      state: request.to,
      version: record.version + 1,
      history: [...record.history, step],
    },
  };
}
