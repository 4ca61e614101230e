import type { ServiceName } from '../domain/services.js';
import type { LockScope } from './port.js';

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
    delivered: (key: string) => `${prefix}:delivered:${key}`,
    lock: (scope: LockScope, service: ServiceName) => `${prefix}:lock:${scope}:${service}`,
    /** Pub/sub channel on which the bot asks workers to cancel an active job. */
    cancelChannel: () => `${prefix}:cancel`,
    /** BullMQ's own prefix for its queue keys. */
    bullPrefix: () => `${prefix}:bull`,
  } as const;
}
export type Keys = ReturnType<typeof createKeys>;
