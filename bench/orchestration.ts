/**
 * Benchmark 3: `baseline all` as a person waits for it, on the simulated platform (speed 0: its tools
 * answer at once) with known probe durations: each probe's runs are wrapped with a fixed delay
 * (PER_RUN_MS), PostgreSQL and resources keep their own 1 s sampling interval. Measured in one run,
 * all with the real job code and the real notifier paths: each service alone and `baseline all`
 * through `runJobCommand` (the CLI's path, in this process) with the console notifier, from the
 * command to its last printed line; `baseline all` as a signed `/perf baseline all` to perfbot's bot
 * (`startPerfbot({ mode: 'bot' })`) and a worker, against the Slack stand-in answering every Web API
 * call after 50–150 ms, from the command to the flow's last Slack call (its parent job completed).
 * For contrast, labelled as such: the runbook's one-after-another (a single group), and the BullMQ
 * flow with a no-op Notifier (the machinery alone).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConsoleNotifier } from '../src/cli/console-notifier.js';
import { runJobCommand } from '../src/cli/run-command.js';
import type { Command } from '../src/commands/command.js';
import type { Config } from '../src/config/load.js';
import type { ServiceName } from '../src/domain/services.js';
import { buildJobDeps } from '../src/job-deps.js';
import { JobName, type Origin } from '../src/jobs/contracts.js';
import type { JobDeps } from '../src/jobs/deps.js';
import { type JobCommand, newJobId } from '../src/jobs/dispatcher.js';
import { createKubeClient } from '../src/kube/client.js';
import { startPerfbot } from '../src/main.js';
import type { Notifier } from '../src/present/notifier.js';
import type { Probe } from '../src/probes/types.js';
import { startSimulatedPlatform } from '../src/sim/platform.js';
import { type FakeSlack, startFakeSlack } from '../src/sim/slack/server.js';
import { createRedisStore } from '../src/store/redis-store.js';
import { closeAgent, postSlashCommand } from './lib/load.js';
import { benchOptions } from './lib/options.js';
import { benchConfig, discardLogger } from './lib/perfbot.js';
import { noopNotifier, slackNotifier, startPerfbotQueue } from './lib/queue.js';
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
const ALL: JobCommand = { kind: 'baseline', target: 'all', options: {} };
/** What each of the Slack stand-in's Web API calls takes, ms. */
const SLACK_LATENCY = { min: 50, max: 150 };

function withDelay(probe: Probe, ms: number): Probe {
  return {
    ...probe,
    async runOnce(deps, prepared, i) {
      await sleep(ms);
      return probe.runOnce(deps, prepared, i);
    },
  };
}

/** The CLI's console notifier, printing nowhere but remembering when it printed its last line. */
function consoleSink(chartDir: string) {
  const sink = { lines: 0, lastAt: 0 };
  const notifier = createConsoleNotifier({
    chartDir,
    write: (text) => {
      sink.lines += text.split('\n').length - 1;
      sink.lastAt = nowMs();
    },
  });
  return { sink, notifier };
}

/** Wall time of one command through the CLI's job code, in this process, to its last printed line. */
async function timeCli(command: Command, deps: (notifier: Notifier) => Promise<JobDeps>, chartDir: string) {
  const { sink, notifier } = consoleSink(chartDir);
  const built = await deps(notifier);
  const t0 = nowMs();
  const exit = await runJobCommand(command, built, new AbortController().signal);
  const ended = nowMs();
  if (exit !== 0) throw new Error(`${JSON.stringify(command)} ended with exit code ${exit}`);
  return { toLastLine: sink.lastAt - t0, toExit: ended - t0, lines: sink.lines };
}

/**
 * Wall time of a signed `/perf baseline all` through perfbot's bot and a worker against the Slack
 * stand-in, from sending the command to the flow's parent completing (its overview and charts were
 * the thread's last Slack calls).
 */
