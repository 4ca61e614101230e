import type { ServiceName } from '../domain/services.js';
import type { LockScope } from './keys.js';

/** Taken, or who holds what instead (`scope` says which lock refused). */
export type LockOutcome = { acquired: true } | { acquired: false; holder: string; scope: LockScope };

/** A lock held now: who holds it and until when (ms since the epoch), as `perfbot status` shows it. */
export interface HeldLock {
  scope: LockScope;
  service: ServiceName;
  owner: string;
  expiresAt: number;
}

/**
 * Per-service locks for benchmark hygiene: one measurement at a time and none while a change is in
 * flight, nor a change while a measurement runs. Each acquire checks both locks and takes one in a
 * single atomic step. Locks expire after their TTL, so that one left by a dead worker frees itself.
 *
 * @example const lock = await locks.acquireMeasure('kafka', jobId, 60_000); if (!lock.acquired) ...
 */
export interface Locks {
  /** Refused while a change holds the service or another owner measures it; re-entrant, refreshing the TTL. */
  acquireMeasure(service: ServiceName, owner: string, ttlMs: number): Promise<LockOutcome>;
  /** Refused while a measurement runs or another change holds the service; re-entrant, refreshing the TTL. */
  acquireChange(service: ServiceName, owner: string, ttlMs: number): Promise<LockOutcome>;
  /** Releases a lock if `owner` holds it (compare-and-delete); otherwise does nothing. */
  release(scope: LockScope, service: ServiceName, owner: string): Promise<void>;
  /** Who holds a lock, if anyone. */
  holder(scope: LockScope, service: ServiceName): Promise<string | undefined>;
  /** Every lock held now (expired ones are free, so not listed), by service then scope. */
  list(): Promise<HeldLock[]>;
}
