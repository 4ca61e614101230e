import { randomUUID } from 'node:crypto';
import { link, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { PerfError } from '../errors.js';

/**
 * The file store's few atomic steps on one machine, for several perfbot processes at once: exclusive
 * create (`open(path, 'wx')`, `link`) and atomic rename. They hold on a local disk; across machines
 * (NFS and the like) exclusive create is not reliable, and the file store does not claim it.
 */

/** Writes a file whole or not at all: readers see the old content or the new, never half. */
export async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.${randomUUID()}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

/** Creates a file with its content only if it does not exist yet: true if this call created it. */
export async function createExclusively(path: string, text: string): Promise<boolean> {
  const tmp = `${path}.${randomUUID()}.tmp`;
  await writeFile(tmp, text);
  try {
    // link() fails with EEXIST when the name is taken, and the file it names is already complete.
    await link(tmp, path);
    return true;
  } catch (error) {
    if (isCode(error, 'EEXIST')) return false;
    throw error;
  } finally {
    await rm(tmp, { force: true });
  }
}

export async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (isCode(error, 'ENOENT')) return undefined;
    throw error;
  }
}

export interface MutexOptions {
  /** How long to wait for another process's critical section before giving up. */
  waitMs?: number;
  /** A mutex file older than this was left by a process that died inside its critical section. */
  staleMs?: number;
}

/**
 * Runs `body` while holding `path` as a mutex file (exclusive create), so that a read-check-write
 * over several files is one step for every process on this machine. Critical sections are a few
 * file operations; one left behind by a crash is broken after `staleMs`.
 */
export async function withFileMutex<T>(path: string, body: () => Promise<T>, options: MutexOptions = {}) {
  const waitMs = options.waitMs ?? 5_000;
  const staleMs = options.staleMs ?? 10_000;
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if (!isCode(error, 'EEXIST')) throw error;
      if (await olderThan(path, staleMs)) {
        await rm(path, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw busy(path, waitMs);
      // Waiting on another process's critical section (a few file operations): poll, with jitter.
      await new Promise((done) => setTimeout(done, 2 + Math.random() * 8));
    }
  }
  try {
    return await body();
  } finally {
    await rm(path, { force: true });
  }
}

async function olderThan(path: string, ms: number): Promise<boolean> {
  try {
    return Date.now() - (await stat(path)).mtimeMs > ms;
  } catch {
    return false;
  }
}

function busy(path: string, waitMs: number): PerfError {
  return new PerfError('not_available', `${path} held for more than ${waitMs} ms`, {
    userMessage:
      `The local store is locked by another perfbot process (${path}) for more than ${waitMs / 1000} s. ` +
      'If none is running, delete that file; to share state between machines, point REDIS_URL at a Redis.',
    retryable: true,
  });
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
