import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliJobId } from '../../src/cli/owner.js';
import { createFileStore } from '../../src/store/file-store.js';
import { createRedisStore } from '../../src/store/redis-store.js';
import { closedPort } from '../helpers/net.js';
import { connectTestRedis, dropPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.js';

/**
 * The perfbot CLI as a person meets it, each command in a process of its own: stopped with Ctrl-C,
 * read through `| head`, its locks shown and cleared.
 */
const dirs: string[] = [];
const redis = connectTestRedis();
const prefixes: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  await Promise.all(prefixes.map((p) => dropPrefix(redis, p)));
  await redis.quit();
});

async function home(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'perfbot-home-'));
  dirs.push(dir, `${dir}-sandbox`);
  return dir;
}

/** The environment of a CLI with no Redis: its results and locks are files under PERFBOT_HOME. */
async function fileEnv(dir: string): Promise<Record<string, string>> {
  return { REDIS_URL: `redis://127.0.0.1:${await closedPort()}`, PERFBOT_HOME: dir };
}

function start(args: string[], env: Record<string, string>): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', 'tsx', 'test/helpers/perfbot-cli.ts', ...args], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

function collect(child: ChildProcessWithoutNullStreams) {
  const seen = { out: '', err: '' };
  child.stdout.on('data', (c: Buffer) => (seen.out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (seen.err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { seen, exited };
}

async function perfbot(args: string[], env: Record<string, string>) {
  const child = start(args, env);
  const { seen, exited } = collect(child);
  const code = await exited;
  return { code, ...seen };
}

async function until(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('perfbot CLI locks', () => {
  it('releases its lock on Ctrl-C of a sandbox run: the next run is not refused and status shows no lock', async () => {
    const dir = await home();
    const env = await fileEnv(dir);
    const child = start(['baseline', 'kafka', '--sandbox', '--runs', '10'], env);
    const { seen, exited } = collect(child);
    await until(() => /run [2-9] of 10/.test(seen.out), 60_000);
    child.kill('SIGINT');
    expect(await exited).toBe(1);
    expect(seen.out).toMatch(/baseline kafka: cancelled/);
    expect(await createFileStore(`${dir}-sandbox`, 10).locks.list()).toEqual([]);

    const status = await perfbot(['status', '--sandbox'], env);
    expect(status.code).toBe(0);
    expect(status.out).toMatch(/No locks are held/);
    const again = await perfbot(['baseline', 'kafka', '--sandbox', '--runs', '1'], env);
    expect(again.err).not.toMatch(/busy with job/);
    expect(again.code).toBe(0);
  }, 120_000);

  it('ends quietly when its reader goes away (`| head -3`), stopping the run and releasing its lock', async () => {
    const dir = await home();
    const child = start(['baseline', 'trino', '--sandbox'], await fileEnv(dir));
    const { seen, exited } = collect(child);
    await until(() => seen.out.split('\n').length > 3, 60_000);
    // What `head -3` does once it has its lines: close its end of the pipe.
    child.stdout.destroy();
    const code = await exited;
    expect(seen.err).not.toMatch(/EPIPE|\n\s+at /);
    expect(code).not.toBeNull();
    expect(await createFileStore(`${dir}-sandbox`, 10).locks.list()).toEqual([]);
  }, 120_000);

  it('shows a lock whose CLI owner is gone and releases it with `perfbot unlock`, audited', async () => {
    const dir = await home();
    const env = await fileEnv(dir);
    const ended = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => ended.on('exit', r));
    const dead = cliJobId(ended.pid);
    const alive = cliJobId(process.pid);
    const store = createFileStore(dir, 10);
    await store.locks.acquireMeasure('kafka', dead, 600_000);
    await store.locks.acquireMeasure('trino', alive, 600_000);

    const status = await perfbot(['status'], env);
    expect(status.out).toMatch(new RegExp(`kafka +measure +${dead} +until \\d\\d:\\d\\d:\\d\\d UTC`));
    expect(status.out).toMatch(/CLI process \d+ is gone: `perfbot unlock kafka` frees it/);
    expect(status.out).toMatch(
      new RegExp(`trino +measure +${alive} .*CLI process ${process.pid} is running`),
    );

    const unlock = await perfbot(['unlock', 'kafka'], env);
    expect(unlock.code).toBe(0);
    expect(unlock.out).toMatch(/Released the measure lock on kafka/);
    expect(await store.locks.holder('measure', 'kafka')).toBeUndefined();

    const refused = await perfbot(['unlock', 'trino'], env);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/Not released.*is running/);
    expect(await store.locks.holder('measure', 'trino')).toBe(alive);
    const audit = await store.audit.read(10);
    expect(audit.map((e) => [e.action, e.outcome, e.detail?.owner])).toEqual([
      ['unlock', 'ok', dead],
      ['unlock', 'refused', alive],
    ]);
  }, 60_000);

  it("releases a worker job's lock once the queue no longer runs that job, through Redis", async () => {
    const prefix = uniquePrefix('cli-unlock');
    prefixes.push(prefix);
    const env = { REDIS_URL, PERFBOT_REDIS_PREFIX: prefix };
    const store = createRedisStore({ redis, prefix, keepResults: 10 });
    await store.locks.acquireMeasure('ray', 'baseline-0badc0de', 600_000);
    const status = await perfbot(['status'], env);
    expect(status.out).toMatch(/ray +measure +baseline-0badc0de .*no longer in the queue/);
    const unlock = await perfbot(['unlock', 'ray'], env);
    expect(unlock.code).toBe(0);
    expect(await store.locks.list()).toEqual([]);
  }, 60_000);

  it('prints its version from package.json', async () => {
    const run = await perfbot(['--version'], {});
    expect(run.code).toBe(0);
    expect(run.out).toBe(
      `perfbot ${(await import('../../package.json', { with: { type: 'json' } })).default.version}\n`,
    );
  });
});
