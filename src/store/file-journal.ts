import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createExclusively, readText, withFileMutex } from './file-atomic.js';
import type { Journal } from './journal.js';

/**
 * The journal as one file per step (`journal/<step>`, its content the value), created exclusively,
 * so that of two processes recording the same step exactly one is first. Unlike Redis's, entries
 * do not expire: the CLI's job ids are random, and the directory is the user's to clear. A step
 * recorded with `recordOnce` holds its expiry (ms) instead, and is replaced once that has passed.
 */
export function createFileJournal(dir: string, now: () => number = Date.now): Journal {
  const root = join(dir, 'journal');
  const path = (step: string) => join(root, encodeURIComponent(step));
  return {
    async record(step, value) {
      await mkdir(root, { recursive: true });
      return createExclusively(path(step), value);
    },
    async recordOnce(step, ttlMs) {
      await mkdir(root, { recursive: true });
      const file = path(step);
      const expiry = () => String(now() + ttlMs);
      if (await createExclusively(file, expiry())) return true;
      // Taken: by a live entry (false), or by an expired one, replaced under a mutex so that of two
      // processes finding it expired only one records it anew.
      return withFileMutex(`${file}.mutex`, async () => {
        if (Number(await readText(file)) > now()) return false;
        await rm(file, { force: true });
        return createExclusively(file, expiry());
      });
    },
    async read(step) {
      return readText(path(step));
    },
  };
}
