import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chown, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { closedPort } from './net.js';

const run = promisify(execFile);

/**
 * A PostgreSQL server of the test's own: `initdb` into a temp directory, its own port, as the
 * `postgres` user (initdb refuses root), restarted by the test (`restart`) as a rollout would. Never
 * the shared server on 5432.
 */
export interface PrivatePostgres {
  url: string;
  port: number;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Debian's server binaries: `/usr/lib/postgresql/<major>/bin`, the newest major. */
async function binDir(): Promise<string> {
  const majors = (await readdir('/usr/lib/postgresql')).sort((a, b) => Number(b) - Number(a));
  if (majors[0] === undefined) throw new Error('no PostgreSQL server installed under /usr/lib/postgresql');
  return join('/usr/lib/postgresql', majors[0], 'bin');
}

/** initdb and postgres refuse to run as root: as root, the test runs them as the `postgres` user. */
async function postgresUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([
    run('id', ['-u', 'postgres']),
    run('id', ['-g', 'postgres']),
  ]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = await binDir();
  const dir = await mkdtemp(join(tmpdir(), 'perfbot-pg-'));
  const user = await postgresUser();
  if (user) await chown(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  await run(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync'], {
    ...user,
    cwd: dir,
  });
  const port = await closedPort();
  let server: ChildProcess | undefined;
  const start = async () => {
    const args = [
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
    ];
    server = spawn(join(bin, 'postgres'), args, { stdio: 'ignore', cwd: dir, ...user });
    await waitReady(bin, port);
  };
  const halt = async () => {
    const s = server;
    if (!s || s.exitCode !== null) return;
    const exited = new Promise((resolve) => s.once('exit', resolve));
    // SIGINT: PostgreSQL's "fast" shutdown (what `pg_ctl restart -m fast` sends).
    s.kill('SIGINT');
    await exited;
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    restart: async () => {
      await halt();
      await start();
    },
    stop: async () => {
      await halt();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function waitReady(bin: string, port: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      await run(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-q']);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`private PostgreSQL did not start: ${String(error)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
