/**
 * Where a worker's memory goes as it runs jobs: perfbot's queue path in this process (the real
 * dispatcher and worker, a notifier that answers at once), `WARM` history jobs, a heap census (every
 * live object after a full GC, from V8's heap snapshot, counted by type and constructor), `N` more
 * jobs, a second census; then the 25 kinds of object that grew most. What grows with the number of
 * jobs is held per job; what stays the same at any `N` is a high-water mark.
 *
 * `npm run bench:heap` (`N=4000 npm run bench:heap` for more jobs). Needs Redis (`REDIS_URL`).
 * Prints figures; asserts nothing. It found the paced progress of ended jobs asleep on channel slots
 * booked far ahead (a Timeout, a generator and a pino child per job), fixed in `jobs/progress.ts`.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import type { Origin } from '../src/jobs/contracts.js';
import { newJobId, type QueuedCommand } from '../src/jobs/dispatcher.js';
import { benchConfig } from './lib/perfbot.js';
import { noopNotifier, startPerfbotQueue } from './lib/queue.js';

const WARM = 1000;
const N = Number(process.env.N ?? 4000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc (npm run bench:heap does)');

const prefix = `heapgrowth${process.pid}`;
const config = benchConfig({
  prefix,
  slackApiUrl: 'http://127.0.0.1:9',
  botToken: 'xoxb-bench',
  signingSecret: 'bench',
  yaml: { jobs: { keepCompleted: 100, keepFailed: 100 } },
});
const perf = await startPerfbotQueue(config, noopNotifier);
const HISTORY: QueuedCommand = { kind: 'history', target: 'kafka', limit: 20 };
// Every job answers in one thread, as a burst of commands in one channel does.
const origin: Origin = {
  userId: 'U0',
  source: 'slack',
  thread: { channel: 'C1', threadTs: '1.000001' },
  statusTs: '1.000001',
};
let ended = 0;
perf.worker.on('completed', () => void ended++);
perf.worker.on('failed', () => void ended++);

async function runJobs(n: number): Promise<void> {
  const target = ended + n;
  for (let i = 0; i < n; i += 50) {
    const batch = Array.from({ length: Math.min(50, n - i) }, (_, k) =>
      perf.dispatcher.enqueue(HISTORY, { ...origin, userId: `U${i + k}` }, newJobId(HISTORY)),
    );
    await Promise.all(batch);
  }
  while (ended < target) await new Promise((r) => setTimeout(r, 50));
}

/** Live objects by `type:name`: [count, bytes]; written to a file so that the census itself is not counted next time. */
async function census(file: string): Promise<void> {
  gc?.();
  const chunks: Buffer[] = [];
  for await (const chunk of v8.getHeapSnapshot()) chunks.push(chunk as Buffer);
  const snap = JSON.parse(Buffer.concat(chunks).toString()) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const [t, n, s] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [number, number, number];
  const out: Record<string, [number, number]> = {};
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    const key = `${types[snap.nodes[i + t] ?? 0]}:${String(snap.strings[snap.nodes[i + n] ?? 0])
      .slice(0, 60)
      .replace(/\s+/g, ' ')}`;
    const entry = out[key] ?? [0, 0];
    out[key] = entry;
    entry[0] += 1;
    entry[1] += snap.nodes[i + s] ?? 0;
  }
  writeFileSync(file, JSON.stringify(out));
}

/** Bytes of live heap after a full GC. */
function liveHeap(): number {
  gc?.();
  return process.memoryUsage().heapUsed;
}

const before = join(tmpdir(), `${prefix}-before.json`);
const after = join(tmpdir(), `${prefix}-after.json`);
try {
  await runJobs(WARM);
  await census(before);
  const heapBefore = liveHeap();
  await runJobs(N);
  await census(after);
  const heapAfter = liveHeap();
  const a = JSON.parse(readFileSync(before, 'utf8')) as Record<string, [number, number]>;
  const b = JSON.parse(readFileSync(after, 'utf8')) as Record<string, [number, number]>;
  const rows = Object.entries(b)
    .map(([k, [count, bytes]]) => ({ k, count: count - (a[k]?.[0] ?? 0), bytes: bytes - (a[k]?.[1] ?? 0) }))
    .sort((x, y) => y.bytes - x.bytes)
    .slice(0, 25);
  console.log(`heap census after ${WARM} jobs and after ${N} more (growth; type:constructor)`);
  for (const r of rows)
    console.log(`${String(r.bytes).padStart(10)} B ${String(r.count).padStart(8)}  ${r.k}`);
  const mib = (x: number) => (x / 1048576).toFixed(2);
  console.log(
    `live heap after GC: ${mib(heapBefore)} MiB → ${mib(heapAfter)} MiB (${mib(heapAfter - heapBefore)} MiB over ${N} jobs)`,
  );
} finally {
  rmSync(before, { force: true });
  rmSync(after, { force: true });
  await perf.close();
}
process.exit(0);
