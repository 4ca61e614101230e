import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BaselineOptions } from '../../../../src/commands/options.js';
import { PlatformConfigSchema } from '../../../../src/config/platform.js';
import { kafkaProbe } from '../../../../src/probes/kafka/run.js';
import { KafkaFault, kafkaTools } from '../../../../src/sim/tools/kafka.js';
import type { SimTool } from '../../../../src/sim/types.js';
import { rejection } from '../../../helpers/errors.js';
import { probeDeps } from '../../../helpers/probe-deps.js';
import { createKafkaState, createSimKube, type KafkaSetup } from './sim.js';

const fixture = (name: string) => readFileSync(new URL(`../../../fixtures/${name}`, import.meta.url), 'utf8');

function setup(
  o: { kafka?: Record<string, unknown>; sim?: KafkaSetup; tools?: Record<string, SimTool> } = {},
) {
  const state = createKafkaState(o.sim);
  const { kube, execs } = createSimKube(state, { ...kafkaTools, ...o.tools });
  const controller = new AbortController();
  let now = 1_719_481_498_000;
  const deps = probeDeps({
    kube,
    platform: { services: { kafka: o.kafka ?? {} } },
    clock: { now: () => now++, delay: async () => undefined },
    signal: controller.signal,
  });
  return { state, deps, execs, controller };
}

describe('kafkaProbe.prepare', () => {
  it('finds the broker pod, creates the topic idempotently and records the context', async () => {
    const { deps, execs } = setup({ sim: { heapOpts: '-Xmx2G -Xms2G' } });
    const prepared = await kafkaProbe.prepare(deps, {});
    expect(execs[0]).toMatchObject({
      namespace: 'kafka',
      pod: 'kafka-0',
      container: 'kafka',
      timeoutMs: 600_000,
      command: [
        'timeout',
        '-k',
        '10',
        '585',
        '/opt/kafka/bin/kafka-topics.sh',
        '--create',
        '--if-not-exists',
        '--topic',
        'perfbot-perf-test',
        '--partitions',
        '6',
        '--replication-factor',
        '3',
        '--bootstrap-server',
        'localhost:9092',
      ],
    });
    expect(prepared.params).toEqual({
      topic: 'perfbot-perf-test',
      records: 1_000_000,
      recordSize: 1024,
      throughput: -1,
      acks: 'all',
      partitions: 6,
      replicationFactor: 3,
    });
    expect(prepared.context).toEqual({
      pod: 'kafka-0',
      namespace: 'kafka',
      images: ['apache/kafka:3.7.0'],
      settings: { KAFKA_HEAP_OPTS: '-Xmx2G -Xms2G' },
    });
    await expect(kafkaProbe.prepare(deps, {})).resolves.toMatchObject({
      params: { topic: 'perfbot-perf-test' },
    });
  });

  it('lets the options override the config defaults', async () => {
    const { deps, execs } = setup({ kafka: { records: 20_000, binDir: '/usr/bin/' } });
    const options: BaselineOptions = { recordSize: 512, throughput: 5000, acks: '1' };
    const prepared = await kafkaProbe.prepare(deps, options);
    expect(prepared.params).toMatchObject({ records: 20_000, recordSize: 512, throughput: 5000, acks: '1' });
    await kafkaProbe.runOnce(deps, prepared, 0);
    expect(execs[1]?.command).toEqual([
      'timeout',
      '-k',
      '10',
      '585',
      '/usr/bin/kafka-producer-perf-test.sh',
      '--topic',
      'perfbot-perf-test',
      '--num-records',
      '20000',
      '--record-size',
      '512',
      '--throughput',
      '5000',
      '--producer-props',
      'acks=1',
      'bootstrap.servers=localhost:9092',
    ]);
  });

  it.each([
    {
      name: 'a replication factor above the broker count',
      o: { sim: { replicas: 1 } },
      fault: undefined,
      message:
        /replication factor 3 is larger than the number of live brokers \(Replication factor: 3 larger than available brokers: 1\.\)/,
    },
    {
      name: 'unreachable brokers',
      o: {},
      fault: KafkaFault.unreachable,
      message: /Kafka brokers are unreachable/,
    },
  ])('fails on $name at the create topic step', async ({ o, fault, message }) => {
    const { deps, state } = setup(o);
    if (fault) state.faults.set(fault, { times: 1 });
    const error = await rejection(kafkaProbe.prepare(deps, {}));
    expect(error.code).toBe('probe_failed');
    expect(error.userMessage).toMatch(message);
    expect(error.context).toMatchObject({ service: 'kafka', step: 'create topic', exitCode: 1 });
    expect(String(error.context.lastLines)).toContain('Exception');
  });
});

