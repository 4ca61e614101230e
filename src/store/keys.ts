import { createHash } from 'node:crypto';
import type { ComponentName } from '../domain/components.js';
import type { ServiceName } from '../domain/services.js';

/** `measure`: a baseline is running; `change`: a change to the service is in flight. */
export type LockScope = 'measure' | 'change';

/** The name of a step done once, made only by `JournalStep` (so no key string lives outside the store). */
export type JournalStep = string & { readonly __journalStep: true };

const step = (name: string) => name as JournalStep;

/**
 * The steps a job records once (their value in brackets), so that a retry neither re-measures
 * nor re-posts. The names are the journal's keys; they stay as they were before the store owned them.
 *
 * @example await deps.store.journal.record(JournalStep.measured(jobId), result.id)
 */
export const JournalStep = {
  /** A result was measured and saved (its id). */
  measured: (jobId: string) => step(`measured:${jobId}`),
  /** Everything of a job was posted (the result id). */
  posted: (jobId: string) => step(`posted:${jobId}`),
  /** The summary was posted (the result id). */
  summary: (jobId: string) => step(`summary:${jobId}`),
  /** One chart was posted (its filename). */
  chart: (jobId: string, filename: string) => step(`chart:${jobId}:${filename}`),
  /** A job's final failure was reported (its error code). */
  error: (jobId: string) => step(`error:${jobId}`),
  /** A child of `baseline all` posted its own status message (its ts). */
  childStatus: (jobId: string) => step(`status:${jobId}`),
  /** The overview of `baseline all` was posted (the parent's job id). */
  overview: (jobId: string) => step(`overview:${jobId}`),
  /** A `baseline all` was cancelled (by whom): its children check it before they measure. */
  flowCancelled: (flowId: string) => step(`cancelled:${flowId}`),
  /** A `baseline all` thread's status said "running" (the flow id). */
  flowRunning: (flowId: string) => step(`running:${flowId}`),
  /** The `ts` of a job's thread root message, posted by the bot after it queued the job (`jobs/root-message.ts`). */
  rootMessage: (jobId: string) => step(`root:${jobId}`),
  /** A change's outcome was posted in its thread (its final state). */
  changeOutcome: (changeId: string) => step(`change-outcome:${changeId}`),
  /** A later stage of a `baseline all` was queued under its parent (the flow id). */
  flowStage: (flowId: string, stage: number) => step(`stage:${flowId}:${stage}`),
  /**
   * A Slack request was handled (`recordOnce`, for Bolt's 5-minute replay window): named by a hash of
   * what identifies it (its signature, or Socket Mode's trigger id), so the key's length is bounded.
   */
  request: (fingerprint: string) =>
    step(`request:${createHash('sha256').update(fingerprint).digest('hex').slice(0, 32)}`),
} as const;

/**
 * Every Redis key perfbot writes, under one prefix (`PERFBOT_REDIS_PREFIX`), so that several
 * instances or test runs share one Redis. This module is the only owner of key strings.
 */
export function createKeys(prefix: string) {
  return {
    /** JSON of one ProbeResult. */
    result: (id: string) => `${prefix}:result:${id}`,
    /** Sorted set of result ids per service, scored by finish time (ms). */
    results: (service: ServiceName) => `${prefix}:results:${service}`,
    /** Stream: the append-only audit log and change ledger. */
    audit: () => `${prefix}:audit`,
    /** A journal step's value (the key name is kept from when it was called "delivered"). */
    journal: (name: JournalStep) => `${prefix}:delivered:${name}`,
    lock: (scope: LockScope, service: ComponentName) => `${prefix}:lock:${scope}:${service}`,
    /** The heartbeat of a lock's holding: its token, with a short TTL, while its attempt lives. */
    lockBeat: (scope: LockScope, service: ComponentName) => `${prefix}:lock:${scope}:${service}:alive`,
    /** Hash of one change record: `version` and `record` (JSON). */
    change: (id: string) => `${prefix}:change:${id}`,
    /** Sorted set of change ids, scored by creation time (ms). */
    changes: () => `${prefix}:changes`,
    /** JSON of one `/perf bottlenecks` answer (its findings and fixes), by its job id. */
    bottlenecks: (id: string) => `${prefix}:bottlenecks:${id}`,
    /** Pub/sub channel on which the bot asks workers to cancel an active job. */
    cancelChannel: () => `${prefix}:cancel`,
    /** BullMQ's own prefix for its queue keys. */
    bullPrefix: () => `${prefix}:bull`,
  } as const;
}
export type Keys = ReturnType<typeof createKeys>;
