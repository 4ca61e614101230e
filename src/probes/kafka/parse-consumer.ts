import { fail, ok, type PerfError, type Result } from '../../errors.js';
import { parseLocaleNumber } from './number.js';
import { collectWarnings, outputError, splitLines } from './output.js';

/**
 * `kafka-consumer-perf-test.sh` (ConsumerPerformance) output: unless `--hide-header`, the header
 *   `start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,
 *    rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec`
 * then one row `%s, %s, %.4f, %.4f, %d, %.4f, %d, %d, %.4f, %.4f`. The old Scala consumer
 * (`--zookeeper`) printed only the first six columns. With `--show-detailed-stats` there is no final
 * row: one row per reporting interval, `time, threadId, …` with interval rates and cumulative totals.
 * A run that times out prints `WARNING: Exiting before consuming the expected number of messages …`.
 */
export interface ConsumerReport {
  startTime?: string;
  endTime?: string;
  dataMb: number;
  mbPerSec: number;
  messages: number;
  msgsPerSec: number;
  /** Absent in the old six-column format. */
  rebalanceMs?: number;
  fetchMs?: number;
  fetchMbPerSec?: number;
  fetchMsgsPerSec?: number;
  columns: number;
  /** Figures derived from `--show-detailed-stats` interval rows. */
  detailed: boolean;
  /** The consumer stopped at its `--timeout` before reading every message asked for. */
  timedOut: boolean;
  warnings: string[];
}

type Row = Partial<Record<Column, string>>;
type Column = (typeof SUMMARY_COLUMNS)[number] | 'time' | 'threadId';

const SUMMARY_COLUMNS = [
  'start.time',
  'end.time',
  'data.consumed.in.MB',
  'MB.sec',
  'data.consumed.in.nMsg',
  'nMsg.sec',
  'rebalance.time.ms',
  'fetch.time.ms',
  'fetch.MB.sec',
  'fetch.nMsg.sec',
] as const;
const DETAILED_COLUMNS: readonly Column[] = ['time', 'threadId', ...SUMMARY_COLUMNS.slice(2)];
const INTEGER_COLUMNS = new Set<Column>([
  'data.consumed.in.nMsg',
  'rebalance.time.ms',
  'fetch.time.ms',
  'threadId',
]);
const KNOWN = new Set<string>(DETAILED_COLUMNS.concat(SUMMARY_COLUMNS));
const TIMEOUT_WARNING = /Exiting before consuming the expected number of messages/;
const STEP = 'parse consumer output';

/** @example parseConsumerOutput(stdout).ok && result.value.msgsPerSec */
export function parseConsumerOutput(text: string): Result<ConsumerReport, PerfError> {
  const lines = splitLines(text);
  const warnings = collectWarnings(lines);
  const timedOut = lines.some((line) => TIMEOUT_WARNING.test(line));
  let header: Column[] | undefined;
  const rows: Row[] = [];
  for (const line of lines) {
    const fields = line.trim().split(/,\s+/);
    if (fields.every((f) => KNOWN.has(f)) && fields.length >= 6) {
      header = fields as Column[];
      continue;
    }
    const row = toRow(fields, header);
    if (row) rows.push(row);
  }
  const last = rows.at(-1);
  if (last === undefined) {
    const why = timedOut ? ' It timed out before reading anything.' : '';
    return fail(
      outputError(
        STEP,
        'consumer output has no result row',
        `kafka-consumer-perf-test.sh printed no result row.${why} Check that the topic holds the records the producer ` +
          'wrote and that the consumer can reach the brokers.',
        text,
      ),
    );
  }
  const detailed = last.threadId !== undefined;
  const figures = detailed ? fromIntervals(rows) : fromSummary(last);
  if (!figures.ok)
    return fail(
      outputError(
        STEP,
        figures.error,
        `Could not read kafka-consumer-perf-test.sh's result: ${figures.error}.`,
        text,
      ),
    );
  const report: ConsumerReport = {
    ...figures.value,
    columns: Object.keys(last).length,
    detailed,
    timedOut,
    warnings,
  };
  if (report.messages <= 0) {
    return fail(
      outputError(
        STEP,
        'the consumer read 0 messages',
        'kafka-consumer-perf-test.sh read no messages' +
          (timedOut ? ' before its timeout' : '') +
          ': check that the producer wrote to the same topic and that the consumer group can join (brokers reachable).',
        text,
      ),
    );
  }
  return ok(report);
}