describe('kafkaProbe.runOnce', () => {
  it('produces, consumes and returns every sample with both tools output as raw', async () => {
    const { deps, execs } = setup({ kafka: { records: 200_000 } });
    const prepared = await kafkaProbe.prepare(deps, {});
    const out = await kafkaProbe.runOnce(deps, prepared, 0);
    expect(Object.keys(out.samples).sort()).toEqual(kafkaProbe.metrics.map((m) => m.key).sort());
    expect(out.samples['producer.records_per_sec']).toBeGreaterThan(50_000);
    expect(out.samples['consumer.msgs_per_sec']).toBeGreaterThan(0);
    expect(out.raw).toMatch(
      /^\$ timeout -k 10 585 \/opt\/kafka\/bin\/kafka-producer-perf-test\.sh --topic perfbot-perf-test/,
    );
    expect(out.raw).toMatch(
      /\n\$ timeout -k 10 585 \/opt\/kafka\/bin\/kafka-consumer-perf-test\.sh --bootstrap-server localhost:9092/,
    );
    expect(out.raw).toContain('200000 records sent');
    expect(out.raw).toContain('start.time, end.time');
    expect(execs[2]?.command).toEqual(expect.arrayContaining(['--messages', '200000', '--timeout', '30000']));
  });

  it('uses a fresh consumer group per run and the configured broker flag', async () => {
    const { deps, execs } = setup({ kafka: { records: 10_000, consumerBrokerFlag: '--broker-list' } });
    const prepared = await kafkaProbe.prepare(deps, {});
    await kafkaProbe.runOnce(deps, prepared, 0);
    await kafkaProbe.runOnce(deps, prepared, 1);
    const groups = execs
      .filter((e) => e.command[4]?.endsWith('consumer-perf-test.sh'))
      .map((e) => e.command[e.command.indexOf('--group') + 1]);
    expect(groups).toHaveLength(2);
    expect(new Set(groups).size).toBe(2);
    expect(execs[2]?.command[5]).toBe('--broker-list');
  });

  it('faster brokers give higher samples (the sandbox responds to the heap)', async () => {
    const run = async (heapOpts: string) => {
      const { deps } = setup({ kafka: { records: 100_000 }, sim: { heapOpts, seed: 4 } });
      return (await kafkaProbe.runOnce(deps, await kafkaProbe.prepare(deps, {}), 0)).samples;
    };
    const small = await run('-Xmx1G');
    const big = await run('-Xmx4G');
    expect(big['producer.records_per_sec']).toBeGreaterThan((small['producer.records_per_sec'] ?? 0) * 1.2);
  });

  it.each([
    {
      fault: KafkaFault.unreachable,
      step: 'produce',
      message:
        /Kafka brokers are unreachable: kafka-producer-perf-test\.sh could not connect to localhost:9092/,
      retryable: true,
    },
    {
      fault: KafkaFault.topicMissing,
      step: 'produce',
      message: /The topic perfbot-perf-test does not exist on the brokers/,
      retryable: false,
    },
    {
      fault: KafkaFault.exit,
      step: 'produce',
      message: /bootstrap address localhost:9092 does not resolve/,
      retryable: false,
    },
  ])('reports $fault in plain words', async ({ fault, step, message, retryable }) => {
    const { deps, state } = setup({ kafka: { records: 10_000 } });
    const prepared = await kafkaProbe.prepare(deps, {});
    state.faults.set(fault, { times: 1 });
    const error = await rejection(kafkaProbe.runOnce(deps, prepared, 0));
    expect(error.code).toBe('probe_failed');
    expect(error.userMessage).toMatch(message);
    expect(error.retryable).toBe(retryable);
    expect(error.context).toMatchObject({ service: 'kafka', step, exitCode: 1 });
    expect(String(error.context.lastLines).split('\n').length).toBeLessThanOrEqual(10);
  });

  it('maps a stuck producer stopped by its in-pod deadline (exit 124) to a non-retryable timeout', async () => {
    const { deps, state, execs } = setup({ kafka: { records: 1_000_000, timeoutSeconds: 120 } });
    const prepared = await kafkaProbe.prepare(deps, {});
    state.faults.set(KafkaFault.timeout, { times: 1 });
    const error = await rejection(kafkaProbe.runOnce(deps, prepared, 0));
    expect(execs[1]?.command.slice(0, 5)).toEqual([
      'timeout',
      '-k',
      '10',
      '108',
      '/opt/kafka/bin/kafka-producer-perf-test.sh',
    ]);
    expect(error.code).toBe('timeout');
    expect(error.retryable).toBe(false);
    expect(error.userMessage).toMatch(
      /kafka-producer-perf-test\.sh did not finish within 108 s, so it was stopped in the broker pod \(services\.kafka\.timeoutSeconds is 120 s/,
    );
    expect(error.context).toMatchObject({
      service: 'kafka',
      step: 'produce',
      exitCode: 124,
      deadlineSeconds: 108,
    });
    // The windows printed before the deadline are kept for the thread.
    expect(String(error.context.lastLines)).toMatch(/records sent, .* ms max latency\./);
  });

  it('without inPodTimeout runs the bare tools, and an exec timeout is not retried (the tool may go on)', async () => {
    const { deps, state, execs } = setup({
      kafka: { records: 10_000, timeoutSeconds: 120, inPodTimeout: false },
    });
    const prepared = await kafkaProbe.prepare(deps, {});
    expect(execs[0]?.command[0]).toBe('/opt/kafka/bin/kafka-topics.sh');
    state.faults.set(KafkaFault.timeout, { times: 1 });
    const error = await rejection(kafkaProbe.runOnce(deps, prepared, 0));
    expect(execs[1]?.command[0]).toBe('/opt/kafka/bin/kafka-producer-perf-test.sh');
    expect(error.code).toBe('timeout');
    expect(error.retryable).toBe(false);
    expect(error.userMessage).toMatch(/did not finish within 120 s \(services\.kafka\.timeoutSeconds\)/);
    expect(error.userMessage).toMatch(
      /may still be running in the broker pod \(services\.kafka\.inPodTimeout/,
    );
    expect(error.context).toMatchObject({ service: 'kafka', step: 'produce' });
  });

  it('retries an exec timeout when the in-pod deadline has stopped the tool', async () => {
    // A `timeout` that never returns in time: perfbot's own exec timeout fires first.
    const stuck: SimTool = () => ({ stdout: '', stderr: '', exitCode: 0, durationMs: 3_600_000 });
    const { deps } = setup({ kafka: { records: 10_000, timeoutSeconds: 120 }, tools: { timeout: stuck } });
    const error = await rejection(kafkaProbe.prepare(deps, {}));
    expect(error).toMatchObject({ code: 'timeout', retryable: true, context: { step: 'create topic' } });
    expect(error.userMessage).not.toMatch(/may still be running/);
  });

  it('leaves out the consumer figures of a run whose consumer timed out, and says so', async () => {
    const { deps } = setup({
      kafka: { records: 10_000 },
      tools: {
        'kafka-consumer-perf-test.sh': () => ({
          stdout: fixture('kafka-consumer-timeout.txt'),
          stderr: '',
          exitCode: 0,
        }),
      },
    });
    const out = await kafkaProbe.runOnce(deps, await kafkaProbe.prepare(deps, {}), 0);
    expect(Object.keys(out.samples).sort()).toEqual(
      kafkaProbe.metrics
        .map((m) => m.key)
        .filter((k) => k.startsWith('producer.'))
        .sort(),
    );
    expect(out.raw).toMatch(
      /\n# perfbot: the consumer timed out before reading every record: its figures are left out/,
    );
    expect(out.details).toMatchObject({ consumerTimedOut: true });
  });

  it('falls back to --bootstrap-server when Kafka 4 rejects --broker-list', async () => {
    const { deps } = setup({
      kafka: { records: 10_000, consumerBrokerFlag: '--broker-list' },
      sim: { image: 'apache/kafka:4.0.0' },
    });
    const out = await kafkaProbe.runOnce(deps, await kafkaProbe.prepare(deps, {}), 0);
    expect(out.raw).toMatch(/kafka-consumer-perf-test\.sh --bootstrap-server/);
  });

  it('names the flag setting when the consumer refuses both broker flags', async () => {
    const refuseAll = (argv: readonly string[]) => {
      const flag = argv.find((a) => a === '--broker-list' || a === '--bootstrap-server') ?? '--x';
      const line = `Exception in thread "main" joptsimple.UnrecognizedOptionException: ${flag.slice(2)} is not a recognized option`;
      return { stdout: '', stderr: line, exitCode: 1 };
    };
    const { deps } = setup({
      kafka: { records: 10_000 },
      tools: { 'kafka-consumer-perf-test.sh': refuseAll },
    });
    const error = await rejection(kafkaProbe.runOnce(deps, await kafkaProbe.prepare(deps, {}), 0));
    expect(error.userMessage).toMatch(/is not a recognized option.*services\.kafka\.consumerBrokerFlag/);
    expect(error.context).toMatchObject({ step: 'consume' });
  });

  it('diagnoses a producer that exits 0 having sent nothing (real unreachable behaviour)', async () => {
    const tools = {
      'kafka-producer-perf-test.sh': () => ({
        stdout: '',
        stderr: fixture('kafka-producer-unreachable.txt'),
        exitCode: 0,
      }),
    };
    const { deps } = setup({ tools });
    const error = await rejection(kafkaProbe.runOnce(deps, await kafkaProbe.prepare(deps, {}), 0));
    expect(error.userMessage).toMatch(/Kafka brokers are unreachable/);
    expect(error.context).toMatchObject({ step: 'produce', exitCode: 0 });
  });

  it.each([
    ['kafka-producer-perf-test.sh', fixture('kafka-producer-no-summary.txt'), /no final summary/],
    [
      'kafka-consumer-perf-test.sh',
      fixture('kafka-consumer-no-data.txt'),
      /read no messages before its timeout/,
    ],
  ])('passes on the parse error when %s output shows no known cause', async (tool, stdout, message) => {
    const { deps } = setup({
      kafka: { records: 10_000 },
      tools: { [tool]: () => ({ stdout, stderr: '', exitCode: 0 }) },
    });
    const error = await rejection(kafkaProbe.runOnce(deps, await kafkaProbe.prepare(deps, {}), 0));
    expect(error.code).toBe('probe_failed');
    expect(error.userMessage).toMatch(message);
  });

  it('stops between steps when the job is cancelled', async () => {
    const { deps, controller, execs } = setup({ kafka: { records: 10_000 } });
    const prepared = await kafkaProbe.prepare(deps, {});
    controller.abort();
    const error = await rejection(kafkaProbe.runOnce(deps, prepared, 0));
    expect(error.code).toBe('cancelled');
    expect(execs).toHaveLength(1);
  });

  it('refuses a handle from another probe', async () => {
    const { deps } = setup();
    const error = await rejection(
      kafkaProbe.runOnce(deps, { params: {}, context: {}, handle: { kind: 'trino' } }, 0),
    );
    expect(error.code).toBe('internal');
  });
});

describe('kafkaProbe definition', () => {
  it('takes --runs, else the config default, and has no warm-up', () => {
    const platform = PlatformConfigSchema.parse({ services: { kafka: { runs: 4 } } });
    expect(kafkaProbe.runs({ runs: 2 }, platform)).toBe(2);
    expect(kafkaProbe.runs({}, platform)).toBe(4);
    expect(kafkaProbe.warmup).toBe(false);
  });

  it('declares each metric once, with units and directions', () => {
    const keys = kafkaProbe.metrics.map((m) => m.key);
    expect(new Set(keys).size).toBe(13);
    expect(kafkaProbe.metrics.find((m) => m.key === 'producer.records_per_sec')).toMatchObject({
      unit: 'records/s',
      direction: 'higher_is_better',
    });
    expect(kafkaProbe.metrics.find((m) => m.key === 'producer.latency_p999_ms')).toMatchObject({
      unit: 'ms',
      direction: 'lower_is_better',
    });
    expect(kafkaProbe.metrics.find((m) => m.key === 'consumer.msgs_per_sec')?.unit).toBe('msgs/s');
  });
});
