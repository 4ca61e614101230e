import type { ComponentName } from '../domain/components.js';
import type { LockScope } from './keys.js';

/**
 * Taken, with the fencing token of this holding; or who holds what instead (`scope` says which lock
 * refused). A holder equal to the asking owner is another attempt of the same job, still alive.
 */
export type LockOutcome =
  | { acquired: true; token: string }
  | { acquired: false; holder: string; scope: LockScope };

/** A lock held now: who holds it and until when (ms since the epoch), as `perfbot status` shows it. */
export interface HeldLock {
  scope: LockScope;
  service: ComponentName;
  owner: string;
  expiresAt: number;
}

/**
 * Per-service locks for benchmark hygiene: one measurement at a time and none while a change is in
 * flight, nor a change while a measurement runs. Each acquire checks both locks and takes one in a
 * single atomic step. Locks expire after their TTL, so that one left by a dead worker frees itself.
 *
 * Every acquire that succeeds returns a fresh fencing token: only that token refreshes or releases
 * the lock. So a second attempt of one job (BullMQ put it back in the queue while the first still
 * runs) is refused like any other owner, and nothing that lacks the token (the stalled handler, a
 * stale attempt) frees a lock another attempt holds.
 *
 * @example const lock = await locks.acquireMeasure('kafka', jobId, 60_000); if (lock.acquired) await locks.release('measure', 'kafka', lock.token)
 */
export interface Locks {
  /** Refused while a change holds the service or a measurement (of any owner, this one's other attempts too) runs. */
  acquireMeasure(service: ComponentName, owner: string, ttlMs: number): Promise<LockOutcome>;
  /** Refused while a measurement runs or a change (any owner) holds the service. */
  acquireChange(service: ComponentName, owner: string, ttlMs: number): Promise<LockOutcome>;
  /** Sets a new TTL if `token` still holds the lock: true when it did. */
  refresh(scope: LockScope, service: ComponentName, token: string, ttlMs: number): Promise<boolean>;
  /**
   * Marks the holding of `token` alive for `ttlMs` (a heartbeat, beaten more often than that while
   * it measures): false when `token` no longer holds the lock.
   */
  heartbeat(scope: LockScope, service: ComponentName, token: string, ttlMs: number): Promise<boolean>;
  /** True while the current holding's heartbeat is fresh. */
  alive(scope: LockScope, service: ComponentName): Promise<boolean>;
  /**
   * Frees a lock held in `owner`'s name whose heartbeat has stopped (its worker died): for a later
   * attempt of the same job, after it waited long enough for a live one to beat. True when freed.
   */
  releaseDead(scope: LockScope, service: ComponentName, owner: string): Promise<boolean>;
  /** Releases a lock if `token` holds it (compare-and-delete); otherwise does nothing. */
  release(scope: LockScope, service: ComponentName, token: string): Promise<void>;
  /**
   * Frees a lock held in `owner`'s name, whatever its token: for `perfbot unlock`, once it has made
   * sure that owner is gone (its process ended, its job is no longer active). True when freed.
   */
  releaseOwner(scope: LockScope, service: ComponentName, owner: string): Promise<boolean>;
  /** Who holds a lock, if anyone. */
  holder(scope: LockScope, service: ComponentName): Promise<string | undefined>;
  /** Every lock held now (expired ones are free, so not listed), by service then scope. */
  list(): Promise<HeldLock[]>;
}
