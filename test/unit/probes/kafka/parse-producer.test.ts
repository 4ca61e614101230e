import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseProducerOutput } from '../../../../src/probes/kafka/parse.js';

const fixture = (name: string) => readFileSync(new URL(`../../../fixtures/${name}`, import.meta.url), 'utf8');

describe('parseProducerOutput over real-format fixtures', () => {
  it.each([
    {
      file: 'kafka-3.7-producer.txt',
      summary: {
        records: 2_000_000,
        recordsPerSec: 86236.955017,
        mbPerSec: 84.22,
        latencyAvgMs: 317.46,
        latencyMaxMs: 857,
        p50Ms: 307,
        p95Ms: 492,
        p99Ms: 603,
        p999Ms: 698,
      },
      windows: 4,
      warnings: 0,
    },
    {
      file: 'kafka-producer-old-window.txt',
      summary: {
        records: 500_000,
        recordsPerSec: 40983.606557,
        mbPerSec: 20.01,
        latencyMaxMs: 103,
        p999Ms: 98,
      },
      windows: 2,
      warnings: 0,
    },
    {
      file: 'kafka-producer-with-warnings.txt',
      summary: { records: 1_000_000, recordsPerSec: 82027.725367, latencyAvgMs: 333.91, p99Ms: 902 },
      windows: 2,
      warnings: 4,
    },
    {
      file: 'kafka-producer-print-metrics.txt',
      summary: { records: 1_000_000, recordsPerSec: 88464.260438, mbPerSec: 86.39, p50Ms: 296 },
      windows: 2,
      warnings: 0,
    },
    {
      file: 'kafka-producer-locale-de.txt',
      summary: { records: 1_000_000, recordsPerSec: 83333.611112, mbPerSec: 81.38, latencyAvgMs: 331.07 },
      windows: 2,
      warnings: 0,
    },
    {
      file: 'kafka-producer-steady-state.txt',
      summary: { records: 1_000_000, recordsPerSec: 83998.656021, p999Ms: 770 },
      windows: 2,
      warnings: 0,
    },
  ])('reads $file', ({ file, summary, windows, warnings }) => {
    const result = parseProducerOutput(fixture(file));
    if (!result.ok) throw result.error;
    expect(result.value.summary).toMatchObject(summary);
    expect(result.value.windows).toHaveLength(windows);
    expect(result.value.warnings).toHaveLength(warnings);
  });

  it('reads window lines with and without "ms" before "max latency"', () => {
    const result = parseProducerOutput(fixture('kafka-producer-old-window.txt'));
    if (!result.ok) throw result.error;
    expect(result.value.windows[0]).toEqual({
      records: 160763,
      recordsPerSec: 31979.9,
      mbPerSec: 15.62,
      latencyAvgMs: 58.5,
      latencyMaxMs: 95,
    });
  });

  it('reads decimal commas in window lines', () => {
    const result = parseProducerOutput(fixture('kafka-producer-locale-de.txt'));
    if (!result.ok) throw result.error;
    expect(result.value.windows[1]).toMatchObject({
      recordsPerSec: 85772.1,
      mbPerSec: 83.76,
      latencyMaxMs: 543,
    });
  });

  it('keeps the --print-metrics table, numeric rows only', () => {
    const result = parseProducerOutput(fixture('kafka-producer-print-metrics.txt'));
    if (!result.ok) throw result.error;
    const { metrics } = result.value;
    expect(metrics['producer-metrics:record-send-rate:{client-id=perf-producer-client}']).toBe(88241.337);
    expect(
      metrics['producer-node-metrics:request-latency-avg:{client-id=perf-producer-client, node-id=node-1}'],
    ).toBe(5.874);
    expect(Object.keys(metrics).some((k) => k.startsWith('app-info:commit-id'))).toBe(false);
    expect(Object.keys(metrics)).toHaveLength(10);
  });

  it('separates the steady-state summary from the whole-run summary', () => {
    const result = parseProducerOutput(fixture('kafka-producer-steady-state.txt'));
    if (!result.ok) throw result.error;
    expect(result.value.steadyState).toMatchObject({
      records: 900_000,
      recordsPerSec: 86023.704837,
      p99Ms: 451,
    });
  });

  it('keeps client warnings without their stack frames', () => {
    const result = parseProducerOutput(fixture('kafka-producer-with-warnings.txt'));
    if (!result.ok) throw result.error;
    expect(result.value.warnings[1]).toContain('NOT_LEADER_OR_FOLLOWER');
    expect(result.value.warnings.at(-1)).toContain('ERROR [Producer clientId=perf-producer-client]');
  });
});

