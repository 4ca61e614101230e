import type { SimProblems } from '../kube/problems.js';
import type { SimExecContext, SimExecOutcome, SimTool } from '../types.js';
import { type ParsedArgs, parseJopt, readLong } from './kafka-args.js';
import { clusterOf, formatLogDate, readBrokerSettings, type SimCluster } from './kafka-cluster.js';
import { KafkaFault, unreachableOutcome } from './kafka-faults.js';

/**
 * `kafka-topics.sh` (TopicCommand, Kafka 3.x, `--bootstrap-server` only): `--create` (with
 * `--if-not-exists`), `--list`, `--describe`, `--delete` on the simulated cluster's topics.
 */
const SPEC = {
  'bootstrap-server': 1,
  'command-config': 1,
  create: 0,
  list: 0,
  describe: 0,
  delete: 0,
  alter: 0,
  topic: 1,
  partitions: 1,
  'replication-factor': 1,
  'if-not-exists': 0,
  'if-exists': 0,
  'under-replicated-partitions': 0,
  config: 1,
  help: 0,
  version: 0,
} as const;
const ACTIONS = ['create', 'list', 'describe', 'delete', 'alter'] as const;
/** Broker defaults `num.partitions` and `default.replication.factor` used when the flags are left out. */
const DEFAULT_PARTITIONS = 1;
const DEFAULT_REPLICATION = 1;

export const kafkaTopics: SimTool = (argv, ctx) => {
  const parsed = parseJopt(argv.slice(1), SPEC);
  if (!parsed.ok) return usage(parsed.error);
  const args = parsed.value;
  const bootstrap = args.values.get('bootstrap-server');
  if (bootstrap === undefined) return usage('Missing required argument "[bootstrap-server]"');
  const actions = ACTIONS.filter((a) => args.flags.has(a));
  if (actions.length !== 1) {
    return usage(
      'Command must include exactly one action: --list, --describe, --create, --alter or --delete',
    );
  }
  const cluster = clusterOf(ctx.state);
  const topic = args.values.get('topic') ?? '';
  if (ctx.state.faults.take(KafkaFault.unreachable)) {
    return unreachableOutcome('AdminClient', bootstrap, topic, cluster.nowMs);
  }
  if (actions[0] === 'list') return done([...cluster.topics.keys()].sort().join('\n'));
  if (actions[0] === 'describe' && args.flags.has('under-replicated-partitions'))
    return done(underReplicated(ctx, topic));
  if (topic === '') return usage('Missing required argument "[topic]"');
  if (actions[0] === 'create') return create(args, topic, cluster, ctx);
  if (!cluster.topics.has(topic)) {
    if (args.flags.has('if-exists')) return done('');
    return commandError(
      cluster,
      `Topic '${topic}' does not exist as expected`,
      'java.lang.IllegalArgumentException',
    );
  }
  if (actions[0] === 'delete') {
    cluster.topics.delete(topic);
    return done('');
  }
  return done(describe(topic, cluster));
};

function create(args: ParsedArgs, topic: string, cluster: SimCluster, ctx: SimExecContext): SimExecOutcome {
  const partitions = readLong(args.values.get('partitions') ?? String(DEFAULT_PARTITIONS));
  const replication = readLong(args.values.get('replication-factor') ?? String(DEFAULT_REPLICATION));
  if (partitions === undefined || replication === undefined) {
    return usage(
      `Cannot parse argument '${args.values.get('partitions') ?? args.values.get('replication-factor')}'`,
    );
  }
  if (partitions < 1) return usage('The partitions must be greater than 0');
  if (replication < 1) return usage('The replication factor must be greater than 0');
  if (cluster.topics.has(topic)) {
    if (args.flags.has('if-not-exists')) return done('');
    return commandError(
      cluster,
      `Topic '${topic}' already exists.`,
      'org.apache.kafka.common.errors.TopicExistsException',
    );
  }
  const brokers = readBrokerSettings(ctx).brokers;
  if (replication > brokers) {
    return commandError(
      cluster,
      `Replication factor: ${replication} larger than available brokers: ${brokers}.`,
      'org.apache.kafka.common.errors.InvalidReplicationFactorException',
    );
  }
  cluster.topics.set(topic, { partitions, replicationFactor: replication, records: 0, recordSize: 0 });
  return done(`Created topic ${topic}.`);
}

function describe(topic: string, cluster: SimCluster): string {
  const t = cluster.topics.get(topic);
  if (t === undefined) return '';
  const lines = [
    `Topic: ${topic}\tTopicId: 3Xq1hQ0mT9e8sJm4Yp2cBw\tPartitionCount: ${t.partitions}\tReplicationFactor: ${t.replicationFactor}\tConfigs: `,
  ];
  for (let p = 0; p < t.partitions; p++) {
    const replicas = Array.from({ length: t.replicationFactor }, (_, i) => (p + i) % 3).join(',');
    lines.push(
      `\tTopic: ${topic}\tPartition: ${p}\tLeader: ${p % 3}\tReplicas: ${replicas}\tIsr: ${replicas}`,
    );
  }
  return lines.join('\n');
}

/** `--describe --under-replicated-partitions`: one line per partition whose ISR is short, no topic header. */
function underReplicated(ctx: SimExecContext, topic: string): string {
  const partitions = (ctx.state as { problems?: SimProblems }).problems?.kafka.underReplicated ?? [];
  return partitions
    .filter((p) => topic === '' || p.topic === topic)
    .map(
      (p) =>
        `\tTopic: ${p.topic}\tPartition: ${p.partition}\tLeader: ${p.leader}\tReplicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}`,
    )
    .join('\n');
}

function done(stdout: string): SimExecOutcome {
  return { stdout: stdout === '' ? '' : `${stdout}\n`, stderr: '', exitCode: 0, durationMs: 1200 };
}

/** TopicCommand prints the message on stdout and logs the exception at ERROR on stderr, then exits 1. */
function commandError(cluster: SimCluster, message: string, exception: string): SimExecOutcome {
  return {
    stdout: `Error while executing topic command : ${message}\n`,
    stderr: `${formatLogDate(cluster.nowMs)} ERROR ${exception}: ${message}\n (org.apache.kafka.tools.TopicCommand)\n`,
    exitCode: 1,
    durationMs: 1500,
  };
}

/** joptsimple problems: the message, then the usage, exit 1 (CommandLineUtils.printUsageAndExit). */
function usage(message: string): SimExecOutcome {
  return {
    stdout: '',
    stderr: `${message}\nThis tool helps to create, delete, describe, or change a topic.\nOption                                   Description\n------                                   -----------\n--bootstrap-server <String: server to    REQUIRED: The Kafka server to connect\n  connect to>                              to.\n`,
    exitCode: 1,
    durationMs: 600,
  };
}
