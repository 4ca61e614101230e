import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleNotifier } from '../../src/cli/console-notifier.js';
import { loadConfig } from '../../src/config/load.js';
import { PerfError } from '../../src/errors.js';
import { buildJobDeps } from '../../src/job-deps.js';
import type { JobContext } from '../../src/jobs/deps.js';
import { runBaseline } from '../../src/jobs/workers/baseline.js';
import { createKubeClient } from '../../src/kube/client.js';
import { createLogger } from '../../src/log.js';
import { type SimulatedPlatform, startSimulatedPlatform } from '../../src/sim/platform.js';
import { createFileStore } from '../../src/store/file-store.js';

/**
 * A run stopped mid-exec: on a real cluster the command may run on in its pod, so the measurement
 * lock is held until it must be done, and a refusal says until when; the simulated platform's
 * commands end with it, so its lock is released at once.
 */
let platform: SimulatedPlatform;
const dirs: string[] = [];
beforeAll(async () => {
  platform = await startSimulatedPlatform({ speed: 0.05 });
});
afterAll(async () => {
  await platform.close();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function depsFor(simulated: boolean) {
  const dir = await mkdtemp(join(tmpdir(), 'perfbot-hold-'));
  dirs.push(dir);
  const config = loadConfig({ LOG_LEVEL: 'silent', PERFBOT_HOME: dir });
  return buildJobDeps({
    config: { ...config, platform: platform.overlay(config.platform) },
    kube: createKubeClient({ kubeConfigYaml: platform.kubeconfig }),
    store: createFileStore(dir, 10),
    notifier: createConsoleNotifier({ chartDir: dir, write: () => undefined }),
    log: createLogger('silent', process.stderr),
    simulated,
  });
}

const origin = {
  userId: 'me',
  source: 'cli',
  thread: { channel: 'cli', threadTs: 'cli.1' },
  statusTs: 'cli.1',
} as const;
const payload = {
  service: 'kafka',
  options: { runs: 2 },
  origin,
  requestedAt: new Date().toISOString(),
} as const;

/** Starts a baseline and aborts it as soon as its first measured run is under way (an exec in flight). */
async function stoppedRun(deps: Awaited<ReturnType<typeof depsFor>>, jobId: string): Promise<unknown> {
  const abort = new AbortController();
  const ctx: JobContext = {
    jobId,
    attempt: 1,
    signal: abort.signal,
    progress: (p) => {
      if (p.step === 'run') setTimeout(() => abort.abort(), 300);
    },
  };
  return runBaseline(payload, 'baseline kafka', deps, ctx).catch((error: unknown) => error);
}

const ctxOf = (jobId: string): JobContext => ({
  jobId,
  attempt: 1,
  signal: new AbortController().signal,
  progress: () => undefined,
});

describe('the measurement lock after a stopped run', () => {
  it('is held on a real cluster for the command left in its pod, and the refusal says until when', async () => {
    const deps = await depsFor(false);
    expect(await stoppedRun(deps, 'cli-first')).toBeInstanceOf(PerfError);
    const [held] = await deps.store.locks.list();
    expect(held).toMatchObject({ scope: 'measure', service: 'kafka', owner: 'cli-first' });
    const refused = await runBaseline(payload, 'baseline kafka', deps, ctxOf('cli-second')).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(PerfError);
    expect((refused as PerfError).userMessage).toMatch(
      /kafka is busy with job cli-first until \d\d:\d\d:\d\d UTC \(in \d+ (s|min)\).*`perfbot unlock kafka`/,
    );
  }, 60_000);

  it('is released at once on the simulated platform, whose commands ended with the run', async () => {
    const deps = await depsFor(true);
    expect(await stoppedRun(deps, 'cli-first')).toBeInstanceOf(PerfError);
    expect(await deps.store.locks.list()).toEqual([]);
  }, 60_000);
});
