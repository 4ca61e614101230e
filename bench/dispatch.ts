/**
 * Benchmark 2: dispatch. (a) Time from the slash command's ack to the job starting on a worker
 * (the worker's `active` event), for signed `/perf history kafka` through perfbot's bot (own
 * process) → createBullDispatcher → startWorker (this process); the floor is bare BullMQ, from
 * `Queue.add` to `active`. (b) Jobs per second for trivial jobs (`history` of a service with no
 * results) through the same path, against a bare Queue → Worker with a no-op processor. All on the
 * same Redis, same concurrency, same job options.
 */
import { randomBytes } from 'node:crypto';
import type { Worker } from 'bullmq';
import type { Origin } from '../src/jobs/contracts.js';
import { newJobId, type QueuedCommand } from '../src/jobs/dispatcher.js';
import { line } from '../src/present/document.js';
import { spawnChild } from './lib/child.js';
import { closeAgent, openLoop, postSlashCommand } from './lib/load.js';
import { benchOptions, envNumber } from './lib/options.js';
import { benchConfig } from './lib/perfbot.js';
import {
  type BareQueue,
  noopNotifier,
  type PerfbotQueue,
  slackNotifier,
  startBareQueue,
  startPerfbotQueue,
} from './lib/queue.js';
import { benchPrefix, connectRedis, dropPrefix } from './lib/redis.js';
import { type Row, report, row } from './lib/report.js';
import { nowMs, spread } from './lib/stats.js';
import { type Drain, drainThrough, waitUntil } from './lib/wait.js';

const NAME = 'dispatch';
const RATE = 20;
/** The Slack stand-in answers each Web API call in this range (ms), as Slack does over the Internet. */
const SLACK_LATENCY = '50-150';
const LATENCY_SLOTS = 32;
const HISTORY: QueuedCommand = { kind: 'history', target: 'kafka', limit: 20 };

/** Records when each job, keyed by `keyOf(job data, job id)`, became active on `worker`. */
function activeTimes(worker: Worker, keyOf: (data: unknown, id: string) => string | undefined) {
  const started = new Map<string, number>();
  worker.on('active', (job) => {
    const key = keyOf(job.data, job.id ?? '');
    if (key !== undefined) started.set(key, nowMs());
  });
  return started;
}

async function perfbotLatency(perf: PerfbotQueue, url: string, secret: string, seconds: number) {
  const userOf = (data: unknown) => (data as { origin?: { userId?: string } }).origin?.userId;
  const started = activeTimes(perf.worker, userOf);
  const acked = new Map<string, number>();
  const send = (tag: string) => async (i: number) => {
    // The user id tells the job apart: the bot puts it into the job's origin.
    const status = await postSlashCommand(url, secret, { text: 'history kafka', user_id: `U${tag}${i}` });
    acked.set(`U${tag}${i}`, nowMs());
    return status;
  };
  await openLoop(RATE, 1, send('W'));
  acked.clear();
  await openLoop(RATE, seconds, send('M'));
  await waitUntil(() => [...acked.keys()].every((u) => started.has(u)), 30_000, 'perfbot jobs to start');
  return [...acked].map(([user, at]) => (started.get(user) ?? Number.NaN) - at);
}

async function bareLatency(
  add: (data: unknown, id: string) => Promise<unknown>,
  worker: Worker,
  seconds: number,
) {
  const started = activeTimes(worker, (_data, id) => id);
  const added = new Map<string, number>();
  const send = (tag: string) => async (i: number) => {
    const id = `${tag}-${i}`;
    added.set(id, nowMs());
    await add({ service: 'kafka', limit: 20, i }, id);
    return 200;
  };
  await openLoop(RATE, 1, send('warm'));
  added.clear();
  await openLoop(RATE, seconds, send('measured'));
  await waitUntil(() => [...added.keys()].every((id) => started.has(id)), 30_000, 'bare jobs to start');
  return [...added].map(([id, at]) => (started.get(id) ?? Number.NaN) - at);
}

/** History jobs straight through the dispatcher, answering in one existing thread. */
async function perfbotDrain(perf: PerfbotQueue, origin: Origin, n: number): Promise<Drain> {
  return drainThrough(perf.worker, n, (i) =>
    perf.dispatcher.enqueue(HISTORY, { ...origin, userId: `UD${i}` }, newJobId(HISTORY)),
  );
}

interface Drains {
  bare: Drain[];
  noop: Drain[];
  slack: Drain[];
}

/** Alternating rounds of `jobs` trivial jobs through each of the three queues. */
async function drainRounds(
  queues: { bare: BareQueue; noop: PerfbotQueue; slack: PerfbotQueue },
  origin: Origin,
  jobs: number,
  rounds: number,
): Promise<Drains> {
  const d: Drains = { bare: [], noop: [], slack: [] };
  for (let round = 0; round < rounds; round++) {
    const { bare } = queues;
    d.bare.push(await drainThrough(bare.worker, jobs, (i) => bare.add({ service: 'kafka', limit: 20, i })));
    d.noop.push(await perfbotDrain(queues.noop, origin, jobs));
    d.slack.push(await perfbotDrain(queues.slack, origin, jobs));
  }
  return d;
}

/** The round with the median rate. */
const medianDrain = (ds: Drain[]): Drain =>
  [...ds].sort((a, b) => a.jobsPerSec - b.jobsPerSec)[Math.floor(ds.length / 2)] as Drain;

