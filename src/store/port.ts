import type { ServiceName } from '../domain/services.js';
import type { ProbeResult } from '../results/schema.js';
import type { AuditLog } from './audit.js';

/**
 * Where results, the audit ledger and a few coordination records live. Redis in the bot and the
 * workers (`redis-store.ts`); the CLI falls back to files when no Redis answers (`file-store.ts`).
 *
 * @example await store.saveResult(result); const last = await store.latest('kafka')
 */
export interface ResultStore {
  saveResult(result: ProbeResult): Promise<void>;
  getResult(id: string): Promise<ProbeResult | undefined>;
  /** The newest stored result of a service (the "last baseline" a new one is compared with). */
  latest(service: ServiceName): Promise<ProbeResult | undefined>;
  /** Up to `limit` newest results, oldest first. */
  history(service: ServiceName, limit: number): Promise<ProbeResult[]>;
  /**
   * Records that something was delivered (a result posted in a thread) with a value (the result id).
   * True the first time for a key, false after: a retried job posts its result once.
   */
  markDelivered(key: string, value: string): Promise<boolean>;
  /** The value recorded by `markDelivered`, if the key was delivered. */
  delivered(key: string): Promise<string | undefined>;
  /**
   * Takes the per-service measurement lock (benchmark hygiene: one measurement at a time, none
   * while a change is in flight). Re-entrant for the same owner, so a retried job takes it again.
   */
  acquireLock(scope: LockScope, service: ServiceName, owner: string, ttlMs: number): Promise<LockOutcome>;
  releaseLock(scope: LockScope, service: ServiceName, owner: string): Promise<void>;
  /** Who holds a lock, if anyone. */
  lockHolder(scope: LockScope, service: ServiceName): Promise<string | undefined>;
  audit: AuditLog;
  /** Where it keeps things, for humans ("redis://… prefix perfbot", "/home/me/.perfbot"). */
  describe(): string;
  close(): Promise<void>;
}

/** `measure`: a baseline is running; `change`: a change to the service is in flight. */
export type LockScope = 'measure' | 'change';

export type LockOutcome = { acquired: true } | { acquired: false; holder: string };
