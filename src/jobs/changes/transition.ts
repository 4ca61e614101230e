import type { ChangeRecord, TransitionRequest } from '../../changes/record.js';
import type { ChangeState } from '../../changes/state.js';
import { PerfError } from '../../errors.js';
import type { ChangeRecords } from '../../store/changes.js';

/** How many times a compare-and-set is tried again after losing to another writer. */
const CAS_ROUNDS = 25;

export type MoveOutcome =
  | { ok: true; record: ChangeRecord }
  | { ok: false; record: ChangeRecord | undefined };

/**
 * Moves a record to `to` from one of `from`, re-reading it after each lost compare-and-set (someone
 * else moved it first): ok with the new record, or not, with the record as it now stands (another
 * writer took it elsewhere). `patch` may depend on the record read.
 *
 * @example await moveRecord(store.changes, id, ['applying'], 'applied', { actor, at, patch: () => ({ outcome }) })
 */
export async function moveRecord(
  changes: ChangeRecords,
  id: string,
  from: readonly ChangeState[],
  to: ChangeState,
  step: { actor: string; at: string; patch?: (record: ChangeRecord) => TransitionRequest['patch'] },
): Promise<MoveOutcome> {
  for (let round = 0; round < CAS_ROUNDS; round++) {
    const record = await changes.get(id);
    if (!record || !from.includes(record.state)) return { ok: false, record };
    const patch = step.patch?.(record);
    const moved = await changes.transition(id, {
      expectedVersion: record.version,
      to,
      actor: step.actor,
      at: step.at,
      ...(patch === undefined ? {} : { patch }),
    });
    if (moved.ok) return { ok: true, record: moved.record };
    if (moved.reason !== 'stale') return { ok: false, record };
  }
  throw new PerfError('conflict', `change ${id}: ${CAS_ROUNDS} compare-and-set rounds lost`, {
    userMessage: `Change ${id} is being changed by many at once: try again in a moment.`,
    retryable: true,
  });
}
