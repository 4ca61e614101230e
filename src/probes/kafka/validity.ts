import type { ProducerReport } from './parse.js';
import type { ConsumerReport } from './parse-consumer.js';

/**
 * Why a Kafka run's figures are not a clean sample, though both tools exited 0; empty when they are.
 * - Kafka ≥ 3.5's producer tool no longer counts failed sends (KAFKA-14812): `700000 records sent`
 *   of 1,000,000 asked, and its rate is not the load that was asked for.
 * - Older producer tools count expired sends as sent; the client logs
 *   `TimeoutException: Expiring N record(s) for <partition>: … has passed since batch creation`.
 * - The consumer tool can print a rebalance time of the epoch (~1.6e12 ms) and so negative fetch times
 *   and rates (KAFKA-10124): times below zero or longer than the tool's own start-to-end span.
 */
export function kafkaRunProblems(
  asked: number,
  producer: ProducerReport,
  consumer: ConsumerReport | undefined,
): string[] {
  const problems: string[] = [];
  const sent = producer.summary.records;
  if (sent !== asked) {
    problems.push(
      `the producer reports ${sent.toLocaleString('en-US')} records sent of ${asked.toLocaleString('en-US')} asked ` +
        '(failed sends are not counted by Kafka ≥ 3.5, KAFKA-14812): its rate is not the load asked for',
    );
  }
  // Only when counted as sent: Kafka ≥ 3.5 leaves them out, and the count above already says so.
  const expired = producer.expiredRecords;
  if (expired > 0 && sent === asked) {
    problems.push(
      `${expired.toLocaleString('en-US')} record(s) expired before they were sent, and this producer tool counts them as sent`,
    );
  }
  if (consumer) problems.push(...consumerProblems(consumer));
  return problems;
}

/** Allowance for the tool's rounding of its own timestamps (whole ms, taken at slightly other moments). */
const SPAN_SLACK_MS = 1000;

function consumerProblems(c: ConsumerReport): string[] {
  const span = spanMs(c.startTime, c.endTime);
  const times: [string, number | undefined][] = [
    ['rebalance time', c.rebalanceMs],
    ['fetch time', c.fetchMs],
  ];
  const problems: string[] = [];
  for (const [name, ms] of times) {
    if (ms === undefined) continue;
    if (ms < 0) problems.push(`the consumer reports a negative ${name} (${ms} ms; KAFKA-10124)`);
    else if (span !== undefined && ms > span + SPAN_SLACK_MS)
      problems.push(
        `the consumer reports a ${name} of ${ms.toExponential(2)} ms, longer than its run of ${span} ms (KAFKA-10124)`,
      );
  }
  const rates: [string, number | undefined][] = [
    ['MB/s', c.mbPerSec],
    ['msgs/s', c.msgsPerSec],
    ['fetch MB/s', c.fetchMbPerSec],
    ['fetch msgs/s', c.fetchMsgsPerSec],
  ];
  const negative = rates.filter(([, v]) => v !== undefined && (v < 0 || Object.is(v, -0))).map(([n]) => n);
  if (negative.length > 0) problems.push(`the consumer reports negative rates (${negative.join(', ')})`);
  return problems;
}

/** ConsumerPerformance prints `yyyy-MM-dd HH:mm:ss:SSS` (its SimpleDateFormat), in the pod's time zone. */
const STAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}):(\d{3})$/;

function spanMs(start: string | undefined, end: string | undefined): number | undefined {
  const a = stampMs(start);
  const b = stampMs(end);
  return a === undefined || b === undefined || b < a ? undefined : b - a;
}

function stampMs(stamp: string | undefined): number | undefined {
  const m = STAMP.exec(stamp?.trim() ?? '');
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, ms] = m.map(Number);
  // Both stamps are in the same zone: reading them as UTC keeps their difference.
  return Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0, ms ?? 0);
}