async function main(): Promise<void> {
  const options = benchOptions(process.argv.slice(2), 10);
  const jobs = envNumber('BENCH_DISPATCH_JOBS', 2_000);
  const rounds = options.full ? 7 : 3;
  const prefix = benchPrefix(NAME);
  const secret = randomBytes(16).toString('hex');
  // The bot and its worker meet Slack's latency; the throughput rounds a stand-in that answers at once
  // (2,000 jobs × 3 calls at 100 ms would take minutes and measure the stand-in's sleep).
  const slowSlack = await spawnChild<{ apiUrl: string; botToken: string }>('fake-slack.ts', [], {
    BENCH_SLACK_LATENCY: SLACK_LATENCY,
  });
  const slack = await spawnChild<{ apiUrl: string; botToken: string }>('fake-slack.ts', []);
  const configFor = (p: string, stand = slack, yaml: Record<string, unknown> = {}) =>
    benchConfig({
      prefix: p,
      slackApiUrl: stand.ready.apiUrl,
      botToken: stand.ready.botToken,
      signingSecret: secret,
      yaml,
    });
  // Each worker has a queue of its own: two perfbot workers on one queue would share its jobs.
  // Each job of the latency rows holds its slot for its Slack calls (~0.4 s at this latency): enough
  // slots that one is free when a job arrives, as the bare worker's no-op processor always has.
  const latentConfig = configFor(prefix, slowSlack, { jobs: { concurrency: LATENCY_SLOTS } });
  const config = configFor(`${prefix}-slack`);
  const noopConfig = configFor(`${prefix}-noop`);
  const env = {
    BENCH_SLACK_API_URL: slowSlack.ready.apiUrl,
    BENCH_BOT_TOKEN: slowSlack.ready.botToken,
    BENCH_SECRET: secret,
    BENCH_PREFIX: prefix,
  };
  const bot = await spawnChild<{ port: number }>('perfbot-bot.ts', [], env);
  const redis = connectRedis();
  const bare = await startBareQueue(config);
  const latent = await startPerfbotQueue(latentConfig, slackNotifier(latentConfig));
  const perf = await startPerfbotQueue(config, slackNotifier(config));
  const noop = await startPerfbotQueue(noopConfig, noopNotifier);
  try {
    const bareLat = await bareLatency(bare.add, bare.worker, options.seconds);
    const perfLat = await perfbotLatency(
      latent,
      `http://127.0.0.1:${bot.ready.port}/slack/events`,
      secret,
      options.seconds,
    );
    const root = await slackNotifier(config).postRoot('C0PERF', { summary: line('bench'), blocks: [] });
    const thread = { channel: root.channel, threadTs: root.ts };
    const origin: Origin = { userId: 'U0BENCH', source: 'slack', thread, statusTs: root.ts };
    const drains = await drainRounds({ bare, noop, slack: perf }, origin, jobs, rounds);
    const p = spread(perfLat);
    const b = spread(bareLat);
    const concurrency = config.platform.jobs.concurrency;
    const failed = (ds: Drain[]) => ds.reduce((n, d) => n + d.failed, 0);
    report({
      name: NAME,
      settings: { rate: RATE, seconds: options.seconds, jobs, rounds, concurrency, full: options.full },
      notes: [
        `Latency: ${RATE} commands/s for ${options.seconds} s after 1 s of warm-up (open loop); perfbot from the ack received to \`active\`, bare BullMQ from \`Queue.add\` to \`active\`.`,
        `The bot enqueues first (the thread's ts pending), then posts the root message; the bot and its worker meet a Slack stand-in answering each Web API call in ${SLACK_LATENCY} ms; that worker has ${LATENCY_SLOTS} slots, so that a job never waits for a free one. The throughput rows use a stand-in that answers at once.`,
        `Throughput: median of ${rounds} alternating rounds of ${jobs} jobs (BENCH_DISPATCH_JOBS; --full: 7 rounds), worker concurrency ${concurrency} on both sides; from the first add to the last job ended.`,
        `Failed jobs: bare ${failed(drains.bare)}, perfbot/Slack ${failed(drains.slack)}, perfbot/no-op ${failed(drains.noop)}.`,
      ],
      rows: [
        row(NAME, { figure: 'ack → job active, p50', unit: 'ms', perfbot: p.p50, floor: b.p50, ...GOAL }),
        row(NAME, { figure: 'ack → job active, p99', unit: 'ms', perfbot: p.p99, floor: b.p99, ...GOAL }),
        rateRow('trivial jobs/s, Notifier no-op', medianDrain(drains.noop), medianDrain(drains.bare), true),
        rateRow('trivial jobs/s, Slack stand-in', medianDrain(drains.slack), medianDrain(drains.bare), false),
      ],
      details: { latency: { perfbot: p, bare: b }, drains },
    });
  } finally {
    closeAgent();
    await Promise.all([bare.close(), perf.close(), noop.close(), latent.close()]);
    await Promise.all([bot.stop(), slack.stop(), slowSlack.stop()]);
    await dropPrefix(redis, prefix);
    await dropPrefix(redis, `${prefix}-noop`);
    await dropPrefix(redis, `${prefix}-slack`);
    await redis.quit();
  }
}

const GOAL = { goal: '≤ 1.2× bare BullMQ', limit: 1.2 };

/**
 * A rate's ratio is the slowdown, bare ÷ perfbot, so that above 1 means slower as in every other
 * row. The goal is on the no-op row: the Slack row adds three HTTP calls per job to a stand-in.
 */
function rateRow(figure: string, perfbot: Drain, bare: Drain, withGoal: boolean): Row {
  const r = row(NAME, { figure, unit: 'jobs/s', perfbot: perfbot.jobsPerSec, floor: bare.jobsPerSec });
  const slowdown = bare.jobsPerSec / perfbot.jobsPerSec;
  if (!withGoal) return { ...r, ratio: slowdown };
  return { ...r, ratio: slowdown, goal: GOAL.goal, met: slowdown <= GOAL.limit };
}

await main();
