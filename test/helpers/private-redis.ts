import { type ChildProcess, spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { closedPort } from './net.js';

/**
 * A `redis-server` of the test's own, on a port of its own, that the test may freeze (SIGSTOP: its
 * clients' connections stay open and their commands wait, as over a network partition) and thaw.
 * Never the shared server on 6379.
 */
export interface PrivateRedis {
  url: string;
  port: number;
  freeze(): void;
  thaw(): void;
  stop(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await closedPort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  await waitForPing(url);
  return {
    url,
    port,
    freeze: () => void child.kill('SIGSTOP'),
    thaw: () => void child.kill('SIGCONT'),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGCONT');
        child.kill('SIGTERM');
      }),
  };
}

async function waitForPing(url: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      if ((await redis.ping()) === 'PONG') return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`private redis-server did not start: ${String(error)}`);
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      redis.disconnect();
    }
  }
}
