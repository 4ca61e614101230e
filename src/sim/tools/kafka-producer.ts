import type { SimExecOutcome, SimTool } from '../types.js';
import { parseArgparse, readDouble, readLong } from './kafka-args.js';
import {
  clusterOf,
  formatLogDate,
  readBrokerSettings,
  type SimCluster,
  type SimTopic,
} from './kafka-cluster.js';
import {
  crashOutcome,
  KafkaFault,
  stackTrace,
  topicMissingOutcome,
  unreachableOutcome,
} from './kafka-faults.js';
import type { Acks } from './kafka-model.js';
import { renderProducerRun } from './kafka-producer-output.js';

/** `kafka-producer-perf-test.sh` (ProducerPerformance, argparse4j), as in Kafka 3.x. */
const SPEC = {
  '--topic': 1,
  '--num-records': 1,
  '--record-size': 1,
  '--payload-file': 1,
  '--payload-monotonic': 0,
  '--payload-delimiter': 1,
  '--throughput': 1,
  '--producer-props': '+',
  '--command-property': '+',
  '--producer.config': 1,
  '--command-config': 1,
  '--print-metrics': 0,
  '--transactional-id': 1,
  '--transaction-duration-ms': 1,
  '--warmup-records': 1,
  '-h': 0,
  '--help': 0,
} as const;

const USAGE =
  'usage: producer-performance [-h] --topic TOPIC --num-records NUM-RECORDS [--payload-delimiter PAYLOAD-DELIMITER] ' +
  '--throughput THROUGHPUT [--producer-props PROP-NAME=PROP-VALUE [PROP-NAME=PROP-VALUE ...]] ' +
  '[--producer.config CONFIG-FILE] [--print-metrics] [--transactional-id TRANSACTIONAL-ID] ' +
  '[--transaction-duration-ms TRANSACTION-DURATION] [--warmup-records WARMUP-RECORDS] ' +
  '(--record-size RECORD-SIZE | --payload-file PAYLOAD-FILE | --payload-monotonic)';

export interface ProducerArgs {
  topic: string;
  numRecords: number;
  recordSize: number;
  throughput: number;
  acks: Acks;
  bootstrap: string;
  printMetrics: boolean;
}

/** The simulated day a `kafka.timeout` run takes: far beyond any exec timeout. */
const STUCK_MS = 24 * 3600 * 1000;

export const producerPerfTest: SimTool = (argv, ctx) => {
  const args = readArgs(argv.slice(1));
  if ('exitCode' in args) return args;
  const cluster = clusterOf(ctx.state);
  const faults = ctx.state.faults;
  if (faults.take(KafkaFault.unreachable))
    return unreachableOutcome('Producer', args.bootstrap, args.topic, cluster.nowMs);
  const exit = faults.take(KafkaFault.exit);
  if (exit) return crashOutcome('Producer', typeof exit.exitCode === 'number' ? exit.exitCode : 1);
  const settings = readBrokerSettings(ctx);
  if (faults.take(KafkaFault.topicMissing)) return topicMissingOutcome(args.topic, cluster.nowMs);
  const found = topicFor(args.topic, cluster, settings.autoCreateTopics);
  if (found === undefined) return topicMissingOutcome(args.topic, cluster.nowMs);
  const run = renderProducerRun(args, found.topic, settings, () => ctx.state.random());
  found.topic.records += args.numRecords;
  found.topic.recordSize = args.recordSize;
  cluster.nowMs += run.durationMs;
  const stderr = found.created ? autoCreateWarning(args.topic, cluster) : '';
  if (faults.take(KafkaFault.timeout)) {
    // Stuck after its first windows: the caller's exec timeout ends it, with no summary printed.
    const windows = run.stdout.split('\n').filter((line) => line.endsWith('max latency.'));
    return {
      stdout: windows
        .slice(0, 2)
        .map((l) => `${l}\n`)
        .join(''),
      stderr,
      exitCode: 0,
      durationMs: STUCK_MS,
    };
  }
  const short = faults.take(KafkaFault.shortSend);
  if (short) {
    const fraction = typeof short.fraction === 'number' ? short.fraction : 0.7;
    return {
      stdout: shortSummary(run.stdout, args, fraction),
      stderr,
      exitCode: 0,
      durationMs: run.durationMs,
    };
  }
  return { stdout: run.stdout, stderr, exitCode: 0, durationMs: run.durationMs };
};

/** The summary line counts only what was sent; the expired batches are printed by the send callback. */
function shortSummary(stdout: string, args: { numRecords: number; topic: string }, fraction: number): string {
  const sent = Math.round(args.numRecords * fraction);
  const expired = `org.apache.kafka.common.errors.TimeoutException: Expiring ${args.numRecords - sent} record(s) for ${args.topic}-0:120002 ms has passed since batch creation`;
  const lines = stdout.trimEnd().split('\n');
  const at = lines.findLastIndex((line) => line.endsWith('99.9th.'));
  if (at < 0) return stdout;
  lines.splice(at, 1, expired, (lines[at] ?? '').replace(/^\d+ records sent/, `${sent} records sent`));
  return `${lines.join('\n')}\n`;
}

