/**
 * Benchmark 1: slash-command acknowledgement. Signed `/perf baseline kafka` requests at fixed rates
 * (open loop) against perfbot's HTTP endpoint and against a bare Bolt app whose listener only acks,
 * each in a process of its own, both in this run. The time measured is the HTTP response, as Slack
 * sees it; perfbot posts the root message and enqueues after its ack (the jobs pile up under a
 * throwaway Redis prefix: no worker runs).
 */
import { randomBytes } from 'node:crypto';
import { type Child, spawnChild } from './lib/child.js';
import { closeAgent, type LoadResult, openLoop, postSlashCommand } from './lib/load.js';
import { benchOptions } from './lib/options.js';
import { benchPrefix, connectRedis, dropPrefix } from './lib/redis.js';
import { type Row, report, row } from './lib/report.js';
import { spread } from './lib/stats.js';

const NAME = 'ack';
const RATES = [50, 200];
const WARMUP_SECONDS = 2;
/** "Never near Slack's 3 s": read here as the worst ack staying under a third of it. */
const DEADLINE_MARGIN_MS = 1000;

type Target = 'perfbot' | 'bare-bolt';

async function main(): Promise<void> {
  const options = benchOptions(process.argv.slice(2), 10);
  const prefix = benchPrefix(NAME);
  const secret = randomBytes(16).toString('hex');
  const slack = await spawnChild<{ apiUrl: string; botToken: string }>('fake-slack.ts', []);
  const env = {
    BENCH_SLACK_API_URL: slack.ready.apiUrl,
    BENCH_BOT_TOKEN: slack.ready.botToken,
    BENCH_SECRET: secret,
    BENCH_PREFIX: prefix,
  };
  const apps: Partial<Record<Target, Child<{ port: number }>>> = {};
  const results: { target: Target; rate: number; load: LoadResult }[] = [];
  try {
    apps.perfbot = await spawnChild<{ port: number }>('perfbot-bot.ts', [], env);
    apps['bare-bolt'] = await spawnChild<{ port: number }>('bare-bolt.ts', [], env);
    for (const rate of RATES) {
      // Alternating within each rate, so that drift of the machine hits both sides alike.
      for (const target of ['bare-bolt', 'perfbot'] as const) {
        const url = `http://127.0.0.1:${apps[target]?.ready.port}/slack/events`;
        const send = (i: number) =>
          postSlashCommand(url, secret, { text: 'baseline kafka', trigger_id: `${rate}.${i}` });
        await openLoop(rate, WARMUP_SECONDS, send);
        results.push({ target, rate, load: await openLoop(rate, options.seconds, send) });
      }
    }
  } finally {
    closeAgent();
    await Promise.all([apps.perfbot?.stop(), apps['bare-bolt']?.stop(), slack.stop()]);
    const redis = connectRedis();
    await dropPrefix(redis, prefix);
    await redis.quit();
  }
  report({
    name: NAME,
    settings: { rates: RATES, seconds: options.seconds, warmupSeconds: WARMUP_SECONDS, full: options.full },
    notes: [
      `${options.seconds} s per rate and side after a ${WARMUP_SECONDS} s warm-up${options.full ? '' : ' (short default; `--full` or BENCH_FULL=1 runs 30 s, `--seconds N` sets it)'}.`,
      'Open loop (sends on schedule, never waiting for replies): latency from the send to the whole HTTP response; errors = non-2xx, timeouts, socket errors.',
      `Largest lag of the generator behind its schedule: ${Math.max(...results.map((r) => r.load.maxSendLagMs)).toFixed(1)} ms.`,
      'Each app in its own process (node --import tsx), the Slack stand-in in a third; perfbot logs at info into a discarding stream.',
    ],
    rows: RATES.flatMap((rate) => rowsFor(rate, results)),
    details: results.map(({ target, rate, load }) => ({
      target,
      rate,
      sent: load.sent,
      errors: load.errors,
      maxSendLagMs: load.maxSendLagMs,
      latency: spread(load.latenciesMs),
    })),
  });
}

function rowsFor(rate: number, results: { target: Target; rate: number; load: LoadResult }[]): Row[] {
  const of = (target: Target) => results.find((r) => r.rate === rate && r.target === target)?.load;
  const perfbot = of('perfbot');
  const bare = of('bare-bolt');
  if (!perfbot || !bare) return [];
  const p = spread(perfbot.latenciesMs);
  const b = spread(bare.latenciesMs);
  const at = `${rate}/s`;
  return [
    row(NAME, { figure: `p50 ack @ ${at}`, unit: 'ms', perfbot: p.p50, floor: b.p50 }),
    row(NAME, {
      figure: `p99 ack @ ${at}`,
      unit: 'ms',
      perfbot: p.p99,
      floor: b.p99,
      goal: 'p99 ≤ 1.3× bare Bolt',
      limit: 1.3,
    }),
    row(NAME, {
      figure: `max ack @ ${at}`,
      unit: 'ms',
      perfbot: p.max,
      floor: b.max,
      goal: `max < ${DEADLINE_MARGIN_MS} ms (Slack's limit 3 s)`,
      limit: DEADLINE_MARGIN_MS,
      absolute: true,
    }),
    row(NAME, {
      figure: `errors @ ${at} (of ${perfbot.sent})`,
      unit: '',
      perfbot: perfbot.errors,
      floor: bare.errors,
      goal: 'none',
      limit: 0,
      absolute: true,
    }),
  ];
}

await main();
