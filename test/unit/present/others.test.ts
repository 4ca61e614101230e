import { describe, expect, it } from 'vitest';
import type { SerializedPerfError } from '../../../src/errors.js';
import { buildError } from '../../../src/present/error.js';
import { buildHistory } from '../../../src/present/history.js';
import { buildOverview } from '../../../src/present/overview.js';
import { buildResources } from '../../../src/present/resources.js';
import { renderText } from '../../../src/present/text.js';
import type { ProbeResult } from '../../../src/results/schema.js';
import {
  buildResult,
  kafkaMetrics,
  kafkaResult,
  kafkaTargets,
  resourcesDetails,
  scaled,
  trinoResult,
} from '../charts/results.js';
import { expectWithinSlackLimits } from './limits.js';
import { slack, textOf } from './render.js';

const probeFailed: SerializedPerfError = {
  code: 'probe_failed',
  message: 'kafka-producer-perf-test.sh exited 1',
  userMessage:
    'kafka-producer-perf-test.sh exited 1: the topic has no leader. Check the brokers with `/perf baseline resources` & retry.',
  retryable: false,
  context: {
    service: 'kafka',
    step: 'run 2',
    pod: 'kafka-controller-0',
    lastLines: [
      '[2024-06-27 09:44:58,834] WARN [Producer clientId=perf-producer-client] Error while fetching metadata with correlation id 7 : {perfbot-perf-test=LEADER_NOT_AVAILABLE} (org.apache.kafka.clients.NetworkClient)',
      'org.apache.kafka.common.errors.TimeoutException: Topic perfbot-perf-test not present in metadata after 60000 ms.',
    ].join('\n'),
  },
};

describe('renderError', () => {
  it('matches the snapshot', () => {
    expect(slack(buildError('baseline kafka', probeFailed))).toMatchSnapshot();
  });

  it('shows the user message, the code, where, and the tool’s last lines in a code block', () => {
    const message = slack(buildError('baseline kafka', probeFailed));
    const text = textOf(message);
    expect(text).toContain(
      '❌ baseline kafka failed\nkafka-producer-perf-test.sh exited 1: the topic has no leader.',
    );
    expect(text).toContain('code probe_failed · service: kafka · step: run 2 · pod: kafka-controller-0');
    expect(text).toContain('Last lines of output\n[2024-06-27 09:44:58,834] WARN');
    expect(JSON.stringify(message.blocks)).toContain('```\\n[2024-06-27');
    expect(JSON.stringify(message.blocks)).toContain('&amp; retry');
    expect(message.text).toBe(`baseline kafka failed: ${probeFailed.userMessage} (probe_failed)`);
  });

  it('has no output block without last lines, and says when a retry may help', () => {
    const message = slack(
      buildError('baseline trino', {
        code: 'timeout',
        message: 'query timed out',
        userMessage: 'Trino did not answer within 300 s.',
        retryable: true,
        context: {},
      }),
    );
    expect(message.blocks).toHaveLength(2);
    expect(textOf(message)).toContain('code timeout · transient: running it again may succeed');
  });

  it('keeps the end of a long output, within the section limit, and says the start was cut', () => {
    const lines = Array.from({ length: 400 }, (_, i) => `line ${i}: ${'x'.repeat(30)}`).join('\n');
    const message = slack(buildError('baseline ray', { ...probeFailed, context: { lastLines: lines } }));
    expectWithinSlackLimits(message);
    const text = textOf(message);
    expect(text).toContain('[… earlier output cut]');
    expect(text).toContain('line 399:');
    expect(text).not.toContain('line 0:');
  });
});