/** Kafka creates a missing topic on first use when `auto.create.topics.enable` (the default). */
function topicFor(
  name: string,
  cluster: SimCluster,
  autoCreate: boolean,
): { topic: SimTopic; created: boolean } | undefined {
  const existing = cluster.topics.get(name);
  if (existing) return { topic: existing, created: false };
  if (!autoCreate) return undefined;
  const topic: SimTopic = { partitions: 1, replicationFactor: 1, records: 0, recordSize: 0 };
  cluster.topics.set(name, topic);
  return { topic, created: true };
}

function autoCreateWarning(topic: string, cluster: SimCluster): string {
  return `${formatLogDate(cluster.nowMs)} WARN [Producer clientId=perf-producer-client] Error while fetching metadata with correlation id 1 : {${topic}=LEADER_NOT_AVAILABLE} (org.apache.kafka.clients.NetworkClient)\n`;
}

function readArgs(argv: readonly string[]): ProducerArgs | SimExecOutcome {
  const parsed = parseArgparse(argv, SPEC);
  if (!parsed.ok) return usageError(parsed.error);
  const { values, lists, flags } = parsed.value;
  for (const required of ['--topic', '--num-records', '--throughput']) {
    if (!values.has(required)) return usageError(`argument ${required} is required`);
  }
  const numRecords = readLong(values.get('--num-records'));
  if (numRecords === undefined)
    return usageError(`argument --num-records: could not convert '${values.get('--num-records')}' to Long`);
  const throughput = readDouble(values.get('--throughput'));
  if (throughput === undefined)
    return usageError(`argument --throughput: could not convert '${values.get('--throughput')}' to Double`);
  if (values.has('--payload-file') || flags.has('--payload-monotonic')) {
    return javaCrash('java.lang.IllegalArgumentException: File does not exist or empty file provided.');
  }
  const recordSize = readLong(values.get('--record-size'));
  if (!values.has('--record-size')) {
    return usageError('one of the arguments --record-size --payload-file --payload-monotonic is required');
  }
  if (recordSize === undefined)
    return usageError(
      `argument --record-size: could not convert '${values.get('--record-size')}' to Integer`,
    );
  if (numRecords <= 0) return usageError('--num-records should be greater than zero');
  if (recordSize <= 0) return usageError('--record-size should be greater than zero');
  const propList = [...(lists.get('--producer-props') ?? []), ...(lists.get('--command-property') ?? [])];
  if (propList.length === 0 && !values.has('--producer.config')) {
    return usageError('Either --producer-props or --producer.config must be specified.');
  }
  if (values.has('--producer.config'))
    return javaCrash(`java.nio.file.NoSuchFileException: ${values.get('--producer.config')}`);
  return readProps(propList, {
    topic: values.get('--topic') ?? '',
    numRecords,
    recordSize,
    throughput,
    printMetrics: flags.has('--print-metrics'),
  });
}

function readProps(
  list: readonly string[],
  base: Omit<ProducerArgs, 'acks' | 'bootstrap'>,
): ProducerArgs | SimExecOutcome {
  const props = new Map<string, string>();
  for (const prop of list) {
    const pieces = prop.split('=');
    if (pieces.length !== 2)
      return javaCrash(`java.lang.IllegalArgumentException: Invalid property: ${prop}`);
    props.set(pieces[0] ?? '', pieces[1] ?? '');
  }
  const bootstrap = props.get('bootstrap.servers');
  if (bootstrap === undefined || bootstrap === '') {
    return javaCrash(
      'org.apache.kafka.common.config.ConfigException: Missing required configuration "bootstrap.servers" which has no default value.',
    );
  }
  const acks = props.get('acks') ?? 'all';
  if (!['all', '-1', '0', '1'].includes(acks)) {
    return javaCrash(
      `org.apache.kafka.common.config.ConfigException: Invalid value ${acks} for configuration acks: String must be one of: all, -1, 0, 1`,
    );
  }
  return { ...base, bootstrap, acks: acks === '-1' ? 'all' : (acks as Acks) };
}

/** argparse4j's `handleError`: the usage line and `prog: error: message` on stderr, exit 1. */
function usageError(message: string): SimExecOutcome {
  return {
    stdout: '',
    stderr: `${USAGE}\nproducer-performance: error: ${message}\n`,
    exitCode: 1,
    durationMs: 400,
  };
}

function javaCrash(headline: string): SimExecOutcome {
  const trace = stackTrace(`Exception in thread "main" ${headline}`, [
    'org.apache.kafka.tools.ProducerPerformance.start(ProducerPerformance.java:79)',
    'org.apache.kafka.tools.ProducerPerformance.main(ProducerPerformance.java:60)',
  ]);
  return { stdout: '', stderr: `${trace.join('\n')}\n`, exitCode: 1, durationMs: 500 };
}
