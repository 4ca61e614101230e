import { describe, expect, it } from 'vitest';
import { summarize } from '../../../src/analysis/summarize.js';
import { buildSummary, WARNINGS_SHOWN } from '../../../src/present/summary.js';
import type { ProbeResult } from '../../../src/results/schema.js';
import { resultFor } from '../../helpers/results.js';
import { expectWithinSlackLimits } from './limits.js';
import { slack, textOf } from './render.js';

/** The Trino probe's own 21 metrics, each run's samples generated. */
const trino = resultFor('trino', { id: 'trino-21' });

/** Where a table's rows start and end in the terminal text: after its title, up to the blank line. */
function tableAfter(text: string, title: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(title));
  const end = lines.findIndex((l, i) => i > start + 2 && l.trim() === '');
  return lines.slice(start + 3, end === -1 ? undefined : end);
}

describe('the Trino summary leads with what an engineer reads first', () => {
  const text = textOf(slack(buildSummary(trino)));

  it('has per query elapsed, CPU time and peak memory, with the target, in its first table', () => {
    const first = tableAfter(text, 'Median of the runs').map((l) => l.split(/\s{2,}/)[0]);
    expect(first).toEqual([
      'count(*) elapsed',
      'count(*) CPU time',
      'count(*) peak memory',
      'group-by aggregate elapsed',
      'group-by aggregate CPU time',
      'group-by aggregate peak memory',
      'self-join elapsed',
      'self-join CPU time',
      'self-join peak memory',
    ]);
    expect(tableAfter(text, 'Median of the runs').find((l) => l.startsWith('self-join elapsed'))).toContain(
      '≤ 2,000',
    );
  });

  it('puts the other 12 metrics in the detail at the end, after the runs and params', () => {
    expect(text).toContain('Detail: the other 12 metric(s)');
    expect(text.indexOf('Detail: the other')).toBeGreaterThan(text.indexOf('3 run(s)'));
    const detail = tableAfter(text, 'Detail: the other').map((l) => l.split(/\s{2,}/)[0]);
    expect(detail).toHaveLength(12);
    expect(detail).toContain('self-join spilled');
    expect(detail).toContain('count(*) queued');
    // Every metric is in one table or the other, once.
    expect(trino.metrics.filter((m) => !text.includes(`${m.label}  `))).toEqual([]);
  });

  it('leads with a metric that has a target even when the service does not list it', () => {
    const targeted = resultFor('trino', {
      targets: [{ metric: 'join.spilled_bytes', op: '<=', value: 0 }],
    });
    const first = tableAfter(textOf(slack(buildSummary(targeted))), 'Median of the runs');
    expect(first.some((l) => l.startsWith('self-join spilled'))).toBe(true);
  });

  it('stays within Slack’s limits', () => {
    expectWithinSlackLimits(slack(buildSummary(trino)));
  });

  it('keeps one table for a service that names no leads (Kafka)', () => {
    expect(textOf(slack(buildSummary(resultFor('kafka'))))).not.toContain('Detail:');
  });
});

/** Kafka with run 2 marked invalid by the runner (summary over the clean runs), and tool warnings. */
function invalidKafka(warnings: string[]): ProbeResult {
  const base = resultFor('kafka', { id: 'kafka-invalid' });
  const runs = base.runs.map((r) =>
    r.index === 1
      ? {
          ...r,
          invalid:
            'the producer reports 700,000 records sent of 1,000,000 asked (failed sends are not counted by Kafka ≥ 3.5, KAFKA-14812): its rate is not the load asked for',
        }
      : r,
  );
  const clean = runs.filter((r) => r.invalid === undefined);
  return {
    ...base,
    runs,
    summary: summarize(base.metrics, clean, [
      { metric: 'producer.records_per_sec', op: '>=', value: 100_000 },
    ]),
    warnings,
  };
}

const expiring = (at: string, n: number) =>
  `[2026-12-01 10:00:${at},000] WARN [Producer clientId=perf-producer-client] Got error produce response: org.apache.kafka.common.errors.TimeoutException: Expiring ${n} record(s) for perfbot-perf-test-0`;

describe('runs not counted and tool warnings', () => {
  it('names each invalid run with its reason, in Slack and the terminal, and counts it apart', () => {
    const message = slack(buildSummary(invalidKafka([])));
    for (const out of [JSON.stringify(message.blocks), textOf(message)]) {
      expect(out).toContain('1 of 3 run(s) not counted');
      expect(out).toContain(
        'run 2 not counted: the producer reports 700,000 records sent of 1,000,000 asked',
      );
    }
    expect(textOf(message)).toContain('3 run(s) in 3 min 5 s, 1 not counted');
    expect(message.text).toMatch(/3 run\(s\), 1 not counted$/);
    expect(textOf(message)).not.toContain('Tool warnings');
  });

  it('shows the warnings deduplicated (timestamps aside) and capped, saying how many more there are', () => {
    const many = [
      expiring('01', 12),
      expiring('02', 12),
      ...Array.from({ length: 8 }, (_, i) => expiring(String(10 + i), 100 + i)),
    ];
    const message = slack(buildSummary(invalidKafka(many)));
    const text = textOf(message);
    expect(text).toContain('Tool warnings (9 distinct)');
    expect(text.match(/Expiring 12 record/g)).toHaveLength(1);
    expect(text).not.toContain('2026-12-01 10:00');
    expect(text.match(/Expiring \d+ record/g)).toHaveLength(WARNINGS_SHOWN);
    expect(text).toContain(`… and ${9 - WARNINGS_SHOWN} more, kept with result kafka-invalid`);
    expectWithinSlackLimits(message);
  });

  it('cuts a very long warning or reason rather than the message', () => {
    const long = `WARN ${'x'.repeat(5_000)}`;
    const result = invalidKafka([long]);
    const message = slack(
      buildSummary({
        ...result,
        runs: result.runs.map((r) => ({ ...r, invalid: r.invalid && `${r.invalid} ${'y'.repeat(5_000)}` })),
      }),
    );
    expect(textOf(message).length).toBeLessThan(8_000);
    expectWithinSlackLimits(message);
  });
});

describe('the run’s time on the simulated platform', () => {
  const took = (context: ProbeResult['context']) =>
    textOf(
      slack(
        buildSummary({
          ...resultFor('trino', { id: 't' }),
          startedAt: '2026-12-01T10:00:00.000Z',
          finishedAt: '2026-12-01T10:00:03.000Z',
          context,
        }),
      ),
    );

  it('gives both clocks when its tools take a fraction of the time they report', () => {
    expect(took({ simulated: true, timeScale: 0.05 })).toContain(
      '3 run(s) in 3 s, simulated ≈ 1 min 0 s (the simulated platform runs 20× faster than real time)',
    );
  });

  it('says that a platform which answers at once reports times it did not take', () => {
    expect(took({ simulated: true, timeScale: 0 })).toContain(
      '3 run(s) in 3 s: the simulated platform answers at once, whatever time its figures report',
    );
  });

  it('gives one clock on a real cluster, or a simulated one in real time', () => {
    expect(took({})).toContain('3 run(s) in 3 s ·');
    expect(took({ simulated: true, timeScale: 1 })).toContain('3 run(s) in 3 s ·');
  });
});
