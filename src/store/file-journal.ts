import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createExclusively, readText } from './file-atomic.js';
import type { Journal } from './journal.js';

/**
 * The journal as one file per step (`journal/<step>`, its content the value), created exclusively,
 * so that of two processes recording the same step exactly one is first. Unlike Redis's, entries
 * do not expire: the CLI's job ids are random, and the directory is the user's to clear.
 */
export function createFileJournal(dir: string): Journal {
  const root = join(dir, 'journal');
  const path = (step: string) => join(root, encodeURIComponent(step));
  return {
    async record(step, value) {
      await mkdir(root, { recursive: true });
      return createExclusively(path(step), value);
    },
    async read(step) {
      return readText(path(step));
    },
  };
}
