import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort } from '../helpers/net.js';

const SIM = pathToFileURL(join(process.cwd(), 'src/sim/')).href;

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perfbot-sim-fence-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A kubeconfig whose only cluster is a port on which nothing listens. */
async function unreachableKubeconfig(): Promise<string> {
  const server = `https://127.0.0.1:${await closedPort()}`;
  const path = join(dir, 'kubeconfig.yaml');
  await writeFile(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{ name: c, cluster: { server: '${server}' } }]`,
      'users: [{ name: u, user: { token: t } }]',
      'contexts: [{ name: x, context: { cluster: c, user: u } }]',
      'current-context: x',
      '',
    ].join('\n'),
  );
  return path;
}

/**
 * Runs the CLI in its own process, as `bin/perfbot.js` would (on the sources), with a loader hook
 * that records the URL of every module the process resolves.
 */
async function perfbotLoads(
  name: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string; loaded: string[] }> {
  const log = join(dir, `${name}.loads`);
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      './test/helpers/record-loads.mjs',
      'test/helpers/perfbot-cli.ts',
      ...args,
    ],
    {
      env: {
        PATH: process.env.PATH ?? '',
        LOG_LEVEL: 'silent',
        REDIS_URL: `redis://127.0.0.1:${await closedPort()}`,
        PERFBOT_HOME: join(dir, `${name}-home`),
        PERFBOT_LOAD_LOG: log,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const loaded = [...new Set((await readFile(log, 'utf8')).split('\n').filter(Boolean))];
  return { code, output, loaded };
}

describe('the simulated platform fence', () => {
  it('loads no simulator module for a real-cluster command, and loads it for --sandbox', async () => {
    const charts = ['--charts', join(dir, 'charts')];
    const [real, sandbox] = await Promise.all([
      perfbotLoads('real', ['baseline', 'kafka', ...charts], { KUBECONFIG: await unreachableKubeconfig() }),
      perfbotLoads('sandbox', ['baseline', 'kafka', '--sandbox', ...charts], {}),
    ]);

    // The real command ran as far as the cluster, which refused it.
    expect(real.code).toBe(1);
    expect(real.output).toMatch(/Could not reach the Kubernetes API/);
    expect(real.loaded.some((url) => url.includes('/src/cli/run-command.ts'))).toBe(true);
    expect(real.loaded.filter((url) => url.startsWith(SIM))).toEqual([]);

    // The control: the same command on the simulated platform does load it (so the hook sees it).
    expect(sandbox.code).toBe(0);
    expect(sandbox.loaded).toContain(`${SIM}platform.ts`);
    expect(sandbox.loaded.filter((url) => url.startsWith(SIM)).length).toBeGreaterThan(20);
  });
});