describe('parseProducerOutput failures', () => {
  it.each([
    {
      name: 'a run killed before its summary',
      text: fixture('kafka-producer-no-summary.txt'),
      message: /printed 2 progress line\(s\) but no final summary/,
    },
    {
      name: 'unreachable brokers (0 records, NaN latency)',
      text: fixture('kafka-producer-unreachable.txt'),
      message: /sent no records/,
    },
    { name: 'empty output', text: '', message: /printed no results/ },
    {
      name: 'only log lines',
      text: '[2024-06-27 09:44:58,921] ERROR Uncaught exception (org.apache.kafka.clients.NetworkClient)\n',
      message: /printed no results.*Last warning: \[2024/,
    },
    {
      name: 'an ambiguous grouped number',
      text: '1000 records sent, 1999.600080 records/sec (1,910 MB/sec), 3.22 ms avg latency, 432.00 ms max latency, 0 ms 50th, 1 ms 95th, 108 ms 99th, 390 ms 99.9th.',
      message: /ambiguous.*LC_ALL=C/,
    },
    {
      name: 'an infinite rate',
      text: '10 records sent, Infinity records/sec (Infinity MB/sec), 3.22 ms avg latency, 4.00 ms max latency, 3 ms 50th, 4 ms 95th, 4 ms 99th, 4 ms 99.9th.',
      message: /not a finite number/,
    },
  ])('rejects $name with a clear message', ({ text, message }) => {
    const result = parseProducerOutput(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('probe_failed');
    expect(result.error.userMessage).toMatch(message);
    expect(result.error.context).toMatchObject({ service: 'kafka', step: 'parse producer output' });
  });

  it('puts the last ten lines of output in the error context', () => {
    const result = parseProducerOutput(fixture('kafka-producer-unreachable.txt'));
    if (result.ok) throw new Error('expected a failure');
    const last = String(result.error.context.lastLines).split('\n');
    expect(last).toHaveLength(7);
    expect(last.at(-1)).toMatch(/^0 records sent/);
  });

  it('reads the reference example from formats.md exactly', () => {
    const line =
      '100000 records sent, 1999.600080 records/sec (1.91 MB/sec), 3.22 ms avg latency, 432.00 ms max latency, 0 ms 50th, 1 ms 95th, 108 ms 99th, 390 ms 99.9th.';
    const result = parseProducerOutput(line);
    if (!result.ok) throw result.error;
    expect(result.value.summary).toEqual({
      records: 100000,
      recordsPerSec: 1999.60008,
      mbPerSec: 1.91,
      latencyAvgMs: 3.22,
      latencyMaxMs: 432,
      p50Ms: 0,
      p95Ms: 1,
      p99Ms: 108,
      p999Ms: 390,
    });
    expect(result.value.windows).toEqual([]);
  });

  it('reads grouped thousands in either convention', () => {
    const mk = (rate: string) =>
      `100,000 records sent, ${rate} records/sec (1.91 MB/sec), 3.22 ms avg latency, 432.00 ms max latency, 0 ms 50th, 1 ms 95th, 108 ms 99th, 390 ms 99.9th.`;
    for (const rate of ['1,999.600080', '1999.600080']) {
      const result = parseProducerOutput(mk(rate));
      if (!result.ok) throw result.error;
      expect(result.value.summary.recordsPerSec).toBe(1999.60008);
      expect(result.value.summary.records).toBe(100000);
    }
  });
});
