/**
 * Benchmark 5: footprint. Resident memory (RSS, read from /proc for a child process of its own) of
 * perfbot's bot and worker at idle, after 1,000 and after 10,000 trivial jobs (`/perf history kafka`
 * sent to the bot, run by the worker; completed jobs trimmed by `jobs.keepCompleted`), and their
 * start-up time (spawn → ready). Floors: a bare Bolt app that only acks, a bare BullMQ worker with a
 * no-op processor, all under the same loader (node --import tsx), plus an empty process for reference.
 */
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { QUEUE_NAME } from '../src/jobs/contracts.js';
import { spawnChild } from './lib/child.js';
import { closeAgent, closedLoop, postSlashCommand } from './lib/load.js';
import { type Memory, memoryUnderLoad, type Snapshots } from './lib/memory.js';
import { benchOptions, envNumber } from './lib/options.js';
import { benchConfig } from './lib/perfbot.js';
import { benchPrefix, connectRedis, dropPrefix } from './lib/redis.js';
import { report, row } from './lib/report.js';
import { sleep, spread } from './lib/stats.js';
import { endedCounter, waitUntil } from './lib/wait.js';

const NAME = 'footprint';
/** The stated bound: RSS after 10,000 jobs at most this much above RSS after the first 1,000. */
const GROWTH_BOUND_MIB = 20;
const WARM_JOBS = 1000;
const KEEP = 100;
const YAML = { jobs: { keepCompleted: KEEP, keepFailed: KEEP } };
const SETTLE_MS = 2000;
const counts = (total: number) => ({ warmJobs: WARM_JOBS, total, settleMs: SETTLE_MS });
const NO_MEMORY: Memory = { rss: Number.NaN, rssAfterGc: Number.NaN, heapAfterGc: Number.NaN };
const NONE: Snapshots = { idle: NO_MEMORY, warm: NO_MEMORY, loaded: NO_MEMORY };

const CHILDREN = {
  bot: 'perfbot-bot.ts',
  bareBolt: 'bare-bolt.ts',
  worker: 'perfbot-worker.ts',
  bareWorker: 'bare-worker.ts',
  bareWorkerKube: 'bare-worker.ts',
  idle: 'idle.ts',
} as const;
type Kind = keyof typeof CHILDREN;
/** What a kind sets besides the shared env: the second floor of the worker loads the Kubernetes client. */
const KIND_ENV: Partial<Record<Kind, Record<string, string>>> = { bareWorkerKube: { BENCH_WITH_KUBE: '1' } };

const spawnKind = (kind: Kind, env: Record<string, string>) =>
  spawnChild<{ port?: number }>(CHILDREN[kind], [], { ...env, ...KIND_ENV[kind] });

/** RSS of a kind at rest, `SETTLE_MS` after it said ready. */
async function idleRss(kind: Kind, env: Record<string, string>): Promise<number> {
  const child = await spawnKind(kind, env);
  await sleep(SETTLE_MS);
  const rss = child.rssMiB();
  await child.stop();
  return rss;
}

/** Spawn → ready, `times` times (the first also warms tsx's cache); the median. */
async function startupMs(kind: Kind, env: Record<string, string>, times: number): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const child = await spawnKind(kind, env);
    ms.push(child.startMs);
    await child.stop();
  }
  return spread(ms.slice(times > 1 ? 1 : 0)).p50;
}

interface Pass {
  bot: Snapshots;
  worker: Snapshots;
  errors: number;
  failedJobs: number;
}

