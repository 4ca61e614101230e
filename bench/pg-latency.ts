/**
 * Benchmark 4: measurement agreement. The PostgreSQL probe's query latency in direct mode
 * (`measureQueryLatency`, one client) against `pgbench -S -c 1` on the same server, alternating
 * in the same run. pgbench's query differs from the probe's, so perfbot's timing loop also runs
 * pgbench's exact statement (`SELECT abalance FROM pgbench_accounts WHERE aid = <random>`, simple
 * protocol as pgbench's default) for a like-for-like comparison. The pgbench schema lives in a
 * database of its own, dropped at the end.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createDirectSession, withDefaultUser } from '../src/probes/postgres/direct.js';
import { measureQueryLatency, type SqlSession } from '../src/probes/postgres/session.js';
import { benchOptions, DATABASE_URL } from './lib/options.js';
import { report, row } from './lib/report.js';
import { nowMs, spread } from './lib/stats.js';

const NAME = 'pg-latency';
const PGBENCH = process.env.PGBENCH ?? '/usr/bin/pgbench';
/** pgbench's scale: 100,000 accounts per unit. */
const SCALE = 1;
const CHUNK = 500;

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: string[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d.toString()));
    child.stderr.on('data', (d: Buffer) => out.push(d.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(out.join('')) : reject(new Error(`${command} exited ${code}:\n${out.join('')}`)),
    );
  });
}

/** pgbench -S with one client; per-transaction latencies from its log (`-l`: 3rd field, µs). */
async function pgbenchSelectOnly(url: string, seconds: number): Promise<number[]> {
  const dir = await mkdtemp(join(tmpdir(), 'perfbot-pgbench-'));
  try {
    const args = [
      '-S',
      '-n',
      '-c',
      '1',
      '-j',
      '1',
      '-T',
      String(seconds),
      '-l',
      '--log-prefix',
      join(dir, 'tx'),
      url,
    ];
    await run(PGBENCH, args);
    const files = await readdir(dir);
    const texts = await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')));
    return texts.flatMap((t) =>
      t
        .split('\n')
        .filter(Boolean)
        .map((line) => Number(line.split(' ')[2]) / 1000),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The probe's own measurement, in chunks until `seconds` have passed. */
async function probeQuery(session: SqlSession, seconds: number): Promise<number[]> {
  const out: number[] = [];
  const end = nowMs() + seconds * 1000;
  while (nowMs() < end) out.push(...(await measureQueryLatency(session, CHUNK)).durationsMs);
  return out;
}

/** perfbot's timing loop (`timeRepeated`) on pgbench's statement, a fresh random aid each time. */
async function pgbenchQuery(session: SqlSession, seconds: number): Promise<number[]> {
  const out: number[] = [];
  const end = nowMs() + seconds * 1000;
  while (nowMs() < end) {
    const aid = 1 + Math.floor(Math.random() * 100_000 * SCALE);
    const timed = await session.timeRepeated(`SELECT abalance FROM pgbench_accounts WHERE aid = ${aid};`, 1);
    out.push(...timed.durationsMs);
  }
  return out;
}

function databaseUrl(base: string, database: string): string {
  const url = new URL(withDefaultUser(base));
  url.pathname = `/${database}`;
  return url.toString();
}

async function main(): Promise<void> {
  const options = benchOptions(process.argv.slice(2), 5);
  const rounds = options.full ? 5 : 3;
  const database = `perfbot_bench_${randomUUID().slice(0, 8)}`;
  const url = databaseUrl(DATABASE_URL, database);
  const admin = new pg.Client({ connectionString: withDefaultUser(DATABASE_URL) });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const figures = { pgbench: [] as number[], probe: [] as number[], same: [] as number[] };
  let session: SqlSession | undefined;
  try {
    await run(PGBENCH, ['-i', '-q', '-s', String(SCALE), url]);
    session = await createDirectSession({ connectionString: url }, 10_000);
    // Warm-up, discarded: connections, caches and JIT on both sides.
    await pgbenchSelectOnly(url, 1);
    await probeQuery(session, 1);
    await pgbenchQuery(session, 1);
    for (let round = 0; round < rounds; round++) {
      // concat, not push(...): a round holds more values than a call may take arguments.
      figures.pgbench = figures.pgbench.concat(await pgbenchSelectOnly(url, options.seconds));
      figures.probe = figures.probe.concat(await probeQuery(session, options.seconds));
      figures.same = figures.same.concat(await pgbenchQuery(session, options.seconds));
    }
  } finally {
    await session?.close();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
  const pgb = spread(figures.pgbench);
  const same = spread(figures.same);
  const probe = spread(figures.probe);
  const band = { goal: 'medians within 10%', band: 0.1 };
  report({
    name: NAME,
    settings: { rounds, secondsPerSide: options.seconds, scale: SCALE, clients: 1, full: options.full },
    notes: [
      `${rounds} alternating rounds of ${options.seconds} s per side${options.full ? '' : ' (`--full`: 5 rounds of 30 s; `--seconds N`)'}, after 1 s of warm-up each; one client, TCP to ${new URL(url).host}.`,
      `pgbench: per-transaction latency from its log (-l), ${pgb.n} transactions. perfbot: client round trips timed by the probe (${probe.n} probe queries, ${same.n} of pgbench's).`,
      'Probe query: SELECT relname, relpages FROM pg_catalog.pg_class WHERE oid = 1259 (no table of ours needed).',
    ],
    rows: [
      row(NAME, {
        figure: "median, pgbench's query (perfbot's loop)",
        unit: 'ms',
        perfbot: same.p50,
        floor: pgb.p50,
        ...band,
      }),
      row(NAME, {
        figure: 'median, probe query vs pgbench -S',
        unit: 'ms',
        perfbot: probe.p50,
        floor: pgb.p50,
        ...band,
      }),
      row(NAME, {
        figure: "p99, pgbench's query (perfbot's loop)",
        unit: 'ms',
        perfbot: same.p99,
        floor: pgb.p99,
      }),
      row(NAME, { figure: 'p99, probe query vs pgbench -S', unit: 'ms', perfbot: probe.p99, floor: pgb.p99 }),
    ],
    details: { pgbench: pgb, perfbotPgbenchQuery: same, perfbotProbeQuery: probe },
  });
}

await main();
