import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFileStore } from '../../src/store/file-store.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function race(storeDir: string, name: string): Promise<{ lock: boolean; first: boolean; change: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/helpers/file-store-racer.ts', storeDir, name],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`${name}: ${err}`)),
    );
  });
}

describe('the file store across processes (the CLI without Redis, several at once)', () => {
  it('gives the lock, the journal step and the change transition to exactly one process each', async () => {
    dir = await mkdtemp(join(tmpdir(), 'perfbot-race-'));
    await createFileStore(dir, 10).changes.create({
      id: 'chg-1',
      service: 'kafka',
      state: 'proposed',
      version: 1,
      requestedBy: 'U1',
      createdAt: '2026-11-24T10:00:00.000Z',
      expiresAt: '2026-11-24T11:00:00.000Z',
      history: [],
      plan: null,
    });
    const storeDir = dir;
    const racers = Array.from({ length: 4 }, (_, i) => race(storeDir, `p${i}`));
    // Every process is up before any may act: they wait for the go file.
    await vi.waitFor(
      async () => expect((await readdir(storeDir)).filter((f) => f.startsWith('ready-'))).toHaveLength(4),
      { timeout: 30_000, interval: 20 },
    );
    await writeFile(join(dir, 'go'), '');
    const outcomes = await Promise.all(racers);
    expect(outcomes.filter((o) => o.lock)).toHaveLength(1);
    expect(outcomes.filter((o) => o.first)).toHaveLength(1);
    expect(outcomes.filter((o) => o.change)).toHaveLength(1);
    expect((await createFileStore(dir, 10).changes.get('chg-1'))?.version).toBe(2);
  }, 60_000);
});
