import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PerfError } from '../../src/errors.js';
import { createExclusively, withFileMutex } from '../../src/store/file-atomic.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("the file store's atomic steps", () => {
  it('says the store is locked, with a not_available error naming the file, when the mutex stays held', async () => {
    dir = await mkdtemp(join(tmpdir(), 'perfbot-mutex-'));
    const mutex = join(dir, 'kafka.mutex');
    await writeFile(mutex, '4242');
    const error = await withFileMutex(mutex, async () => 'ran', { waitMs: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PerfError);
    expect(error).toMatchObject({ code: 'not_available', retryable: true });
    expect((error as PerfError).userMessage).toContain(mutex);
  });

  it('breaks a mutex left by a process that died inside its critical section', async () => {
    dir = await mkdtemp(join(tmpdir(), 'perfbot-mutex-'));
    const mutex = join(dir, 'kafka.mutex');
    await writeFile(mutex, '4242');
    const longAgo = new Date(Date.now() - 60_000);
    await utimes(mutex, longAgo, longAgo);
    expect(await withFileMutex(mutex, async () => 'ran', { waitMs: 50, staleMs: 10_000 })).toBe('ran');
  });

  it('runs critical sections one at a time', async () => {
    dir = await mkdtemp(join(tmpdir(), 'perfbot-mutex-'));
    const mutex = join(dir, 'm.mutex');
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 10 }, () =>
        withFileMutex(mutex, async () => {
          inside += 1;
          most = Math.max(most, inside);
          await new Promise((done) => setImmediate(done));
          inside -= 1;
        }),
      ),
    );
    expect(most).toBe(1);
  });

  it('creates a file exclusively, complete, once', async () => {
    dir = await mkdtemp(join(tmpdir(), 'perfbot-mutex-'));
    const path = join(dir, 'step');
    const created = await Promise.all(Array.from({ length: 10 }, (_, i) => createExclusively(path, `v${i}`)));
    expect(created.filter(Boolean)).toHaveLength(1);
  });
});
