import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { SERVICE_NAMES, type ServiceName } from '../domain/services.js';
import { readText, withFileMutex, writeAtomically } from './file-atomic.js';
import type { LockScope } from './keys.js';
import type { HeldLock, LockOutcome, Locks } from './locks.js';

const LockFileSchema = z.object({ owner: z.string(), expiresAt: z.number() });

const OTHER: Record<LockScope, LockScope> = { measure: 'change', change: 'measure' };
const SCOPES: readonly LockScope[] = ['measure', 'change'];

/**
 * Locks as files (`locks/<scope>-<service>.json`: owner and expiry), checked and taken under a
 * per-service mutex file, so that two CLI processes on one machine exclude each other as the Redis
 * script does. An expired lock counts as free.
 */
export function createFileLocks(dir: string, now: () => number): Locks {
  const root = join(dir, 'locks');
  const path = (scope: LockScope, service: ServiceName) => join(root, `${scope}-${service}.json`);
  const guarded = async <T>(service: ServiceName, body: () => Promise<T>) => {
    await mkdir(root, { recursive: true });
    return withFileMutex(join(root, `${service}.mutex`), body);
  };

  async function held(scope: LockScope, service: ServiceName): Promise<HeldLock | undefined> {
    const text = await readText(path(scope, service));
    if (text === undefined) return undefined;
    const lock = LockFileSchema.safeParse(JSON.parse(text));
    return lock.success && lock.data.expiresAt > now() ? { scope, service, ...lock.data } : undefined;
  }
  const holder = async (scope: LockScope, service: ServiceName) => (await held(scope, service))?.owner;

  function acquire(scope: LockScope, service: ServiceName, owner: string, ttlMs: number) {
    return guarded(service, async (): Promise<LockOutcome> => {
      const other = await holder(OTHER[scope], service);
      if (other !== undefined) return { acquired: false, holder: other, scope: OTHER[scope] };
      const current = await holder(scope, service);
      if (current !== undefined && current !== owner) return { acquired: false, holder: current, scope };
      await writeAtomically(path(scope, service), JSON.stringify({ owner, expiresAt: now() + ttlMs }));
      return { acquired: true };
    });
  }

  return {
    acquireMeasure: (service, owner, ttlMs) => acquire('measure', service, owner, ttlMs),
    acquireChange: (service, owner, ttlMs) => acquire('change', service, owner, ttlMs),
    async release(scope, service, owner) {
      await guarded(service, async () => {
        if ((await holder(scope, service)) === owner) await rm(path(scope, service), { force: true });
      });
    },
    holder,
    async list() {
      const all = SERVICE_NAMES.flatMap((service) => SCOPES.map((scope) => held(scope, service)));
      return (await Promise.all(all)).filter((lock): lock is HeldLock => lock !== undefined);
    },
  };
}
