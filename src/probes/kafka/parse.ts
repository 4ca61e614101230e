import { fail, ok, type PerfError, type Result } from '../../errors.js';
import { NUMBER_PATTERN, parseLocaleNumber } from './number.js';
import { collectWarnings, outputError, splitLines } from './output.js';

export type { ConsumerReport } from './parse-consumer.js';
export { parseConsumerOutput } from './parse-consumer.js';

/**
 * `kafka-producer-perf-test.sh` (org.apache.kafka.tools.ProducerPerformance) output. Its `Stats` prints,
 * about every 5 s, a window line
 *   `%d records sent, %.1f records/sec (%.2f MB/sec), %.1f ms avg latency, %.1f ms max latency.`
 * (older releases print `%.1f max latency` without `ms`), then one summary line
 *   `%d records sent, %f records/sec (%.2f MB/sec), %.2f ms avg latency, %.2f ms max latency,
 *    %d ms 50th, %d ms 95th, %d ms 99th, %d ms 99.9th.`
 * With `--warmup-records` a second summary, `%d steady state records sent, …`, follows. With
 * `--print-metrics`, `ToolsUtils.printMetrics` prints `group:name:{tags} : %.3f` rows after it.
 */
export interface ProducerWindow {
  records: number;
  recordsPerSec: number;
  mbPerSec: number;
  latencyAvgMs: number;
  latencyMaxMs: number;
}

export interface ProducerSummary extends ProducerWindow {
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  p999Ms: number;
}

export interface ProducerReport {
  summary: ProducerSummary;
  /** Only with `--warmup-records`: the figures after the warm-up. */
  steadyState?: ProducerSummary;
  windows: ProducerWindow[];
  /** Client WARN/ERROR lines and exception headlines seen in the output. */
  warnings: string[];
  /**
   * Records the client gave up on: the sum of `TimeoutException: Expiring N record(s) for …` lines.
   * Kafka before 3.5 still counts them in `records sent`; 3.5 and later leave them out (KAFKA-14812).
   */
  expiredRecords: number;
  /** The `--print-metrics` table (numeric values only), e.g. `producer-metrics:record-send-rate:{…}`. */
  metrics: Record<string, number>;
}

const N = `(${NUMBER_PATTERN})`;
const WINDOW = new RegExp(
  String.raw`(?:^|\s)${N} records sent, ${N} records/sec \(${N} MB/sec\), ${N} ms avg latency, ${N}(?: ms)? max latency\.\s*$`,
);
const SUMMARY = new RegExp(
  String.raw`(?:^|\s)${N}( steady state)? records sent, ${N} records/sec \(${N} MB/sec\), ${N} ms avg latency, ` +
    String.raw`${N} ms max latency, ${N} ms 50th, ${N} ms 95th, ${N} ms 99th, ${N} ms 99\.9th\.?\s*$`,
);
/** Decimals of each field's format specifier, in the order of the regex groups. */
const WINDOW_DECIMALS = [0, 1, 2, 1, 1];
const SUMMARY_DECIMALS = [0, 6, 2, 2, 2, 0, 0, 0, 0];
const EXPIRING = /\bExpiring (\d+) record\(s\) for /;
const METRIC_ROW = /^([\w.-]+:[\w.-]+:\{.*\})\s*:\s*(\S+)\s*$/;

const STEP = 'parse producer output';

