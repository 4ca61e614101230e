import type { ChangeRecord } from '../../changes/record.js';

/** How many changes `/perf changes` shows, newest last (the audit log keeps them all). */
export const LEDGER_ROWS = 30;

/** How many recent ended changes `/perf status` lists besides those in flight. */
const RECENT = 5;

const IN_FLIGHT: ReadonlySet<ChangeRecord['state']> = new Set(['proposed', 'approved', 'applying']);

/**
 * What `/perf status` lists of the changes (oldest first, as the store lists them): every change in
 * flight (proposed, approved, applying), then the most recent ones that ended.
 *
 * @example statusChanges(await store.changes.list())
 */
export function statusChanges(records: readonly ChangeRecord[]): ChangeRecord[] {
  const inFlight = records.filter((r) => IN_FLIGHT.has(r.state));
  const ended = records.filter((r) => !IN_FLIGHT.has(r.state)).slice(-RECENT);
  return [...ended, ...inFlight];
}
