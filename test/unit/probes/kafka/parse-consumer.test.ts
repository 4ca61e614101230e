import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConsumerOutput } from '../../../../src/probes/kafka/parse.js';

const fixture = (name: string) => readFileSync(new URL(`../../../fixtures/${name}`, import.meta.url), 'utf8');

describe('parseConsumerOutput over real-format fixtures', () => {
  it.each([
    {
      file: 'kafka-3.7-consumer.txt',
      expected: {
        startTime: '2024-06-27 09:45:31:502',
        endTime: '2024-06-27 09:45:44:911',
        dataMb: 1953.125,
        mbPerSec: 145.6578,
        messages: 2_000_000,
        msgsPerSec: 149153.5536,
        rebalanceMs: 3108,
        fetchMs: 10301,
        fetchMbPerSec: 189.6054,
        fetchMsgsPerSec: 194155.9072,
        columns: 10,
        detailed: false,
        timedOut: false,
      },
    },
    {
      file: 'kafka-consumer-locale-de.txt',
      expected: { dataMb: 1953.125, mbPerSec: 145.6578, msgsPerSec: 149153.5536, fetchMbPerSec: 189.6054 },
    },
    {
      file: 'kafka-consumer-hide-header.txt',
      expected: {
        messages: 1_000_000,
        mbPerSec: 72.8289,
        rebalanceMs: 3021,
        fetchMsgsPerSec: 96264.921,
        columns: 10,
      },
    },
    {
      file: 'kafka-consumer-timeout.txt',
      expected: { messages: 750_000, msgsPerSec: 18084.0547, timedOut: true, fetchMs: 38432 },
    },
  ])('reads $file', ({ file, expected }) => {
    const result = parseConsumerOutput(fixture(file));
    if (!result.ok) throw result.error;
    expect(result.value).toMatchObject(expected);
  });

  it('leaves the fetch columns undefined in the old six-column format', () => {
    const result = parseConsumerOutput(fixture('kafka-1.1-consumer-6-columns.txt'));
    if (!result.ok) throw result.error;
    expect(result.value).toMatchObject({
      messages: 500_000,
      mbPerSec: 71.9542,
      msgsPerSec: 73681.1082,
      columns: 6,
    });
    expect(result.value.rebalanceMs).toBeUndefined();
    expect(result.value.fetchMs).toBeUndefined();
    expect(result.value.fetchMbPerSec).toBeUndefined();
    expect(result.value.fetchMsgsPerSec).toBeUndefined();
  });

  it('reads six columns without a header too', () => {
    const row = '2018-03-14 11:02:17:115, 2018-03-14 11:02:23:901, 488.2813, 71.9542, 500000, 73681.1082';
    const result = parseConsumerOutput(row);
    if (!result.ok) throw result.error;
    expect(result.value).toMatchObject({ columns: 6, messages: 500_000 });
  });

  it('keeps the timeout warning as a warning', () => {
    const result = parseConsumerOutput(fixture('kafka-consumer-timeout.txt'));
    if (!result.ok) throw result.error;
    expect(result.value.warnings).toEqual([
      'WARNING: Exiting before consuming the expected number of messages: timeout (30000 ms) exceeded. You can use the --timeout option to increase the timeout.',
    ]);
  });

  it('derives run rates from --show-detailed-stats interval rows', () => {
    const result = parseConsumerOutput(fixture('kafka-consumer-detailed-stats.txt'));
    if (!result.ok) throw result.error;
    const v = result.value;
    expect(v).toMatchObject({
      detailed: true,
      messages: 2_000_000,
      dataMb: 1953.125,
      rebalanceMs: 3103,
      fetchMs: 11899,
    });
    expect(v.msgsPerSec).toBeCloseTo(2_000_000 / 15.002, 3);
    expect(v.fetchMbPerSec).toBeCloseTo(1953.125 / 11.899, 3);
    expect(v.startTime).toBeUndefined();
  });

  it('reads header-less detailed rows by their numeric threadId column', () => {
    const text = fixture('kafka-consumer-detailed-stats.txt').split('\n').slice(1).join('\n');
    const result = parseConsumerOutput(text);
    if (!result.ok) throw result.error;
    expect(result.value).toMatchObject({ detailed: true, messages: 2_000_000 });
  });

  it('maps columns by header name, whatever their order', () => {
    const text = [
      'start.time, end.time, data.consumed.in.MB, MB.sec, nMsg.sec, data.consumed.in.nMsg, fetch.time.ms',
      '2024-06-27 09:45:31:502, 2024-06-27 09:45:44:911, 976.5625, 72.8289, 74576.7768, 1000000, 13409',
    ].join('\n');
    const result = parseConsumerOutput(text);
    if (!result.ok) throw result.error;
    expect(result.value).toMatchObject({ messages: 1_000_000, msgsPerSec: 74576.7768, fetchMs: 13409 });
    expect(result.value.rebalanceMs).toBeUndefined();
  });

  it('ignores client log lines and a --print-metrics table around the row', () => {
    const text = [
      '[2024-06-27 09:45:31,001] WARN [Consumer clientId=perf-consumer-client, groupId=perf-consumer-1] Error while fetching metadata with correlation id 2 : {perfbot-perf-test=LEADER_NOT_AVAILABLE} (org.apache.kafka.clients.NetworkClient)',
      fixture('kafka-3.7-consumer.txt').trim(),
      '',
      'Metric Name                                                                   Value',
      'consumer-fetch-manager-metrics:bytes-consumed-rate:{client-id=perf-consumer-client, topic=perfbot-perf-test} : 151234.552',
    ].join('\n');
    const result = parseConsumerOutput(text);
    if (!result.ok) throw result.error;
    expect(result.value).toMatchObject({ messages: 2_000_000, mbPerSec: 145.6578 });
    expect(result.value.warnings).toHaveLength(1);
  });

  it('leaves a non-finite optional rate undefined', () => {
    const row =
      '2024-06-27 09:45:31:502, 2024-06-27 09:45:34:502, 0.0010, 0.0003, 1, 0.3333, 3000, 0, Infinity, NaN';
    const result = parseConsumerOutput(row);
    if (!result.ok) throw result.error;
    expect(result.value.fetchMs).toBe(0);
    expect(result.value.fetchMbPerSec).toBeUndefined();
    expect(result.value.fetchMsgsPerSec).toBeUndefined();
  });
});

describe('parseConsumerOutput failures', () => {
  it.each([
    {
      name: 'zero messages after a timeout',
      text: fixture('kafka-consumer-no-data.txt'),
      message: /read no messages before its timeout/,
    },
    { name: 'empty output', text: '', message: /no result row/ },
    {
      name: 'a header alone',
      text: fixture('kafka-3.7-consumer.txt').split('\n')[0] ?? '',
      message: /no result row/,
    },
    {
      name: 'a NaN in a required column',
      text: '2024-06-27 09:45:31:502, 2024-06-27 09:45:31:502, 1.0000, NaN, 1000, NaN',
      message: /MB\.sec: "NaN" is not a finite number/,
    },
    {
      name: 'an ambiguous number',
      text: '2024-06-27 09:45:31:502, 2024-06-27 09:45:44:911, 1,953, 145.6578, 2000000, 149153.5536',
      message: /ambiguous/,
    },
  ])('rejects $name', ({ text, message }) => {
    const result = parseConsumerOutput(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('probe_failed');
    expect(result.error.userMessage).toMatch(message);
    expect(result.error.context).toMatchObject({ service: 'kafka', step: 'parse consumer output' });
  });
});