async function timeSlack(config: Config, slack: FakeSlack, deps: Pick<JobDeps, 'kube' | 'probes'>) {
  const secret = randomBytes(16).toString('hex');
  const env = { ...config.env, SLACK_SIGNING_SECRET: secret };
  const withSecret: Config = { ...config, env };
  const bot = await startPerfbot({
    mode: 'bot',
    config: {
      ...withSecret,
      platform: { ...withSecret.platform, slack: { ...withSecret.platform.slack, mode: 'http' } },
    },
    log: discardLogger(),
  });
  const queue = await startPerfbotQueue(withSecret, slackNotifier(withSecret), deps);
  try {
    let done: 'completed' | 'failed' | undefined;
    const isParent = (job: { name: string; data: unknown }) =>
      job.name === JobName.baselineAll && (job.data as { partOf?: string }).partOf === undefined;
    queue.worker.on('completed', (job) => {
      if (isParent(job)) done = 'completed';
    });
    queue.worker.on('failed', (job) => {
      if (job && isParent(job)) done = 'failed';
    });
    const t0 = nowMs();
    const status = await postSlashCommand(`http://127.0.0.1:${bot.port}/slack/events`, secret, {
      text: 'baseline all',
      channel_id: 'C0ALLBENCH',
    });
    if (status !== 200) throw new Error(`the bot answered ${status}`);
    await waitUntil(() => done !== undefined, 300_000, 'baseline all through Slack');
    if (done === 'failed') throw new Error('baseline all failed on the worker');
    const ms = nowMs() - t0;
    if (process.env.BENCH_TRACE) traceCalls(slack, Date.now() - ms);
    const root = slack.state.messages.find((m) => m.channel === 'C0ALLBENCH' && m.threadTs === undefined);
    return { ms, slackCalls: slack.state.calls.length, root: root?.text ?? '' };
  } finally {
    await queue.close();
    await bot.close(2_000);
  }
}

/** `BENCH_TRACE=1`: every Web API call of the Slack row, when it arrived and was answered (ms after the command). */
function traceCalls(slack: FakeSlack, t0: number): void {
  for (const call of slack.state.calls) {
    const what = [call.params.text, call.params.filename, call.params.title].find(
      (v) => typeof v === 'string',
    );
    const label = typeof what === 'string' ? what.replace(/\s+/g, ' ').slice(0, 70) : '';
    process.stdout.write(
      `  ${String(call.receivedAt - t0).padStart(6)} → ${String(call.answeredAt - t0).padStart(6)} ms  ${call.method}  ${label}\n`,
    );
  }
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
  /** Each service alone, CLI path, to its last printed line. */
  single: Record<string, number[]>;
  /** `baseline all`, CLI path, to its last printed line / to the command's end. */
  all: number[];
  allExit: number[];
  /** `baseline all` through the bot, a worker and the Slack stand-in with latency. */
  slack: number[];
  /** For contrast: one group (one after another), CLI path; the BullMQ flow with a no-op Notifier. */
  sequential: number[];
  workerNoop: number[];
}

/** Every figure in one process and one run, `rounds` times over. */
async function measureRounds(config: Config, rounds: number): Promise<Figures> {
  const prefix = config.env.PERFBOT_REDIS_PREFIX;
  const platform = await startSimulatedPlatform({ speed: 0, seed: 7 });
  const slack = await startFakeSlack({ latencyMs: SLACK_LATENCY });
  const chartDir = await mkdtemp(join(tmpdir(), 'perfbot-bench-charts-'));
  const redis = connectRedis();
  const simulated: Config = {
    ...config,
    env: { ...config.env, SLACK_API_URL: slack.apiUrl, SLACK_BOT_TOKEN: slack.botToken },
    platform: platform.overlay(config.platform),
  };
  const withJobs = (jobs: Partial<Config['platform']['jobs']>): Config => ({
    ...simulated,
    platform: { ...simulated.platform, jobs: { ...simulated.platform.jobs, ...jobs } },
  });
  const kube = createKubeClient({ kubeConfigYaml: platform.kubeconfig });
  const store = createRedisStore({ redis, prefix, keepResults: 200 });
  const depsFor =
    (c: Config) =>
    async (notifier: Notifier): Promise<JobDeps> => {
      const deps = await buildJobDeps({
        config: c,
        kube,
        store,
        notifier,
        log: discardLogger(),
        simulated: true,
      });
      return { ...deps, probes: delayed(deps.probes) };
    };
  const f: Figures = { single: {}, all: [], allExit: [], slack: [], sequential: [], workerNoop: [] };
  try {
    // Discarded: the first job of a process pays for loading and JIT (charts above all).
    const plain = async (notifier: Notifier) =>
      buildJobDeps({ config: simulated, kube, store, notifier, log: discardLogger(), simulated: true });
    await timeCli({ kind: 'baseline', target: 'kafka', options: {} }, plain, chartDir);
    const probes = delayed((await plain(noopNotifier)).probes);
    for (let round = 0; round < rounds; round++) {
      for (const s of SERVICES) {
        const t = await timeCli({ kind: 'baseline', target: s, options: {} }, depsFor(simulated), chartDir);
        f.single[s] = [...(f.single[s] ?? []), t.toLastLine];
      }
      const all = await timeCli(ALL, depsFor(simulated), chartDir);
      f.all.push(all.toLastLine);
      f.allExit.push(all.toExit);
      f.slack.push((await timeSlack(simulated, slack, { kube, probes })).ms);
      // The runbook's way: every service in one group, so one after another.
      f.sequential.push((await timeCli(ALL, depsFor(withJobs({ groups: [SERVICES] })), chartDir)).toLastLine);
      f.workerNoop.push(await timeWorker(simulated, await depsFor(simulated)(noopNotifier)));
    }
  } finally {
    closeAgent();
    await dropPrefix(redis, prefix);
    await redis.quit();
    await slack.close();
    await platform.close();
    await rm(chartDir, { recursive: true, force: true });
  }
  return f;
}

