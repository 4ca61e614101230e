import { describe, expect, it } from 'vitest';
import { summarize } from '../../../src/analysis/summarize.js';
import type { Target } from '../../../src/config/fields.js';
import {
  type SlackBlock as Block,
  LIMITS,
  type SlackMessage as Message,
} from '../../../src/present/slack/message.js';
import { buildSummary } from '../../../src/present/summary.js';
import type { MetricDef } from '../../../src/results/schema.js';
import {
  buildResult,
  kafkaResult,
  oneRunKafkaResult,
  resourcesDetails,
  runsOf,
  trinoResult,
} from '../charts/results.js';
import { expectWithinSlackLimits } from './limits.js';
import { slack, textOf } from './render.js';

const rowOf = (message: Message, label: string): string | undefined =>
  textOf(message)
    .split('\n')
    .find((line) => line.startsWith(`${label}  `));

const allText = (blocks: readonly Block[] | undefined): string => JSON.stringify(blocks ?? []);

describe('renderSummary', () => {
  it('matches the snapshot for Kafka with a previous baseline', () => {
    expect(slack(buildSummary(kafkaResult({ previous: true })))).toMatchSnapshot();
  });

  it('matches the snapshot for Trino with no data', () => {
    expect(slack(buildSummary(trinoResult({ joinMs: [] })))).toMatchSnapshot();
  });

  it('shows the median, spread, target, verdict and change of each metric', () => {
    const message = slack(buildSummary(kafkaResult({ previous: true })));
    expect(rowOf(message, 'Producer throughput')).toMatch(
      /^Producer throughput +records\/s +118,343 +±1,463 \(MAD, n=3\) +≥ 100,000 +✅ +improved ▲ 7\.5%$/,
    );
    // Same move of the median, and the runs miss the previous ones' range, but by 4 ms against a
    // 33 ms spread: less than half the wider range apart, so not called a regression.
    expect(rowOf(message, 'Producer latency p99')).toMatch(
      /511 +±14 \(MAD, n=3\) +— +— +within noise ▲ 7\.5%$/,
    );
    // Same move of the median, but the runs overlap the previous ones: not called a regression.
    expect(rowOf(message, 'Producer latency p50')).toMatch(/— +within noise ▲ 7\.5%$/);
    expect(textOf(message)).toContain(
      'vs last baseline: improved/regressed only with ≥ 3 runs on each side, no run of one within the other’s range (apart by at least half the wider range) and medians ≥ 5% apart; otherwise within noise, or inconclusive with fewer than 3 runs on a side',
    );
    expect(textOf(message)).toContain(
      'compared with 20240620T094000000Z-kafka-prev (same params and platform)',
    );
    expect(message.text).toBe(
      'baseline kafka: Producer throughput 118,343 records/s (met), 1 of 1 target(s) met, 3 run(s)',
    );
  });

  it('calls a target inconclusive when the runs fall on both sides of it, never ✅', () => {
    const message = slack(buildSummary(trinoResult({ joinMs: [1_841, 1_950, 2_031] })));
    expect(rowOf(message, 'self-join elapsed')).toMatch(/≤ 2,000 +— +—$/);
    const text = textOf(message);
    expect(text).toContain('target ≤ 2,000 ms — inconclusive (runs on both sides of the target)');
    expect(text).toContain('met: — for self-join elapsed: inconclusive (runs on both sides of the target)');
    expect(message.text).toContain(
      'self-join elapsed 1,950 ms (inconclusive (runs on both sides of the target)), 0 of 1 target(s) met',
    );
    expect(textOf(slack(buildSummary(trinoResult())))).not.toContain('runs on both sides');
  });

  it('names the simulated platform in the header and the notification text, and only then', () => {
    const simulated = slack(buildSummary(trinoResult()));
    expect(textOf(simulated).split('\n')[0]).toBe('Baseline: trino (simulated platform)');
    expect(simulated.text).toMatch(/^baseline trino: on the simulated platform, self-join elapsed 2,395 ms/);
    const real = slack(buildSummary(kafkaResult()));
    expect(textOf(real).split('\n')[0]).toBe('Baseline: kafka');
    expect(real.text).not.toContain('simulated');
  });

  it('shows a missed target with ❌ and in the fallback text', () => {
    const message = slack(buildSummary(trinoResult()));
    expect(rowOf(message, 'self-join elapsed')).toContain('≤ 2,000  ❌');
    expect(message.text).toContain('self-join elapsed 2,395 ms (missed), 0 of 1 target(s) met');
  });

  it('shows "no data" as inconclusive, never as a pass', () => {
    const message = slack(buildSummary(trinoResult({ joinMs: [] })));
    const row = rowOf(message, 'self-join elapsed') ?? '';
    expect(row).toContain('no data');
    expect(row).not.toContain('✅');
    expect(allText(message.blocks)).not.toContain('✅');
    expect(message.text).toContain('(no data, inconclusive)');
    expect(message.text).toContain('0 of 1 target(s) met');
  });

  it('gives one run no target verdict and says to measure more, never ✅', () => {
    const result = oneRunKafkaResult();
    const message = slack(buildSummary(result));
    expect(allText(message.blocks)).not.toContain('✅');
    expect(allText(message.blocks)).toContain(
      'target ≥ 100,000 records/s — 1 run: inconclusive, use --runs ≥ 2',
    );
    expect(rowOf(message, 'Producer throughput')).toMatch(/n=1 +≥ 100,000 +— +—$/);
    expect(message.text).toBe(
      'baseline kafka: Producer throughput 150,000 records/s (1 run: inconclusive, use --runs ≥ 2), 0 of 1 target(s) met, 1 run(s)',
    );
  });

  it('says what differs from the baseline it was compared with, or that there was none like-for-like', () => {
    const differs = {
      ...kafkaResult({ previous: true }),
      comparison: {
        previousId: '20240620T094000000Z-kafka-prev',
        differences: ['node count 4 → 3', 'images bitnami/kafka:3.6.1 → bitnami/kafka:3.7.0'],
      },
    };
    const text = textOf(slack(buildSummary(differs)));
    expect(text).toContain(
      '⚠ compared with 20240620T094000000Z-kafka-prev, which differs\n• node count 4 → 3\n• images bitnami/kafka:3.6.1 → bitnami/kafka:3.7.0',
    );
    const none = {
      ...kafkaResult(),
      comparison: {
        previousId: null,
        differences: [
          'no stored result with the same params and platform (1 searched); the newest (x) differs: records 10 → 1000000',
        ],
      },
    };
    const noneText = textOf(slack(buildSummary(none)));
    expect(noneText).toContain(
      'ℹ no like-for-like baseline to compare with\n• no stored result with the same params',
    );
    expect(noneText).not.toContain('vs last baseline: improved');
  });

  it('says how many runs, that a warm-up run was discarded, where it ran and that it was simulated', () => {
    const text = textOf(slack(buildSummary(trinoResult())));
    expect(text).toContain('3 run(s) in 3 min 5 s, after a discarded warm-up run');
    expect(text).toContain('namespace data-platform');
    expect(text).toContain('simulated platform, not a real cluster');
    expect(text).toContain('params: catalog=memory tableRows=1000000');
    const kafka = textOf(slack(buildSummary(kafkaResult())));
    expect(kafka).toContain('pod kafka-controller-0, namespace kafka, 3 node(s)');
    expect(kafka).not.toContain('simulated');
  });

  it('does not mention a warm-up when none was run', () => {
    const result = { ...kafkaResult(), params: { runs: 3, warmup: false } };
    expect(textOf(slack(buildSummary(result)))).not.toContain('warm-up');
  });

  it('stays within Slack’s limits for a result with many metrics, and says what was cut', () => {
    // Synthetic on purpose, the one such input here: no probe defines enough metrics to reach Slack's
    // 50-block cap, so the renderer's cut is proven on 2,000 made-up query timings.
    const metrics: MetricDef[] = Array.from({ length: 2_000 }, (_, i) => ({
      key: `query_${i}.elapsed_ms`,
      label: `query ${i} elapsed time`,
      unit: 'ms',
      direction: 'lower_is_better',
    }));
    const samples = [0, 1].map((run) =>
      Object.fromEntries(metrics.map((m, i) => [m.key, 1_000 + i * 3 + run])),
    );
    const runs = runsOf(samples, '2024-06-27T10:00:00.000Z');
    const targets: Target[] = [{ metric: 'query_0.elapsed_ms', op: '<=', value: 2_000 }];
    const result = {
      ...trinoResult(),
      id: 'many',
      metrics,
      runs,
      summary: summarize(metrics, runs, targets),
    };
    const message = slack(buildSummary(result));
    expectWithinSlackLimits(message);
    expect(message.blocks).toHaveLength(LIMITS.blocks);
    expect(allText(message.blocks?.slice(-1))).toMatch(/more block\(s\) cut: Slack allows 50 per message/);
  });

  it('delegates the resources detail to its tables', () => {
    const result = buildResult({
      id: 'res',
      service: 'resources',
      metrics: [
        { key: 'max_node_cpu_pct', label: 'Busiest node CPU', unit: '%', direction: 'lower_is_better' },
      ],
      samples: [{ max_node_cpu_pct: 85.5 }],
      targets: [{ metric: 'max_node_cpu_pct', op: '<=', value: 80 }],
      startedAt: '2024-06-27T11:00:00.000Z',
      details: resourcesDetails,
    });
    const text = textOf(slack(buildSummary(result)));
    expect(text).toContain('Nodes, by CPU (% of allocatable)');
    expect(text).toContain('Pods closest to their limits');
    expect(text).toContain('4 pod(s) set no limit');
    expect(text).toContain('minio-data');
    const broken = textOf(slack(buildSummary({ ...result, details: { nodes: 'nope' } })));
    expect(broken).toContain('No node or pod detail was recorded with this result.');
  });

  it('handles a result without metrics', () => {
    const message = slack(buildSummary({ ...kafkaResult(), metrics: [], summary: [] }));
    expect(textOf(message)).toContain('This probe reports no metrics.');
    expect(message.text).toBe('baseline kafka: no metrics, 3 run(s)');
  });
});
