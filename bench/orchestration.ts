/**
 * Benchmark 3: `baseline all` orchestration on the simulated platform (speed 0: its tools answer at
 * once) with known probe durations: each probe's runs are wrapped with a fixed delay (PER_RUN_MS),
 * PostgreSQL and resources keep their own 1 s sampling interval. Measured in one run, all with the
 * real job code: each service alone and `baseline all` through `runJobCommand` (the CLI's path, in
 * this process); the runbook's one-after-another as `baseline all` with a single group in
 * `jobs.groups`; and `baseline all` through createBullDispatcher + startWorker (a BullMQ flow) at the
 * default worker concurrency and at one slot per group.
 */
import { runJobCommand } from '../src/cli/run-command.js';
import type { Command } from '../src/commands/command.js';
import type { Config } from '../src/config/load.js';
import type { ServiceName } from '../src/domain/services.js';
import { buildJobDeps } from '../src/job-deps.js';
import type { Origin } from '../src/jobs/contracts.js';
import type { JobDeps } from '../src/jobs/deps.js';
import { newJobId, type QueuedCommand } from '../src/jobs/dispatcher.js';
import { createKubeClient } from '../src/kube/client.js';
import type { Probe } from '../src/probes/types.js';
import { startSimulatedPlatform } from '../src/sim/platform.js';
import { createRedisStore } from '../src/store/redis-store.js';
import { benchOptions } from './lib/options.js';
import { benchConfig, discardLogger } from './lib/perfbot.js';
import { noopNotifier, startPerfbotQueue } from './lib/queue.js';
import { benchPrefix, connectRedis, dropPrefix } from './lib/redis.js';
import { report, row } from './lib/report.js';
import { nowMs, sleep } from './lib/stats.js';
import { waitUntil } from './lib/wait.js';

const NAME = 'orchestration';
const SERVICES: ServiceName[] = ['kafka', 'trino', 'ray', 'postgres', 'resources'];
/** Known delay added to every run (warm-up included) of each probe, ms. */
const PER_RUN_MS: Record<ServiceName, number> = {
  kafka: 1500,
  trino: 800,
  ray: 1000,
  postgres: 0,
  resources: 0,
};
const ALL: QueuedCommand = { kind: 'baseline', target: 'all', options: {} };

function withDelay(probe: Probe, ms: number): Probe {
  return {
    ...probe,
    async runOnce(deps, prepared, i) {
      await sleep(ms);
      return probe.runOnce(deps, prepared, i);
    },
  };
}

/** Wall time of one command through the CLI's job code, in this process. */
async function timeCli(command: Command, deps: JobDeps): Promise<number> {
  const t0 = nowMs();
  const exit = await runJobCommand(command, deps, new AbortController().signal);
  if (exit !== 0) throw new Error(`${JSON.stringify(command)} ended with exit code ${exit}`);
  return nowMs() - t0;
}

/** Wall time of `baseline all` from `dispatcher.enqueue` to the parent job's completion. */
async function timeWorker(config: Config, deps: JobDeps): Promise<number> {
  const queue = await startPerfbotQueue(config, noopNotifier, { kube: deps.kube, probes: deps.probes });
  try {
    const jobId = newJobId(ALL);
    let done: 'completed' | 'failed' | undefined;
    queue.worker.on('completed', (job) => {
      if (job.id === jobId) done = 'completed';
    });
    queue.worker.on('failed', (job) => {
      if (job?.id === jobId) done = 'failed';
    });
    const thread = { channel: 'C0PERF', threadTs: '1.000001' };
    const origin: Origin = { userId: 'U0BENCH', source: 'slack', thread, statusTs: thread.threadTs };
    const t0 = nowMs();
    await queue.dispatcher.enqueue(ALL, origin, jobId);
    await waitUntil(() => done !== undefined, 300_000, 'baseline all');
    if (done === 'failed') throw new Error('baseline all failed on the worker');
    return nowMs() - t0;
  } finally {
    await queue.close();
  }
}

interface Figures {
  single: Record<string, number[]>;
  all: number[];
  sequential: number[];
  workerDefault: number[];
  workerOther: number[];
}

