import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

/** What a child reports after a forced full GC, in MiB. */
export interface AfterGc {
  rssMiB: number;
  heapUsedMiB: number;
}

export interface Child<T> {
  proc: ChildProcess;
  /** The JSON the child printed on its `ready` line. */
  ready: T;
  /** Milliseconds from spawn to the `ready` line. */
  startMs: number;
  /** Resident set size now, in MiB, from /proc: the child is not disturbed. */
  rssMiB(): number;
  /** Asks the child to run a full GC (it runs with --expose-gc), then reports its memory. */
  afterGc(): Promise<AfterGc>;
  /** SIGTERM, then waits for the exit (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Spawns `node --expose-gc --import tsx bench/children/<script>` and waits for its first stdout
 * line, `{"ready": …}`. Its stderr goes to ours; its stdin carries requests (`gc`).
 */
export async function spawnChild<T>(
  script: string,
  args: readonly string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<Child<T>> {
  const started = performance.now();
  const file = join(BENCH_DIR, 'children', script);
  const proc = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', file, ...args], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: proc.stdout as NodeJS.ReadableStream });
  const ready = await nextLine(lines, proc, timeoutMs).catch((error: unknown) => {
    proc.kill('SIGKILL');
    throw error;
  });
  const startMs = performance.now() - started;
  return {
    proc,
    ready: (JSON.parse(ready) as { ready: T }).ready,
    startMs,
    rssMiB: () => rssOf(proc.pid),
    async afterGc() {
      const answer = nextLine(lines, proc, timeoutMs);
      proc.stdin?.write('gc\n');
      return (JSON.parse(await answer) as { afterGc: AfterGc }).afterGc;
    },
    stop: (graceMs = 10_000) => stopChild(proc, graceMs),
  };
}

function nextLine(lines: Interface, proc: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no answer from the child in ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`child exited with ${code}`));
    };
    proc.once('exit', onExit);
    lines.once('line', (line) => {
      clearTimeout(timer);
      proc.off('exit', onExit);
      resolve(line);
    });
  });
}

function rssOf(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

function stopChild(proc: ChildProcess, graceMs: number): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    proc.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    proc.kill('SIGTERM');
  });
}

const MiB = 2 ** 20;

/**
 * In a child: prints the `ready` line, then answers `gc` requests on stdin with its memory after
 * a full collection (two passes: the first may only schedule finalizers).
 */
export function announceReady(info: unknown): void {
  process.stdout.write(`${JSON.stringify({ ready: info })}\n`);
  const gc = (globalThis as { gc?: () => void }).gc;
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.trim() !== 'gc') return;
    gc?.();
    gc?.();
    const { rss, heapUsed } = process.memoryUsage();
    process.stdout.write(
      `${JSON.stringify({ afterGc: { rssMiB: rss / MiB, heapUsedMiB: heapUsed / MiB } })}\n`,
    );
  });
}

/** In a child: runs `close` on SIGTERM/SIGINT, then exits. */
export function onStop(close: () => Promise<void>): void {
  const stop = () => {
    void close().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