/** @example parseProducerOutput(stdout).ok && result.value.summary.recordsPerSec */
export function parseProducerOutput(text: string): Result<ProducerReport, PerfError> {
  const lines = splitLines(text);
  const windows: ProducerWindow[] = [];
  const summaries: { steady: boolean; summary: ProducerSummary }[] = [];
  const metrics: Record<string, number> = {};
  for (const line of lines) {
    const summary = SUMMARY.exec(line);
    if (summary) {
      const values = readNumbers(
        summary.slice(1).filter((_, i) => i !== 1),
        SUMMARY_DECIMALS,
        line,
        text,
      );
      if (!values.ok) return values;
      summaries.push({ steady: summary[2] !== undefined, summary: toSummary(values.value) });
      continue;
    }
    const window = WINDOW.exec(line);
    if (window) {
      const values = readNumbers(window.slice(1), WINDOW_DECIMALS, line, text);
      if (!values.ok) return values;
      windows.push(toWindow(values.value));
      continue;
    }
    readMetricRow(line, metrics);
  }
  const warnings = collectWarnings(lines);
  const total = summaries.filter((s) => !s.steady).at(-1)?.summary;
  if (total === undefined) return fail(missingSummary(windows, warnings, text));
  if (total.records <= 0 || !Number.isFinite(total.latencyAvgMs)) {
    return fail(
      outputError(
        STEP,
        'the producer summary reports 0 records sent',
        'kafka-producer-perf-test.sh finished but sent no records: every send failed. ' +
          'Check the warnings in its output (brokers reachable? topic present? acks and min.insync.replicas?).',
        text,
      ),
    );
  }
  const steadyState = summaries.filter((s) => s.steady).at(-1)?.summary;
  const expiredRecords = lines.reduce((sum, line) => sum + Number(EXPIRING.exec(line)?.[1] ?? 0), 0);
  return ok({
    summary: total,
    ...(steadyState ? { steadyState } : {}),
    windows,
    warnings,
    expiredRecords,
    metrics,
  });
}

function readNumbers(
  tokens: readonly (string | undefined)[],
  decimals: readonly number[],
  line: string,
  text: string,
): Result<number[], PerfError> {
  const values: number[] = [];
  for (const [i, token] of tokens.entries()) {
    // NaN is what Java prints for an average over 0 records: kept, and judged by the caller.
    if (token !== undefined && /^-?NaN$/.test(token)) {
      values.push(Number.NaN);
      continue;
    }
    const value = parseLocaleNumber(token ?? '', decimals[i] ?? 0);
    if (!value.ok) {
      return fail(
        outputError(
          STEP,
          `unreadable number in producer output: ${value.error}`,
          `Could not read a number in kafka-producer-perf-test.sh's output (${value.error}) in the line: ${line.trim()}. ` +
            'Run the tool with LC_ALL=C (or a JVM -Duser.language=en) so that numbers print unambiguously.',
          text,
        ),
      );
    }
    values.push(value.value);
  }
  return ok(values);
}

function toWindow(v: readonly number[]): ProducerWindow {
  const [records = 0, recordsPerSec = 0, mbPerSec = 0, latencyAvgMs = 0, latencyMaxMs = 0] = v;
  return { records, recordsPerSec, mbPerSec, latencyAvgMs, latencyMaxMs };
}

function toSummary(v: readonly number[]): ProducerSummary {
  const [p50Ms = 0, p95Ms = 0, p99Ms = 0, p999Ms = 0] = v.slice(5);
  return { ...toWindow(v), p50Ms, p95Ms, p99Ms, p999Ms };
}

function readMetricRow(line: string, metrics: Record<string, number>): void {
  const row = METRIC_ROW.exec(line.trim());
  if (!row?.[1] || row[2] === undefined) return;
  const value = parseLocaleNumber(row[2], 3);
  if (value.ok && Number.isFinite(value.value)) metrics[row[1]] = value.value;
}

function missingSummary(
  windows: readonly ProducerWindow[],
  warnings: readonly string[],
  text: string,
): PerfError {
  const hint = warnings.length > 0 ? ` Last warning: ${warnings.at(-1)}` : '';
  if (windows.length > 0) {
    return outputError(
      STEP,
      `producer output has ${windows.length} window line(s) but no summary line`,
      `kafka-producer-perf-test.sh printed ${windows.length} progress line(s) but no final summary: the run was cut ` +
        `short (killed, timed out or out of memory) before it finished.${hint}`,
      text,
    );
  }
  return outputError(
    STEP,
    'producer output has no summary line',
    `kafka-producer-perf-test.sh printed no results: neither progress lines nor a summary.${hint}`,
    text,
  );
}
