import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { COMPONENT_NAMES, type ComponentName } from '../domain/components.js';
import { readText, withFileMutex, writeAtomically } from './file-atomic.js';
import type { LockScope } from './keys.js';
import type { HeldLock, LockOutcome, Locks } from './locks.js';

const LockFileSchema = z.object({ owner: z.string(), token: z.string(), expiresAt: z.number() });
type LockFile = z.infer<typeof LockFileSchema>;

const BeatFileSchema = z.object({ token: z.string(), expiresAt: z.number() });

const OTHER: Record<LockScope, LockScope> = { measure: 'change', change: 'measure' };
const SCOPES: readonly LockScope[] = ['measure', 'change'];

/**
 * Locks as files (`locks/<scope>-<service>.json`: owner, fencing token and expiry), checked and
 * taken under a per-service mutex file, so that two CLI processes on one machine exclude each other
 * as the Redis script does. An expired lock (or one without a token, from an older perfbot) counts as free.
 */
export function createFileLocks(dir: string, now: () => number): Locks {
  const root = join(dir, 'locks');
  const path = (scope: LockScope, service: ComponentName) => join(root, `${scope}-${service}.json`);
  const guarded = async <T>(service: ComponentName, body: () => Promise<T>) => {
    await mkdir(root, { recursive: true });
    return withFileMutex(join(root, `${service}.mutex`), body);
  };

  async function current(scope: LockScope, service: ComponentName): Promise<LockFile | undefined> {
    const text = await readText(path(scope, service));
    if (text === undefined) return undefined;
    const lock = LockFileSchema.safeParse(JSON.parse(text));
    return lock.success && lock.data.expiresAt > now() ? lock.data : undefined;
  }

  const beatPath = (scope: LockScope, service: ComponentName) => join(root, `${scope}-${service}.alive.json`);
  async function beating(scope: LockScope, service: ComponentName, held: LockFile): Promise<boolean> {
    const text = await readText(beatPath(scope, service));
    if (text === undefined) return false;
    const beat = BeatFileSchema.safeParse(JSON.parse(text));
    return beat.success && beat.data.token === held.token && beat.data.expiresAt > now();
  }

  function acquire(scope: LockScope, service: ComponentName, owner: string, ttlMs: number) {
    return guarded(service, async (): Promise<LockOutcome> => {
      const other = await current(OTHER[scope], service);
      if (other !== undefined) return { acquired: false, holder: other.owner, scope: OTHER[scope] };
      const held = await current(scope, service);
      if (held !== undefined) return { acquired: false, holder: held.owner, scope };
      const token = randomUUID();
      const lock: LockFile = { owner, token, expiresAt: now() + ttlMs };
      await writeAtomically(path(scope, service), JSON.stringify(lock));
      return { acquired: true, token };
    });
  }

  return {
    acquireMeasure: (service, owner, ttlMs) => acquire('measure', service, owner, ttlMs),
    acquireChange: (service, owner, ttlMs) => acquire('change', service, owner, ttlMs),
    refresh: (scope, service, token, ttlMs) =>
      guarded(service, async () => {
        const held = await current(scope, service);
        if (held?.token !== token) return false;
        await writeAtomically(path(scope, service), JSON.stringify({ ...held, expiresAt: now() + ttlMs }));
        return true;
      }),
    heartbeat: (scope, service, token, ttlMs) =>
      guarded(service, async () => {
        if ((await current(scope, service))?.token !== token) return false;
        await writeAtomically(beatPath(scope, service), JSON.stringify({ token, expiresAt: now() + ttlMs }));
        return true;
      }),
    alive: async (scope, service) => {
      const held = await current(scope, service);
      return held !== undefined && (await beating(scope, service, held));
    },
    releaseDead: (scope, service, owner) =>
      guarded(service, async () => {
        const held = await current(scope, service);
        if (held?.owner !== owner || (await beating(scope, service, held))) return false;
        await rm(path(scope, service), { force: true });
        return true;
      }),
    async release(scope, service, token) {
      await guarded(service, async () => {
        if ((await current(scope, service))?.token === token) await rm(path(scope, service), { force: true });
      });
    },
    releaseOwner: (scope, service, owner) =>
      guarded(service, async () => {
        if ((await current(scope, service))?.owner !== owner) return false;
        await rm(path(scope, service), { force: true });
        return true;
      }),
    holder: async (scope, service) => (await current(scope, service))?.owner,
    async list() {
      const all = COMPONENT_NAMES.flatMap((service) =>
        SCOPES.map(async (scope): Promise<HeldLock | undefined> => {
          const lock = await current(scope, service);
          return lock && { scope, service, owner: lock.owner, expiresAt: lock.expiresAt };
        }),
      );
      return (await Promise.all(all)).filter((lock): lock is HeldLock => lock !== undefined);
    },
  };
}