function delayed(probes: Readonly<Record<ServiceName, Probe>>): Record<ServiceName, Probe> {
  return Object.fromEntries(SERVICES.map((s) => [s, withDelay(probes[s], PER_RUN_MS[s])])) as Record<
    ServiceName,
    Probe
  >;
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
  const f = await measureRounds(config, rounds);
  const singles = Object.fromEntries(SERVICES.map((s) => [s, median(f.single[s] ?? [])]));
  const slowest = Math.max(...Object.values(singles));
  // resources is measured apart (before the others start): the least `baseline all` can cost then.
  const apartFloor =
    (singles.resources ?? 0) +
    Math.max(...SERVICES.filter((s) => s !== 'resources').map((s) => singles[s] ?? 0));
  const goal = { goal: '≤ 1.15× slowest probe', limit: 1.15 };
  const vsSlowest = (figure: string, xs: number[]) =>
    row(NAME, { figure, unit: 'ms', perfbot: median(xs), floor: slowest, ...goal });
  report({
    name: NAME,
    settings: {
      rounds,
      perRunDelayMs: PER_RUN_MS,
      groups,
      concurrency,
      sandboxSpeed: 0,
      slackLatencyMs: SLACK_LATENCY,
    },
    notes: [
      `Known durations: per-run delays ${JSON.stringify(PER_RUN_MS)} (ms, warm-up runs included); PostgreSQL and resources sample over their own 1 s interval.`,
      `Alone, CLI path to the last line (ms): ${SERVICES.map((s) => `${s} ${Math.round(singles[s] ?? 0)}`).join(', ')}.`,
      `resources is measured apart (alone, before the others start): resources + the slowest other = ${Math.round(apartFloor)} ms is the least \`baseline all\` can cost with that rule.`,
      `CLI rows: runJobCommand with the console notifier (its text renderer, PNG charts written), to its last printed line; the command itself ended at ${Math.round(median(f.allExit))} ms.`,
      `Slack row: a signed /perf baseline all to startPerfbot({ mode: 'bot' }) and a worker (startWorker, jobs.concurrency ${concurrency}) against the Slack stand-in answering each Web API call in ${SLACK_LATENCY.min}–${SLACK_LATENCY.max} ms; from the command to the flow's parent completed.`,
      `${rounds} round(s), medians${options.full ? '' : ' (`--full` or BENCH_FULL=1: 3 rounds)'}.`,
    ],
    rows: [
      vsSlowest('baseline all, CLI, console notifier, to last line vs slowest probe', f.all),
      vsSlowest('baseline all, bot + worker, Slack stand-in 50–150 ms vs slowest probe', f.slack),
      row(NAME, {
        figure: 'baseline all, CLI, vs resources apart + slowest other',
        unit: 'ms',
        perfbot: median(f.all),
        floor: apartFloor,
      }),
      row(NAME, {
        figure: 'baseline all, bot + worker, Slack stand-in, vs resources apart + slowest other',
        unit: 'ms',
        perfbot: median(f.slack),
        floor: apartFloor,
      }),
      row(NAME, {
        figure: 'baseline all, CLI, vs one after another (one group)',
        unit: 'ms',
        perfbot: median(f.all),
        floor: median(f.sequential),
      }),
      row(NAME, {
        figure: 'machinery only: BullMQ flow, no-op Notifier, vs slowest probe',
        unit: 'ms',
        perfbot: median(f.workerNoop),
        floor: slowest,
      }),
    ],
    details: { ...f, singles, slowest, apartFloor },
  });
}

await main();
