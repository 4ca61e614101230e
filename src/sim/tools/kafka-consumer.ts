import type { SimExecContext, SimExecOutcome, SimTool } from '../types.js';
import { type ParsedArgs, parseJopt, readLong } from './kafka-args.js';
import { type BrokerSettings, clusterOf, readBrokerSettings, versionAtLeast } from './kafka-cluster.js';
import { renderConsumerRun } from './kafka-consumer-output.js';
import { crashOutcome, KafkaFault, stackTrace, unreachableOutcome } from './kafka-faults.js';

/**
 * `kafka-consumer-perf-test.sh` (ConsumerPerformance, joptsimple). Which broker flag it knows follows
 * the simulated version, read from the broker image tag (default 3.7):
 * - before 2.5: only `--broker-list`;
 * - 2.5 to 3.x: `--bootstrap-server`, and `--broker-list` still accepted as deprecated (ignored when
 *   `--bootstrap-server` is also given);
 * - 4.0 and later: `--broker-list` is gone (`broker-list is not a recognized option`).
 */
function specFor(v: BrokerSettings['version']): Record<string, 0 | 1> {
  const spec: Record<string, 0 | 1> = {
    topic: 1,
    include: 1,
    group: 1,
    'fetch-size': 1,
    'from-latest': 0,
    'socket-buffer-size': 1,
    'consumer.config': 1,
    'print-metrics': 0,
    'show-detailed-stats': 0,
    timeout: 1,
    messages: 1,
    'reporting-interval': 1,
    'date-format': 1,
    'hide-header': 0,
    threads: 1,
    'num-fetch-threads': 1,
    help: 0,
    version: 0,
  };
  if (versionAtLeast(v, 2, 5)) spec['bootstrap-server'] = 1;
  if (!versionAtLeast(v, 4, 0)) spec['broker-list'] = 1;
  return spec;
}

export interface ConsumerArgs {
  bootstrap: string;
  topic: string;
  messages: number;
  timeoutMs: number;
  reportingIntervalMs: number;
  hideHeader: boolean;
  detailed: boolean;
  fromLatest: boolean;
}

/** ConsumerPerformance's `--timeout` default: the longest wait between two returned records. */
const DEFAULT_TIMEOUT_MS = 10_000;

export const consumerPerfTest: SimTool = (argv, ctx) => {
  const settings = readBrokerSettings(ctx);
  const args = readArgs(argv.slice(1), settings);
  if ('exitCode' in args) return args;
  const cluster = clusterOf(ctx.state);
  const faults = ctx.state.faults;
  if (faults.take(KafkaFault.unreachable))
    return unreachableOutcome('Consumer', args.bootstrap, args.topic, cluster.nowMs);
  const exit = faults.take(KafkaFault.exit);
  if (exit) return crashOutcome('Consumer', typeof exit.exitCode === 'number' ? exit.exitCode : 1);
  return consume(args, settings, ctx);
};

function consume(args: ConsumerArgs, settings: BrokerSettings, ctx: SimExecContext): SimExecOutcome {
  const cluster = clusterOf(ctx.state);
  const topic = cluster.topics.get(args.topic);
  const run = renderConsumerRun(args, topic, settings, cluster.nowMs, () => ctx.state.random());
  cluster.nowMs += run.durationMs;
  return { stdout: run.stdout, stderr: '', exitCode: 0, durationMs: run.durationMs };
}

function readArgs(argv: readonly string[], settings: BrokerSettings): ConsumerArgs | SimExecOutcome {
  const parsed = parseJopt(argv, specFor(settings.version));
  if (!parsed.ok) return usage(parsed.error);
  const { values, flags } = parsed.value;
  // Since 2.5 `--bootstrap-server` wins; `--broker-list` only counts when it is alone (deprecated).
  const bootstrap = values.get('bootstrap-server') ?? values.get('broker-list');
  if (bootstrap === undefined) {
    return usage(
      `Missing required argument "[${versionAtLeast(settings.version, 2, 5) ? 'bootstrap-server' : 'broker-list'}]"`,
    );
  }
  if (!values.has('messages')) return usage('Missing required argument "[messages]"');
  if (!values.has('topic'))
    return usage('Exactly one of the following arguments is required: [topic, include]');
  const numbers = readNumbers(parsed.value);
  if ('exitCode' in numbers) return numbers;
  if (values.has('consumer.config')) {
    const trace = stackTrace(`java.nio.file.NoSuchFileException: ${values.get('consumer.config')}`, [
      'org.apache.kafka.common.utils.Utils.loadProps(Utils.java:669)',
    ]);
    return {
      stdout: '',
      stderr: `${values.get('consumer.config')}\n${trace.join('\n')}\n`,
      exitCode: 1,
      durationMs: 400,
    };
  }
  return {
    bootstrap,
    topic: values.get('topic') ?? '',
    ...numbers,
    hideHeader: flags.has('hide-header'),
    detailed: flags.has('show-detailed-stats'),
    fromLatest: flags.has('from-latest'),
  };
}

function readNumbers(
  args: ParsedArgs,
): Pick<ConsumerArgs, 'messages' | 'timeoutMs' | 'reportingIntervalMs'> | SimExecOutcome {
  const read = (name: string, fallback: number) => {
    const text = args.values.get(name);
    return text === undefined ? fallback : readLong(text);
  };
  const messages = read('messages', 0);
  const timeoutMs = read('timeout', DEFAULT_TIMEOUT_MS);
  const reportingIntervalMs = read('reporting-interval', 5000);
  for (const [name, value] of [
    ['messages', messages],
    ['timeout', timeoutMs],
    ['reporting-interval', reportingIntervalMs],
  ] as const) {
    if (value === undefined)
      return usage(`Cannot parse argument '${args.values.get(name)}' of option ${name}`);
  }
  return {
    messages: messages ?? 0,
    timeoutMs: timeoutMs ?? DEFAULT_TIMEOUT_MS,
    reportingIntervalMs: reportingIntervalMs ?? 5000,
  };
}

/** CommandLineUtils.printUsageAndExit: the message and the option help on stderr, exit 1. */
function usage(message: string): SimExecOutcome {
  const help = [
    'This tool is used to verify the consumer performance.',
    'Option                                   Description',
    '------                                   -----------',
    '--bootstrap-server <String: server to    REQUIRED unless --broker-list',
    '  connect to>                              (deprecated) is specified. The server',
    '                                           (s) to connect to.',
  ];
  return { stdout: '', stderr: `${message}\n${help.join('\n')}\n`, exitCode: 1, durationMs: 400 };
}
