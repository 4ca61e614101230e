import { describe, expect, it } from 'vitest';
import { parseConsumerOutput, parseProducerOutput } from '../../../src/probes/kafka/parse.js';
import { clusterOf, KafkaFault, kafkaTools } from '../../../src/sim/tools/kafka.js';
import { createKafkaState, type KafkaSetup, runTool } from '../probes/kafka/sim.js';

const BIN = '/opt/kafka/bin';
const BOOTSTRAP = 'localhost:9092';

const topicCmd = (...extra: string[]) => [
  `${BIN}/kafka-topics.sh`,
  '--bootstrap-server',
  BOOTSTRAP,
  ...extra,
];
const create = (topic = 'perf', partitions = 6, rf = 3) =>
  topicCmd(
    '--create',
    '--if-not-exists',
    '--topic',
    topic,
    '--partitions',
    String(partitions),
    '--replication-factor',
    String(rf),
  );

function producerCmd(
  o: { records?: number; size?: number; throughput?: number; acks?: string; topic?: string } = {},
) {
  return [
    `${BIN}/kafka-producer-perf-test.sh`,
    '--topic',
    o.topic ?? 'perf',
    '--num-records',
    String(o.records ?? 1_000_000),
    '--record-size',
    String(o.size ?? 1024),
    '--throughput',
    String(o.throughput ?? -1),
    '--producer-props',
    `acks=${o.acks ?? 'all'}`,
    `bootstrap.servers=${BOOTSTRAP}`,
  ];
}

const consumerCmd = (messages: number, ...extra: string[]) => [
  `${BIN}/kafka-consumer-perf-test.sh`,
  '--bootstrap-server',
  BOOTSTRAP,
  '--topic',
  'perf',
  '--messages',
  String(messages),
  '--timeout',
  '30000',
  ...extra,
];

/** Creates the topic, runs the producer once and parses its output. */
async function produce(
  setup: KafkaSetup,
  o: Parameters<typeof producerCmd>[0] & { partitions?: number; rf?: number } = {},
) {
  const state = createKafkaState(setup);
  await runTool(kafkaTools, state, create('perf', o.partitions ?? 6, o.rf ?? 3));
  const out = await runTool(kafkaTools, state, producerCmd(o));
  const parsed = parseProducerOutput(out.stdout + out.stderr);
  if (!parsed.ok) throw parsed.error;
  return { state, out, report: parsed.value };
}