describe('renderOverview', () => {
  const rows = [
    { service: 'kafka', result: kafkaResult({ previous: true }) },
    { service: 'trino', result: trinoResult() },
    { service: 'ray', error: 'No pod matches ray.io/node-type=head in ml-platform.' },
  ];

  it('matches the snapshot', () => {
    expect(slack(buildOverview(rows))).toMatchSnapshot();
  });

  it('puts each service’s headline in one table, then the failures', () => {
    const message = slack(buildOverview(rows));
    const text = textOf(message);
    expect(text).toMatch(
      /kafka +Producer throughput +118,343 records\/s +≥ 100,000 records\/s +✅ +improved ▲ 7\.5%/,
    );
    expect(text).toMatch(/trino +self-join elapsed +2,395 ms +≤ 2,000 ms +❌/);
    expect(text).toContain('❌ Failed (1)\n• ray: No pod matches ray.io/node-type=head in ml-platform.');
    expect(message.text).toBe(
      'baseline all: trino on the simulated platform; 2 of 3 service(s) measured, 1 of 2 target(s) met (kafka met; trino missed; ray failed)',
    );
    expect(text).toContain('vs last baseline: improved/regressed only with ≥ 3 runs on each side');
  });

  it('names the simulated platform: in the header when every service was measured there, else which', () => {
    const some = textOf(slack(buildOverview(rows)));
    expect(some.split('\n')[0]).toBe('Baseline: all services');
    expect(some).toContain('⚠ measured on the simulated platform, not a real cluster: trino');
    const all = slack(buildOverview([{ service: 'trino', result: trinoResult() }]));
    expect(textOf(all).split('\n')[0]).toBe('Baseline: all services (simulated platform)');
    expect(all.text).toMatch(/^baseline all: on the simulated platform, 1 of 1 service\(s\) measured/);
    const none = slack(buildOverview([{ service: 'kafka', result: kafkaResult() }]));
    expect(textOf(none)).not.toContain('simulated');
  });

  it('shows a service measured once as inconclusive, not met', () => {
    const once = buildResult({
      id: 'once',
      service: 'kafka',
      metrics: kafkaMetrics,
      samples: [{ 'producer.records_per_sec': 150_000 }],
      targets: kafkaTargets,
      startedAt: '2024-06-27T10:00:00.000Z',
    });
    const message = slack(buildOverview([{ service: 'kafka', result: once }]));
    const text = textOf(message);
    expect(text).toMatch(/kafka +Producer throughput +150,000 records\/s +≥ 100,000 records\/s +—/);
    expect(text).toContain('met: — where 1 run: inconclusive, use --runs ≥ 2');
    expect(message.text).toContain('0 of 1 target(s) met (kafka 1 run: inconclusive, use --runs ≥ 2)');
  });

  it('shows a service whose runs straddle its target as inconclusive, not met', () => {
    const message = slack(
      buildOverview([{ service: 'trino', result: trinoResult({ joinMs: [1_841, 1_950, 2_031] }) }]),
    );
    const text = textOf(message);
    expect(text).toMatch(/trino +self-join elapsed +1,950 ms +≤ 2,000 ms +— /);
    expect(text).toContain('met: — where inconclusive (runs on both sides of the target)');
    expect(message.text).toContain(
      '0 of 1 target(s) met (trino inconclusive (runs on both sides of the target))',
    );
  });

  it('shows a service with no data as inconclusive', () => {
    const message = slack(buildOverview([{ service: 'trino', result: trinoResult({ joinMs: [] }) }]));
    expect(textOf(message)).toMatch(/trino +self-join elapsed +no data +≤ 2,000 ms +— /);
    expect(message.text).toContain('0 of 1 target(s) met (trino no data, inconclusive)');
  });
});

