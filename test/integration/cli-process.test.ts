import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { closedPort } from '../helpers/net.js';

/** Runs the perfbot CLI in a process of its own, as a user would, and collects what it prints. */
function perfbot(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string; err: string; ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/perfbot-cli.ts', ...args], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((resolve) =>
    child.on('exit', (code) => resolve({ code, out, err, ms: Date.now() - started })),
  );
}

describe('the perfbot executable', () => {
  it('says what to set, without a stack trace, when the worker has no Slack token', async () => {
    const run = await perfbot(['worker'], {});
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/SLACK_BOT_TOKEN is not set/);
    expect(run.err).not.toMatch(/\n\s+at /);
  });

  it('says how to point it at Redis when none answers', async () => {
    const run = await perfbot(['bot'], {
      REDIS_URL: `redis://127.0.0.1:${await closedPort()}`,
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 'secret',
    });
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/REDIS_URL/);
    expect(run.err).not.toMatch(/\n\s+at /);
  });

  it('suggests the simulated platform when a baseline has no cluster', async () => {
    const run = await perfbot(['baseline', 'resources'], {
      REDIS_URL: `redis://127.0.0.1:${await closedPort()}`,
      PERFBOT_HOME: '/tmp/perfbot-cli-test',
    });
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/--sandbox/);
    expect(run.err).not.toMatch(/\n\s+at /);
  });

  it('stops, closing what it opened, when Slack refuses the token at start-up', async () => {
    const run = await perfbot(['all'], {
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 'secret',
      SLACK_API_URL: `http://127.0.0.1:${await closedPort()}/api/`,
      KUBECONFIG: '/nonexistent/kubeconfig',
      PORT: '0',
    });
    expect(run.code).toBe(1);
    expect(run.ms).toBeLessThan(20_000);
  }, 30_000);
});
