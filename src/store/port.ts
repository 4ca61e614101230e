import type { ServiceName } from '../domain/services.js';
import type { ProbeResult } from '../results/schema.js';
import type { AuditLog } from './audit.js';
import type { BottleneckAnswers } from './bottleneck-answers.js';
import type { ChangeRecords } from './changes.js';
import type { Journal } from './journal.js';
import type { Locks } from './locks.js';

/**
 * Everything perfbot keeps beyond one request, one small port per concept. Redis in the bot and the
 * workers (`redis-store.ts`); the CLI falls back to files when no Redis answers (`file-store.ts`).
 * The same contract suite (`test/integration/store-contract.test.ts`) runs against both.
 *
 * @example await store.results.save(result); const last = await store.results.latest('kafka')
 */
export interface Store {
  results: Results;
  journal: Journal;
  locks: Locks;
  audit: AuditLog;
  changes: ChangeRecords;
  /** The `/perf bottlenecks` answers, which Propose fix clicks read back. */
  bottlenecks: BottleneckAnswers;
  /** Where it keeps things, for humans ("redis://… prefix perfbot", "/home/me/.perfbot"). */
  describe(): string;
  close(): Promise<void>;
}

/** Measured results, trimmed to the newest `store.keepResults` per service. */
export interface Results {
  save(result: ProbeResult): Promise<void>;
  get(id: string): Promise<ProbeResult | undefined>;
  /** The newest stored result of a service (the "last baseline" a new one is compared with). */
  latest(service: ServiceName): Promise<ProbeResult | undefined>;
  /** Up to `limit` newest results, oldest first. */
  history(service: ServiceName, limit: number): Promise<ProbeResult[]>;
}
