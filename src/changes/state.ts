/**
 * The life of a change to a service, as a pure state machine (no I/O): proposed → approved →
 * applying → applied | rolled_back | failed; a proposal may be rejected or expire before it is
 * applied, and an applied change may still be rolled back.
 */
export const ChangeState = {
  proposed: 'proposed',
  approved: 'approved',
  applying: 'applying',
  applied: 'applied',
  rolledBack: 'rolled_back',
  failed: 'failed',
  rejected: 'rejected',
  expired: 'expired',
} as const;
export type ChangeState = (typeof ChangeState)[keyof typeof ChangeState];

export const CHANGE_STATES = Object.values(ChangeState) as [ChangeState, ...ChangeState[]];

const NEXT: Readonly<Record<ChangeState, readonly ChangeState[]>> = {
  proposed: ['approved', 'rejected', 'expired'],
  approved: ['applying', 'rejected', 'expired'],
  applying: ['applied', 'rolled_back', 'failed'],
  applied: ['rolled_back'],
  rolled_back: [],
  failed: [],
  rejected: [],
  expired: [],
};

/** Whether a change may move from `from` to `to`. @example canTransition('proposed', 'approved') // true */
export function canTransition(from: ChangeState, to: ChangeState): boolean {
  return NEXT[from].includes(to);
}

/** A state with no way out. */
export function isFinal(state: ChangeState): boolean {
  return NEXT[state].length === 0;
}