describe('renderHistory', () => {
  const results = [1, 0.9, 1.1].map((factor, i) =>
    buildResult({
      id: `r${i}`,
      service: 'kafka',
      metrics: kafkaMetrics,
      samples: scaled(
        [
          { 'producer.records_per_sec': 100_000 },
          { 'producer.records_per_sec': 101_000 },
          { 'producer.records_per_sec': 102_000 },
        ],
        factor,
      ),
      targets: kafkaTargets,
      startedAt: `2024-06-${10 + i}T09:00:00.000Z`,
    }),
  );

  it('matches the snapshot', () => {
    expect(slack(buildHistory('kafka', results))).toMatchSnapshot();
  });

  it('lists the baselines newest first with each one’s change against the one before', () => {
    const lines = textOf(slack(buildHistory('kafka', [...results].reverse()))).split('\n');
    const rows = lines.filter((l) => l.startsWith('2024-'));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/^2024-06-12 09:00 +111,100 records\/s +✅ +improved ▲ 22% +3$/);
    expect(rows[1]).toMatch(/^2024-06-11 09:00 +90,900 records\/s +❌ +regressed ▼ 10% +3$/);
    expect(rows[2]).toMatch(/^2024-06-10 09:00 +101,000 records\/s +✅ +— +3$/);
  });

  it('compares each baseline only with an older one of the same params, and judges the noise', () => {
    const at = (day: number, values: number[], records = 1_000_000) =>
      buildResult({
        id: `d${day}`,
        service: 'kafka',
        metrics: kafkaMetrics,
        samples: values.map((v) => ({ 'producer.records_per_sec': v })),
        targets: kafkaTargets,
        startedAt: `2024-06-${day}T09:00:00.000Z`,
        params: { runs: values.length, warmup: false, records },
      });
    const history = [
      at(10, [100_000, 105_000, 110_000]),
      at(11, [50_000, 51_000, 52_000], 10_000),
      at(12, [104_000, 108_000, 112_000]),
      at(13, [150_000]),
    ];
    const rows = textOf(slack(buildHistory('kafka', history)))
      .split('\n')
      .filter((l) => l.startsWith('2024-'));
    // One run: no target verdict, and no verdict on the change either.
    expect(rows[0]).toMatch(/^2024-06-13 09:00 +150,000 records\/s +— +inconclusive ▲ 39% +1$/);
    // The 10,000-record run in between is skipped: 108,000 against 105,000, and the runs overlap.
    expect(rows[1]).toMatch(/^2024-06-12 09:00 +108,000 records\/s +✅ +within noise ▲ 2\.9% +3$/);
    expect(rows[2]).toMatch(/^2024-06-11 09:00 +51,000 records\/s +❌ +— +3$/);
  });

  it('names the simulated platform: in the header when every baseline ran there, else how many did', () => {
    const sim = (r: ProbeResult): ProbeResult => ({ ...r, context: { simulated: true } });
    const all = slack(buildHistory('kafka', results.map(sim)));
    expect(textOf(all).split('\n')[0]).toBe('History: kafka (simulated platform)');
    expect(all.text).toMatch(/^history kafka: on the simulated platform, Producer throughput/);
    const some = textOf(
      slack(buildHistory('kafka', [sim(results[2] as ProbeResult), ...results.slice(0, 2)])),
    );
    expect(some.split('\n')[0]).toBe('History: kafka');
    expect(some).toContain('⚠ 1 of 3 baseline(s) measured on the simulated platform, not a real cluster');
    expect(textOf(slack(buildHistory('kafka', results)))).not.toContain('simulated');
  });

  it('says how to make a first baseline when none is stored', () => {
    const message = slack(buildHistory('ray', []));
    expect(textOf(message)).toContain('No baseline of ray is stored yet: run /perf baseline ray first.');
  });
});

describe('renderResources', () => {
  it('shows the top nodes by CPU and by memory when there are more nodes than shown', () => {
    const text = renderText({ summary: [], blocks: buildResources(resourcesDetails, 2) });
    expect(text).toContain('Top 2 nodes by CPU of 3');
    expect(text).toContain('Top 2 nodes by memory of 3');
    const byMemory = text.split('Top 2 nodes by memory of 3')[1] ?? '';
    expect(byMemory.indexOf('worker-c')).toBeLessThan(byMemory.indexOf('worker-a'));
    expect(text).toMatch(/data-platform\/trino-worker-1 +trino +1\.9 \/ 2 +95% +7\.1 GiB \/ 8 GiB +88\.8%/);
  });

  it('says when metrics-server gave nothing and when no pod has limits', () => {
    const text = renderText({
      summary: [],
      blocks: buildResources({ nodes: [], pods: [], podsWithoutLimits: 12, volumes: [] }),
    });
    expect(text).toContain('No node metrics (is metrics-server installed?).');
    expect(text).toContain('Pods near their limits: none with limits measured.\n12 pod(s) set no limit');
  });
});