/** A data row: as many fields as the header (or 6/10 without one), every numeric column a number. */
function toRow(fields: readonly string[], header: readonly Column[] | undefined): Row | undefined {
  const columns = header ?? guessColumns(fields);
  if (columns === undefined || fields.length !== columns.length) return undefined;
  const row: Row = {};
  for (const [i, column] of columns.entries()) {
    const value = fields[i] ?? '';
    const isText = column === 'start.time' || column === 'end.time' || column === 'time';
    if (!isText && !/^(-?[0-9][0-9.,]*|-?NaN|-?Infinity|-?∞)$/.test(value)) return undefined;
    row[column] = value;
  }
  return row;
}

function guessColumns(fields: readonly string[]): readonly Column[] | undefined {
  if (fields.length !== 6 && fields.length !== 10) return undefined;
  const detailed = /^\d+$/.test(fields[1] ?? '');
  return (detailed ? DETAILED_COLUMNS : SUMMARY_COLUMNS).slice(0, fields.length);
}

type Figures = Omit<ConsumerReport, 'columns' | 'detailed' | 'timedOut' | 'warnings'>;

function fromSummary(row: Row): Result<Figures, string> {
  const need = (c: Column) => required(row, c);
  const dataMb = need('data.consumed.in.MB');
  const mbPerSec = need('MB.sec');
  const messages = need('data.consumed.in.nMsg');
  const msgsPerSec = need('nMsg.sec');
  for (const r of [dataMb, mbPerSec, messages, msgsPerSec]) if (!r.ok) return r;
  const figures: Figures = {
    dataMb: value(dataMb),
    mbPerSec: value(mbPerSec),
    messages: value(messages),
    msgsPerSec: value(msgsPerSec),
  };
  if (row['start.time'] !== undefined) figures.startTime = row['start.time'];
  if (row['end.time'] !== undefined) figures.endTime = row['end.time'];
  setOptional(figures, 'rebalanceMs', row, 'rebalance.time.ms');
  setOptional(figures, 'fetchMs', row, 'fetch.time.ms');
  setOptional(figures, 'fetchMbPerSec', row, 'fetch.MB.sec');
  setOptional(figures, 'fetchMsgsPerSec', row, 'fetch.nMsg.sec');
  return ok(figures);
}

/**
 * Interval rows carry cumulative MB and messages, and each interval's rebalance and fetch time: the
 * run's rates are the totals over the summed interval times. Records read after the last interval
 * are not reported by the tool, so these figures slightly undercount.
 */
function fromIntervals(rows: readonly Row[]): Result<Figures, string> {
  const last = rows.at(-1) ?? {};
  const dataMb = required(last, 'data.consumed.in.MB');
  const messages = required(last, 'data.consumed.in.nMsg');
  if (!dataMb.ok) return dataMb;
  if (!messages.ok) return messages;
  let rebalanceMs = 0;
  let fetchMs = 0;
  for (const row of rows) {
    const r = required(row, 'rebalance.time.ms');
    const f = required(row, 'fetch.time.ms');
    if (!r.ok || !f.ok)
      return fail('interval rows lack rebalance.time.ms/fetch.time.ms (old six-column format)');
    rebalanceMs += r.value;
    fetchMs += f.value;
  }
  const elapsedSec = (rebalanceMs + fetchMs) / 1000;
  if (elapsedSec <= 0 || fetchMs <= 0) return fail('interval rows report no elapsed time');
  return ok({
    dataMb: dataMb.value,
    messages: messages.value,
    mbPerSec: dataMb.value / elapsedSec,
    msgsPerSec: messages.value / elapsedSec,
    rebalanceMs,
    fetchMs,
    fetchMbPerSec: dataMb.value / (fetchMs / 1000),
    fetchMsgsPerSec: messages.value / (fetchMs / 1000),
  });
}

function required(row: Row, column: Column): Result<number, string> {
  const token = row[column];
  if (token === undefined) return fail(`column ${column} is missing`);
  const parsed = parseLocaleNumber(token, INTEGER_COLUMNS.has(column) ? 0 : 4);
  return parsed.ok ? parsed : fail(`${column}: ${parsed.error}`);
}

function value(r: Result<number, string>): number {
  return r.ok ? r.value : Number.NaN;
}

/** Optional columns that are absent or not finite (a rate over 0 ms prints NaN or Infinity) stay undefined. */
function setOptional(figures: Figures, key: keyof Figures, row: Row, column: Column): void {
  const r = required(row, column);
  if (r.ok && Number.isFinite(r.value)) (figures as Record<string, unknown>)[key] = r.value;
}