/** perfbot: signed `/perf history kafka` to the bot (16 in flight); its worker runs the jobs. */
async function perfbotPass(env: Record<string, string>, total: number): Promise<Pass> {
  const [bot, worker] = await Promise.all([spawnKind('bot', env), spawnKind('worker', env)]);
  const counter = await endedCounter(QUEUE_NAME, `${env.BENCH_PREFIX ?? ''}:bull`);
  const url = `http://127.0.0.1:${bot.ready.port}/slack/events`;
  let errors = 0;
  try {
    const [b, w] = await memoryUnderLoad([bot, worker], counts(total), async (from, to) => {
      const send = (k: number) =>
        postSlashCommand(url, env.BENCH_SECRET ?? '', { text: 'history kafka', user_id: `UF${from + k}` });
      errors += await closedLoop(to - from, 16, send);
      await waitUntil(() => counter.ended() >= to - errors, 600_000, 'perfbot jobs to end');
    });
    return { bot: b ?? NONE, worker: w ?? NONE, errors, failedJobs: counter.counts.failed };
  } finally {
    await Promise.all([bot.stop(), worker.stop(), counter.close()]);
  }
}

/** The floors: the same number of signed requests to a bare Bolt app, and no-op jobs to a bare worker. */
async function barePass(env: Record<string, string>, total: number): Promise<Pass> {
  const prefix = env.BENCH_PREFIX ?? '';
  const [bolt, worker] = await Promise.all([spawnKind('bareBolt', env), spawnKind('bareWorker', env)]);
  const counter = await endedCounter('bare', `${prefix}:bull`);
  const connection = connectRedis();
  const queue = new Queue('bare', { connection, prefix: `${prefix}:bull` });
  const opts = { removeOnComplete: { count: KEEP }, removeOnFail: { count: KEEP } };
  const url = `http://127.0.0.1:${bolt.ready.port}/slack/events`;
  let errors = 0;
  try {
    const [b, w] = await memoryUnderLoad([bolt, worker], counts(total), async (from, to) => {
      const send = (k: number) =>
        postSlashCommand(url, env.BENCH_SECRET ?? '', { text: 'history kafka', user_id: `UF${from + k}` });
      const add = (k: number) =>
        queue.add('trivial', { service: 'kafka', limit: 20, i: from + k }, opts).then(() => 200);
      const [e] = await Promise.all([closedLoop(to - from, 16, send), closedLoop(to - from, 16, add)]);
      errors += e;
      await waitUntil(() => counter.ended() >= to, 600_000, 'bare jobs to end');
    });
    return { bot: b ?? NONE, worker: w ?? NONE, errors, failedJobs: counter.counts.failed };
  } finally {
    await queue.close();
    await connection.quit();
    await Promise.all([bolt.stop(), worker.stop(), counter.close()]);
  }
}

function memoryRows(what: string, p: Snapshots, b: Snapshots, total: number) {
  const n = total.toLocaleString('en-US');
  const span = `${WARM_JOBS.toLocaleString('en-US')} → ${n} jobs`;
  // A ratio of two growths (either may be negative) means nothing: those rows show none.
  const growth = (figure: string, key: keyof Memory, bound: boolean) => ({
    ...row(NAME, {
      figure: `${what} ${figure} growth ${span}`,
      unit: 'MiB',
      perfbot: p.loaded[key] - p.warm[key],
      floor: b.loaded[key] - b.warm[key],
      ...(bound ? { goal: `≤ ${GROWTH_BOUND_MIB} MiB`, limit: GROWTH_BOUND_MIB, absolute: true } : {}),
    }),
    ratio: Number.NaN,
  });
  return [
    row(NAME, { figure: `${what} RSS at idle`, unit: 'MiB', perfbot: p.idle.rss, floor: b.idle.rss }),
    row(NAME, {
      figure: `${what} RSS after ${n} jobs`,
      unit: 'MiB',
      perfbot: p.loaded.rss,
      floor: b.loaded.rss,
    }),
    growth('RSS', 'rss', true),
    growth('RSS after forced GC', 'rssAfterGc', false),
    growth('live heap (after GC)', 'heapAfterGc', false),
  ];
}