describe('kafka-topics.sh (simulated)', () => {
  it('creates a topic once and is idempotent with --if-not-exists', async () => {
    const state = createKafkaState();
    const first = await runTool(kafkaTools, state, create());
    expect(first).toMatchObject({ exitCode: 0, stdout: 'Created topic perf.\n' });
    const again = await runTool(kafkaTools, state, create());
    expect(again).toMatchObject({ exitCode: 0, stdout: '' });
    expect(clusterOf(state).topics.get('perf')).toMatchObject({ partitions: 6, replicationFactor: 3 });
  });

  it('fails with TopicExistsException without --if-not-exists', async () => {
    const state = createKafkaState();
    await runTool(kafkaTools, state, create());
    const out = await runTool(
      kafkaTools,
      state,
      topicCmd('--create', '--topic', 'perf', '--partitions', '6'),
    );
    expect(out.exitCode).toBe(1);
    expect(out.stdout).toBe("Error while executing topic command : Topic 'perf' already exists.\n");
    expect(out.stderr).toContain(
      "ERROR org.apache.kafka.common.errors.TopicExistsException: Topic 'perf' already exists.",
    );
  });

  it('refuses a replication factor above the broker count', async () => {
    const state = createKafkaState({ replicas: 1 });
    const out = await runTool(kafkaTools, state, create('perf', 6, 3));
    expect(out.exitCode).toBe(1);
    expect(out.stderr).toContain(
      'InvalidReplicationFactorException: Replication factor: 3 larger than available brokers: 1.',
    );
    expect(clusterOf(state).topics.has('perf')).toBe(false);
  });

  it.each([
    [['--create', '--topic', 'x', '--bogus'], 'bogus is not a recognized option'],
    [['--topic', 'x'], 'Command must include exactly one action'],
    [['--create'], 'Missing required argument "[topic]"'],
    [['--create', '--topic'], 'Option topic requires an argument'],
  ])('rejects %j like joptsimple does', async (args, message) => {
    const out = await runTool(kafkaTools, createKafkaState(), topicCmd(...args));
    expect(out.exitCode).toBe(1);
    expect(out.stderr.split('\n')[0]).toContain(message);
  });

  it('needs --bootstrap-server', async () => {
    const out = await runTool(kafkaTools, createKafkaState(), [`${BIN}/kafka-topics.sh`, '--list']);
    expect(out).toMatchObject({ exitCode: 1 });
    expect(out.stderr).toMatch(/^Missing required argument "\[bootstrap-server\]"/);
  });

  it('lists, describes and deletes topics', async () => {
    const state = createKafkaState();
    await runTool(kafkaTools, state, create('b-topic', 2, 2));
    await runTool(kafkaTools, state, create('a-topic', 1, 1));
    expect((await runTool(kafkaTools, state, topicCmd('--list'))).stdout).toBe('a-topic\nb-topic\n');
    const described = await runTool(kafkaTools, state, topicCmd('--describe', '--topic', 'b-topic'));
    expect(described.stdout).toMatch(/PartitionCount: 2\tReplicationFactor: 2/);
    expect(described.stdout.trim().split('\n')).toHaveLength(3);
    expect((await runTool(kafkaTools, state, topicCmd('--delete', '--topic', 'b-topic'))).exitCode).toBe(0);
    const gone = await runTool(kafkaTools, state, topicCmd('--describe', '--topic', 'b-topic'));
    expect(gone).toMatchObject({
      exitCode: 1,
      stdout: "Error while executing topic command : Topic 'b-topic' does not exist as expected\n",
    });
  });

  it('times out on kafka.unreachable', async () => {
    const state = createKafkaState();
    state.faults.set(KafkaFault.unreachable, { times: 1 });
    const out = await runTool(kafkaTools, state, create());
    expect(out.exitCode).toBe(1);
    expect(out.stdout).toContain('Timed out waiting for a node assignment. Call: createTopics');
    expect(out.stderr).toContain(
      'Connection to node -1 (localhost/10.96.0.12:9092) could not be established',
    );
    expect((await runTool(kafkaTools, state, create())).exitCode).toBe(0);
  });
});