/** Every figure in one process and one run, `rounds` times over. */
async function measureRounds(config: Config, rounds: number, otherConcurrency: number): Promise<Figures> {
  const prefix = config.env.PERFBOT_REDIS_PREFIX;
  const platform = await startSimulatedPlatform({ speed: 0, seed: 7 });
  const redis = connectRedis();
  const simulated: Config = { ...config, platform: platform.overlay(config.platform) };
  const withJobs = (jobs: Partial<Config['platform']['jobs']>): Config => ({
    ...simulated,
    platform: { ...simulated.platform, jobs: { ...simulated.platform.jobs, ...jobs } },
  });
  const kube = createKubeClient({ kubeConfigYaml: platform.kubeconfig });
  const store = createRedisStore({ redis, prefix, keepResults: 200 });
  const depsFor = async (c: Config): Promise<JobDeps> => {
    const deps = await buildJobDeps({
      config: c,
      kube,
      store,
      notifier: noopNotifier,
      log: discardLogger(),
      simulated: true,
    });
    const probes = Object.fromEntries(SERVICES.map((s) => [s, withDelay(deps.probes[s], PER_RUN_MS[s])]));
    return { ...deps, probes: probes as Record<ServiceName, Probe> };
  };
  const f: Figures = { single: {}, all: [], sequential: [], workerDefault: [], workerOther: [] };
  try {
    // Discarded: the first job of a process pays for loading and JIT (charts above all).
    const plain = await buildJobDeps({
      config: simulated,
      kube,
      store,
      notifier: noopNotifier,
      log: discardLogger(),
      simulated: true,
    });
    await timeCli({ kind: 'baseline', target: 'kafka', options: {} }, plain);
    for (let round = 0; round < rounds; round++) {
      for (const s of SERVICES) {
        const ms = await timeCli({ kind: 'baseline', target: s, options: {} }, await depsFor(simulated));
        f.single[s] = [...(f.single[s] ?? []), ms];
      }
      f.all.push(await timeCli(ALL, await depsFor(simulated)));
      // The runbook's way: every service in one group, so one after another.
      f.sequential.push(await timeCli(ALL, await depsFor(withJobs({ groups: [SERVICES] }))));
      f.workerDefault.push(await timeWorker(simulated, await depsFor(simulated)));
      f.workerOther.push(
        await timeWorker(withJobs({ concurrency: otherConcurrency }), await depsFor(simulated)),
      );
    }
  } finally {
    await dropPrefix(redis, prefix);
    await redis.quit();
    await platform.close();
  }
  return f;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function main(): Promise<void> {
  const options = benchOptions(process.argv.slice(2));
  const rounds = options.full ? 3 : 1;
  const config = benchConfig({
    prefix: benchPrefix(NAME),
    slackApiUrl: 'http://127.0.0.1:9/',
    botToken: 'xoxb-bench',
    signingSecret: 'unused',
  });
  const { groups, concurrency } = config.platform.jobs;
  // For contrast with the default: one slot per group, or 2 when the default already has that many.
  const other = concurrency >= groups.length ? 2 : groups.length;
  const f = await measureRounds(config, rounds, other);
  const singles = Object.fromEntries(SERVICES.map((s) => [s, median(f.single[s] ?? [])]));
  const slowest = Math.max(...Object.values(singles));
  const goal = { goal: '≤ 1.15× slowest probe', limit: 1.15 };
  const vsSlowest = (figure: string, xs: number[], withGoal: boolean) =>
    row(NAME, { figure, unit: 'ms', perfbot: median(xs), floor: slowest, ...(withGoal ? goal : {}) });
  report({
    name: NAME,
    settings: {
      rounds,
      perRunDelayMs: PER_RUN_MS,
      groups,
      concurrency,
      otherConcurrency: other,
      sandboxSpeed: 0,
    },
    notes: [
      `Known durations: per-run delays ${JSON.stringify(PER_RUN_MS)} (ms, warm-up runs included); PostgreSQL and resources sample over their own 1 s interval.`,
      `Alone (ms): ${SERVICES.map((s) => `${s} ${Math.round(singles[s] ?? 0)}`).join(', ')}.`,
      `${rounds} round(s), medians${options.full ? '' : ' (`--full` or BENCH_FULL=1: 3 rounds)'}. Results and charts are produced as usual (PNG rendering included); the Notifier is a no-op.`,
      `Worker rows: a BullMQ flow through createBullDispatcher + startWorker; jobs.concurrency ${concurrency} is the default, for ${groups.length} groups.`,
    ],
    rows: [
      vsSlowest('baseline all (CLI path) vs slowest probe', f.all, true),
      row(NAME, {
        figure: 'baseline all (CLI path) vs one after another',
        unit: 'ms',
        perfbot: median(f.all),
        floor: median(f.sequential),
      }),
      vsSlowest(`baseline all (worker, concurrency ${concurrency}) vs slowest`, f.workerDefault, true),
      vsSlowest(`baseline all (worker, concurrency ${other}) vs slowest`, f.workerOther, false),
    ],
    details: f,
  });
}

await main();