async function main(): Promise<void> {
  const options = benchOptions(process.argv.slice(2));
  const total = envNumber('BENCH_FOOTPRINT_JOBS', 10_000);
  const starts = options.full ? 6 : 4;
  const prefix = benchPrefix(NAME);
  const slack = await spawnChild<{ apiUrl: string; botToken: string }>('fake-slack.ts', []);
  const env = {
    BENCH_SLACK_API_URL: slack.ready.apiUrl,
    BENCH_BOT_TOKEN: slack.ready.botToken,
    BENCH_SECRET: randomBytes(16).toString('hex'),
    BENCH_PREFIX: prefix,
    BENCH_YAML: JSON.stringify(YAML),
    // The bare worker runs at perfbot's default concurrency.
    BENCH_CONCURRENCY: String(
      benchConfig({ prefix, slackApiUrl: slack.ready.apiUrl, botToken: 'xoxb-x', signingSecret: 'x' })
        .platform.jobs.concurrency,
    ),
  };
  const redis = connectRedis();
  try {
    const start: Partial<Record<Kind, number>> = {};
    for (const kind of Object.keys(CHILDREN) as Kind[]) start[kind] = await startupMs(kind, env, starts);
    const emptyRss = await idleRss('idle', env);
    const kubeFloorRss = await idleRss('bareWorkerKube', env);
    const perfbot = await perfbotPass(env, total);
    const bare = await barePass(env, total);
    const ms = (kind: Kind) => start[kind] ?? Number.NaN;
    report({
      name: NAME,
      settings: {
        jobs: total,
        warmJobs: WARM_JOBS,
        keepCompleted: KEEP,
        startups: starts - 1,
        settleMs: SETTLE_MS,
      },
      notes: [
        `Jobs: signed \`/perf history kafka\` to the bot, 16 in flight, run by the worker (jobs.concurrency default); jobs.keepCompleted = keepFailed = ${KEEP}.`,
        `Bound stated before measuring: RSS after ${total.toLocaleString('en-US')} jobs ≤ RSS after ${WARM_JOBS.toLocaleString('en-US')} + ${GROWTH_BOUND_MIB} MiB. RSS read ${SETTLE_MS} ms after the work ended, before a forced GC (--expose-gc) whose RSS and live heap follow.`,
        `Every process runs under node --import tsx (${emptyRss.toFixed(1)} MiB RSS and ${Math.round(ms('idle'))} ms start-up for an empty one); start-up is the median of ${starts - 1} after one discarded.`,
        'A worker must reach the cluster: the second worker floor is a bare BullMQ worker that also loads `@kubernetes/client-node` (the library alone is most of the gap to bare BullMQ: its generated API models).',
        `Errors: perfbot ${perfbot.errors} requests, ${perfbot.failedJobs} failed jobs; bare ${bare.errors} requests, ${bare.failedJobs} failed jobs.`,
      ],
      rows: [
        ...memoryRows('bot', perfbot.bot, bare.bot, total),
        ...memoryRows('worker', perfbot.worker, bare.worker, total),
        row(NAME, {
          figure: 'bot start-up (spawn → ready)',
          unit: 'ms',
          perfbot: ms('bot'),
          floor: ms('bareBolt'),
        }),
        row(NAME, {
          figure: 'worker start-up (spawn → ready)',
          unit: 'ms',
          perfbot: ms('worker'),
          floor: ms('bareWorker'),
        }),
        row(NAME, {
          figure: 'worker RSS at idle, vs bare BullMQ + the Kubernetes client',
          unit: 'MiB',
          perfbot: perfbot.worker.idle.rss,
          floor: kubeFloorRss,
        }),
        row(NAME, {
          figure: 'worker start-up, vs bare BullMQ + the Kubernetes client',
          unit: 'ms',
          perfbot: ms('worker'),
          floor: ms('bareWorkerKube'),
        }),
      ],
      details: { perfbot, bare, startMs: start, emptyProcessRssMiB: emptyRss, kubeFloorRssMiB: kubeFloorRss },
    });
  } finally {
    closeAgent();
    await slack.stop();
    await dropPrefix(redis, prefix);
    await redis.quit();
  }
}

await main();
