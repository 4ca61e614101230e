import type { Child } from './child.js';
import { sleep } from './stats.js';

/** RSS as it is (no forced GC), then RSS and the heap in use after a forced full GC; MiB. */
export interface Memory {
  rss: number;
  rssAfterGc: number;
  heapAfterGc: number;
}

export interface Snapshots {
  idle: Memory;
  warm: Memory;
  loaded: Memory;
}

/** Reads each child's memory `settleMs` after the work stopped: first /proc, then after a forced GC. */
async function readMemory(children: readonly Child<unknown>[], settleMs: number): Promise<Memory[]> {
  await sleep(settleMs);
  const rss = children.map((c) => c.rssMiB());
  const gc = await Promise.all(children.map((c) => c.afterGc()));
  return children.map((_, i) => ({
    rss: rss[i] ?? Number.NaN,
    rssAfterGc: gc[i]?.rssMiB ?? Number.NaN,
    heapAfterGc: gc[i]?.heapUsedMiB ?? Number.NaN,
  }));
}

const missing: Memory = { rss: Number.NaN, rssAfterGc: Number.NaN, heapAfterGc: Number.NaN };

/**
 * Each child's memory at idle, after `run(0, warmJobs)` and after `run(warmJobs, total)`: the growth
 * between the last two is what a leak would show, free of start-up and first-use allocations.
 */
export async function memoryUnderLoad(
  children: readonly Child<unknown>[],
  counts: { warmJobs: number; total: number; settleMs: number },
  run: (from: number, to: number) => Promise<void>,
): Promise<Snapshots[]> {
  const idle = await readMemory(children, counts.settleMs);
  await run(0, counts.warmJobs);
  const warm = await readMemory(children, counts.settleMs);
  await run(counts.warmJobs, counts.total);
  const loaded = await readMemory(children, counts.settleMs);
  return children.map((_, i) => ({
    idle: idle[i] ?? missing,
    warm: warm[i] ?? missing,
    loaded: loaded[i] ?? missing,
  }));
}