describe('kafka-producer-perf-test.sh (simulated)', () => {
  it('prints window lines and a summary the parser reads back', async () => {
    const { out, report } = await produce({});
    expect(out.exitCode).toBe(0);
    expect(report.summary.records).toBe(1_000_000);
    const seconds = 1_000_000 / report.summary.recordsPerSec;
    expect(out.durationMs).toBeCloseTo(seconds * 1000, -1);
    expect(report.windows).toHaveLength(Math.floor((seconds * 1000 - 1) / 5000));
    expect(report.windows.reduce((n, w) => n + w.records, 0)).toBeLessThan(1_000_000);
    const s = report.summary;
    expect(s.mbPerSec).toBeCloseTo((s.recordsPerSec * 1024) / 1048576, 2);
    expect(s.p50Ms).toBeLessThanOrEqual(s.p95Ms);
    expect(s.p95Ms).toBeLessThanOrEqual(s.p99Ms);
    expect(s.p99Ms).toBeLessThanOrEqual(s.p999Ms);
    expect(s.p999Ms).toBeLessThanOrEqual(s.latencyMaxMs);
    for (const w of report.windows) expect(w.latencyMaxMs).toBeLessThanOrEqual(s.latencyMaxMs);
  });

  it('lands the runbook platform under the 100k records/s target', async () => {
    const { report } = await produce({});
    expect(report.summary.recordsPerSec).toBeGreaterThan(70_000);
    expect(report.summary.recordsPerSec).toBeLessThan(100_000);
  });

  it.each<[string, KafkaSetup, Parameters<typeof produce>[1], KafkaSetup, Parameters<typeof produce>[1]]>([
    ['a 4 GB heap beats a 1 GB heap', { heapOpts: '-Xmx1G -Xms1G' }, {}, { heapOpts: '-Xmx4G -Xms4G' }, {}],
    [
      'more network and io threads help',
      {},
      {},
      { env: { KAFKA_NUM_NETWORK_THREADS: '6', KAFKA_NUM_IO_THREADS: '16' } },
      {},
    ],
    [
      'bitnami-style KAFKA_CFG_ settings count too',
      {},
      {},
      { env: { KAFKA_CFG_NUM_NETWORK_THREADS: '8' } },
      {},
    ],
    ['12 partitions beat 1', {}, { partitions: 1 }, {}, { partitions: 12 }],
    ['acks=1 beats acks=all', {}, { acks: 'all' }, {}, { acks: '1' }],
    ['acks=0 beats acks=1', {}, { acks: '1' }, {}, { acks: '0' }],
    ['replication factor 1 beats 3 with acks=all', {}, { rf: 3 }, {}, { rf: 1 }],
  ])('%s', async (_name, slowSetup, slowParams, fastSetup, fastParams) => {
    const slow = await produce({ ...slowSetup, seed: 1 }, slowParams);
    const fast = await produce({ ...fastSetup, seed: 1 }, fastParams);
    expect(fast.report.summary.recordsPerSec).toBeGreaterThan(slow.report.summary.recordsPerSec * 1.05);
  });

  it('does not gain past ~4 GB of heap, and loses a little past 8 GB', async () => {
    const four = await produce({ heapOpts: '-Xmx4G', seed: 3 });
    const six = await produce({ heapOpts: '-Xmx6144m', seed: 3 });
    const sixteen = await produce({ heapOpts: '-Xmx16G', seed: 3 });
    expect(six.report.summary.recordsPerSec / four.report.summary.recordsPerSec).toBeCloseTo(1, 1);
    expect(sixteen.report.summary.recordsPerSec).toBeLessThan(four.report.summary.recordsPerSec);
  });

  it('stays just under a throughput cap, with low latency', async () => {
    const { report } = await produce({}, { throughput: 20_000, records: 200_000 });
    expect(report.summary.recordsPerSec).toBeLessThanOrEqual(20_000);
    expect(report.summary.recordsPerSec).toBeGreaterThan(19_800);
    const unthrottled = await produce({}, { records: 200_000 });
    expect(report.summary.latencyAvgMs).toBeLessThan(unthrottled.report.summary.latencyAvgMs / 10);
  });

  it('sends fewer but bigger records with a bigger record size', async () => {
    const small = await produce({ seed: 5 }, { size: 100 });
    const big = await produce({ seed: 5 }, { size: 10_000 });
    expect(big.report.summary.recordsPerSec).toBeLessThan(small.report.summary.recordsPerSec);
    expect(big.report.summary.mbPerSec).toBeGreaterThan(small.report.summary.mbPerSec);
  });

  it('is reproducible for a seed and noisy across seeds', async () => {
    const a = await produce({ seed: 9 });
    const b = await produce({ seed: 9 });
    const c = await produce({ seed: 10 });
    expect(a.out.stdout).toBe(b.out.stdout);
    expect(c.out.stdout).not.toBe(a.out.stdout);
    const spread = Math.abs(c.report.summary.recordsPerSec / a.report.summary.recordsPerSec - 1);
    expect(spread).toBeLessThan(0.1);
  });

  it('prints a --print-metrics table after the summary', async () => {
    const state = createKafkaState();
    await runTool(kafkaTools, state, create());
    const out = await runTool(kafkaTools, state, [...producerCmd({ records: 100_000 }), '--print-metrics']);
    const parsed = parseProducerOutput(out.stdout);
    if (!parsed.ok) throw parsed.error;
    expect(
      parsed.value.metrics['producer-metrics:record-send-rate:{client-id=perf-producer-client}'],
    ).toBeCloseTo(parsed.value.summary.recordsPerSec, 2);
  });

  it('auto-creates a missing topic with one partition, warning LEADER_NOT_AVAILABLE', async () => {
    const state = createKafkaState();
    const out = await runTool(kafkaTools, state, producerCmd({ topic: 'fresh', records: 10_000 }));
    expect(out.exitCode).toBe(0);
    expect(out.stderr).toContain('{fresh=LEADER_NOT_AVAILABLE}');
    expect(clusterOf(state).topics.get('fresh')).toMatchObject({ partitions: 1, records: 10_000 });
  });

  it('fails on a missing topic when auto-creation is off', async () => {
    const state = createKafkaState({ env: { KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false' } });
    const out = await runTool(kafkaTools, state, producerCmd({ topic: 'fresh' }));
    expect(out.exitCode).toBe(1);
    expect(out.stderr).toContain('{fresh=UNKNOWN_TOPIC_OR_PARTITION}');
  });

  it.each([
    [
      ['--topic', 'perf', '--num-records', '10', '--throughput', '-1'],
      /error: one of the arguments --record-size/,
    ],
    [
      ['--num-records', '10', '--record-size', '1', '--throughput', '-1'],
      /error: argument --topic is required/,
    ],
    [
      ['--topic', 'p', '--num-records', 'ten', '--record-size', '1', '--throughput', '-1'],
      /could not convert 'ten' to Long/,
    ],
    [
      ['--topic', 'p', '--num-records', '10', '--record-size', '1', '--throughput', '-1'],
      /Either --producer-props or --producer.config/,
    ],
    [
      [
        '--topic',
        'p',
        '--num-records',
        '0',
        '--record-size',
        '1',
        '--throughput',
        '-1',
        '--producer-props',
        'a=b',
      ],
      /--num-records should be greater than zero/,
    ],
    [['--topic', 'p', '--bogus', '--num-records', '1'], /unrecognized arguments: '--bogus'/],
    [
      [
        '--topic',
        'p',
        '--num-records',
        '1',
        '--record-size',
        '1',
        '--throughput',
        '-1',
        '--producer-props',
        'acks=all',
      ],
      /Missing required configuration "bootstrap.servers"/,
    ],
    [
      [
        '--topic',
        'p',
        '--num-records',
        '1',
        '--record-size',
        '1',
        '--throughput',
        '-1',
        '--producer-props',
        'acks=2',
        'bootstrap.servers=x:1',
      ],
      /Invalid value 2 for configuration acks/,
    ],
  ])('rejects %j', async (args, message) => {
    const out = await runTool(kafkaTools, createKafkaState(), [
      `${BIN}/kafka-producer-perf-test.sh`,
      ...args,
    ]);
    expect(out.exitCode).toBe(1);
    expect(out.stderr).toMatch(message);
  });
});

describe('kafka-consumer-perf-test.sh (simulated)', () => {
  it('reads back what was produced, in the ten-column format', async () => {
    const { state } = await produce({}, { records: 500_000 });
    const out = await runTool(kafkaTools, state, consumerCmd(500_000, '--group', 'g1'));
    expect(out.exitCode).toBe(0);
    expect(out.stdout.split('\n')[0]).toBe(
      'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec',
    );
    const parsed = parseConsumerOutput(out.stdout);
    if (!parsed.ok) throw parsed.error;
    const c = parsed.value;
    expect(c).toMatchObject({ messages: 500_000, columns: 10, timedOut: false });
    expect(c.dataMb).toBeCloseTo((500_000 * 1024) / 1048576, 3);
    expect(c.rebalanceMs).toBeGreaterThanOrEqual(3000);
    expect(out.durationMs).toBe((c.rebalanceMs ?? 0) + (c.fetchMs ?? 0));
    expect(c.fetchMbPerSec).toBeGreaterThan(c.mbPerSec);
  });

  it('warns and reports what it got when fewer messages than asked arrive', async () => {
    const { state } = await produce({}, { records: 100_000 });
    const out = await runTool(kafkaTools, state, consumerCmd(250_000));
    const parsed = parseConsumerOutput(out.stdout);
    if (!parsed.ok) throw parsed.error;
    expect(parsed.value).toMatchObject({ messages: 100_000, timedOut: true });
    expect(parsed.value.fetchMs).toBeGreaterThan(30_000);
  });

  it('prints only the row with --hide-header, and interval rows with --show-detailed-stats', async () => {
    const { state } = await produce({}, { records: 2_000_000 });
    const hidden = await runTool(kafkaTools, state, consumerCmd(2_000_000, '--hide-header'));
    expect(hidden.stdout.trim().split('\n')).toHaveLength(1);
    const hiddenParsed = parseConsumerOutput(hidden.stdout);
    expect(hiddenParsed.ok && hiddenParsed.value.messages).toBe(2_000_000);
    const detailed = await runTool(kafkaTools, state, consumerCmd(2_000_000, '--show-detailed-stats'));
    const parsed = parseConsumerOutput(detailed.stdout);
    if (!parsed.ok) throw parsed.error;
    expect(parsed.value.detailed).toBe(true);
    expect(parsed.value.messages).toBeGreaterThan(1_000_000);
    expect(parsed.value.messages).toBeLessThanOrEqual(2_000_000);
  });

  it.each([
    ['apache/kafka:3.7.0', '--broker-list', 0, ''],
    ['apache/kafka:4.0.0', '--broker-list', 1, 'broker-list is not a recognized option'],
    ['apache/kafka:4.0.0', '--bootstrap-server', 0, ''],
    ['wurstmeister/kafka:2.12-2.4.1', '--bootstrap-server', 1, 'bootstrap-server is not a recognized option'],
    ['wurstmeister/kafka:2.12-2.4.1', '--broker-list', 0, ''],
  ])('with image %s, %s exits %d', async (image, flag, exitCode, message) => {
    const { state } = await produce({ image }, { records: 10_000 });
    const out = await runTool(kafkaTools, state, [
      `${BIN}/kafka-consumer-perf-test.sh`,
      flag,
      BOOTSTRAP,
      '--topic',
      'perf',
      '--messages',
      '10000',
    ]);
    expect(out.exitCode).toBe(exitCode);
    expect(out.stderr.split('\n')[0]).toBe(message);
  });

  it('needs --messages', async () => {
    const out = await runTool(kafkaTools, createKafkaState(), consumerCmd(1).slice(0, 5));
    expect(out).toMatchObject({ exitCode: 1 });
    expect(out.stderr).toMatch(/^Missing required argument "\[messages\]"/);
  });
});

describe('kafka faults', () => {
  it('kafka.unreachable: connection warnings then a TimeoutException, exit 1, for producer and consumer', async () => {
    const state = createKafkaState();
    state.faults.set(KafkaFault.unreachable, { times: 2 });
    const p = await runTool(kafkaTools, state, producerCmd());
    expect(p.exitCode).toBe(1);
    expect(p.stderr).toMatch(/WARN \[Producer clientId=perf-producer-client\] Connection to node -1/);
    expect(p.stderr).toContain('TimeoutException: Topic perf not present in metadata after 60000 ms.');
    const c = await runTool(kafkaTools, state, consumerCmd(10));
    expect(c.exitCode).toBe(1);
    expect(c.stderr).toContain('TimeoutException: Timeout of 60000ms expired');
    expect(state.faults.has(KafkaFault.unreachable)).toBe(false);
  });

  it('kafka.topic-missing: UNKNOWN_TOPIC_OR_PARTITION, exit 1', async () => {
    const state = createKafkaState();
    await runTool(kafkaTools, state, create());
    state.faults.set(KafkaFault.topicMissing, { times: 1 });
    const out = await runTool(kafkaTools, state, producerCmd());
    expect(out.exitCode).toBe(1);
    expect(out.stderr).toContain('{perf=UNKNOWN_TOPIC_OR_PARTITION}');
  });

  it('kafka.exit: a stack trace and the given exit code', async () => {
    const state = createKafkaState();
    state.faults.set(KafkaFault.exit, { times: 1, exitCode: 3 });
    const out = await runTool(kafkaTools, state, producerCmd());
    expect(out.exitCode).toBe(3);
    expect(out.stderr).toMatch(
      /^Exception in thread "main" org\.apache\.kafka\.common\.KafkaException: Failed to construct kafka producer\n\tat /,
    );
  });

  it('kafka.timeout: runs for a simulated day and never prints its summary', async () => {
    const state = createKafkaState();
    await runTool(kafkaTools, state, create());
    state.faults.set(KafkaFault.timeout, { times: 1 });
    const out = await runTool(kafkaTools, state, producerCmd({ records: 5_000_000 }));
    expect(out.durationMs).toBeGreaterThan(3_600_000);
    const parsed = parseProducerOutput(out.stdout);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.userMessage).toMatch(/2 progress line\(s\) but no final summary/);
  });
});
