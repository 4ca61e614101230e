import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileStore } from '../../src/store/file-store.js';
import { aResult } from '../helpers/results.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('file result store (the CLI without Redis)', () => {
  it('keeps results in time order, trims old ones and survives a new process', async () => {
    dir = await mkdtemp(join(tmpdir(), 'perfbot-store-'));
    const first = createFileStore(dir, 2);
    for (const minute of [1, 2, 3]) {
      await first.saveResult(
        aResult({ id: `2026112410${minute}000-kafka-x`, finishedAt: `2026-11-24T10:0${minute}:00.000Z` }),
      );
    }
    const second = createFileStore(dir, 2);
    expect((await second.history('kafka', 10)).map((r) => r.finishedAt)).toEqual([
      '2026-11-24T10:02:00.000Z',
      '2026-11-24T10:03:00.000Z',
    ]);
    await second.audit.append({ actor: 'me', action: 'baseline', outcome: 'ok' });
    expect((await createFileStore(dir, 2).audit.read(5))[0]?.actor).toBe('me');
  });
});
