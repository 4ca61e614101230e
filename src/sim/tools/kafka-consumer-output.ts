import { type BrokerSettings, formatConsumerDate, type SimTopic } from './kafka-cluster.js';
import type { ConsumerArgs } from './kafka-consumer.js';
import { consumeBandwidthMb, jitter } from './kafka-model.js';

/**
 * What ConsumerPerformance prints: the header (unless `--hide-header`), the timeout warning when fewer
 * messages than asked arrived, then the summary row, or with `--show-detailed-stats` one row per
 * reporting interval instead.
 */
const MIB = 1024 * 1024;
const HEADER_TAIL =
  'data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec';
/** `group.initial.rebalance.delay.ms` defaults to 3 s: a new group's first join takes a little over that. */
const JOIN_DELAY_MS = 3000;

export interface ConsumerRun {
  stdout: string;
  durationMs: number;
}

export function renderConsumerRun(
  args: ConsumerArgs,
  topic: SimTopic | undefined,
  settings: BrokerSettings,
  startMs: number,
  random: () => number,
): ConsumerRun {
  const available = args.fromLatest ? 0 : (topic?.records ?? 0);
  const consumed = Math.min(args.messages, available);
  const timedOut = consumed < args.messages;
  const dataMb = (consumed * (topic?.recordSize ?? 0)) / MIB;
  const bandwidthMb = consumeBandwidthMb(settings, topic?.partitions ?? 1) * jitter(random, 0.05);
  const rebalanceMs = JOIN_DELAY_MS + Math.floor(random() * 150);
  const readMs = Math.round((dataMb / bandwidthMb) * 1000);
  // After the last record the consumer polls on until `--timeout` has passed with nothing new.
  const fetchMs = readMs + (timedOut ? args.timeoutMs : 0);
  const elapsedMs = rebalanceMs + fetchMs;
  const lines: string[] = [];
  if (!args.hideHeader)
    lines.push(args.detailed ? `time, threadId, ${HEADER_TAIL}` : `start.time, end.time, ${HEADER_TAIL}`);
  if (args.detailed) {
    const rate = { mbPerMs: dataMb / Math.max(1, readMs), msgsPerMs: consumed / Math.max(1, readMs) };
    lines.push(...intervalRows(args.reportingIntervalMs, rebalanceMs, readMs, startMs, rate));
  }
  if (timedOut) {
    lines.push(
      `WARNING: Exiting before consuming the expected number of messages: timeout (${args.timeoutMs} ms) exceeded. ` +
        'You can use the --timeout option to increase the timeout.',
    );
  }
  if (!args.detailed) {
    const sec = elapsedMs / 1000;
    const fetchSec = fetchMs / 1000;
    lines.push(
      [
        formatConsumerDate(startMs),
        formatConsumerDate(startMs + elapsedMs),
        f4(dataMb),
        f4(dataMb / sec),
        String(consumed),
        f4(consumed / sec),
        String(rebalanceMs),
        String(fetchMs),
        f4(dataMb / fetchSec),
        f4(consumed / fetchSec),
      ].join(', '),
    );
  }
  return { stdout: `${lines.join('\n')}\n`, durationMs: elapsedMs };
}

/** One row per reporting interval while records flow; the first interval carries the group join. */
function intervalRows(
  intervalMs: number,
  rebalanceMs: number,
  readMs: number,
  startMs: number,
  rate: { mbPerMs: number; msgsPerMs: number },
): string[] {
  const rows: string[] = [];
  let lastMb = 0;
  let lastMsgs = 0;
  for (let t = intervalMs; t <= rebalanceMs + readMs && rows.length < 1000; t += intervalMs) {
    const join = rows.length === 0 ? Math.min(rebalanceMs, intervalMs) : 0;
    const fetch = intervalMs - join;
    const readSoFar = Math.max(0, t - rebalanceMs);
    const mb = rate.mbPerMs * readSoFar;
    const msgs = Math.round(rate.msgsPerMs * readSoFar);
    const dMb = mb - lastMb;
    const dMsgs = msgs - lastMsgs;
    rows.push(
      [
        formatConsumerDate(startMs + t),
        '0',
        f4(mb),
        f4((1000 * dMb) / intervalMs),
        String(msgs),
        f4((1000 * dMsgs) / intervalMs),
        String(join),
        String(fetch),
        fetch <= 0 ? '0.0000' : f4((1000 * dMb) / fetch),
        fetch <= 0 ? '0.0000' : f4((1000 * dMsgs) / fetch),
      ].join(', '),
    );
    lastMb = mb;
    lastMsgs = msgs;
  }
  return rows;
}

/** Java's `%.4f`, which prints `NaN` and `Infinity` for a rate over zero time. */
function f4(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  return value.toFixed(4);
}
