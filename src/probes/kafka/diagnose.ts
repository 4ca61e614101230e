import { PerfError } from '../../errors.js';
import { lastLines, splitLines } from './output.js';

/**
 * Turns a failed Kafka tool run into a `PerfError` whose message names the cause in plain words and
 * what to check. Causes are recognised by the exception names and client log lines the Kafka clients
 * print (they are stable across versions); the first rule that matches wins, so the most specific
 * come first.
 */
export interface FailedRun {
  /** Program basename, e.g. `kafka-producer-perf-test.sh`. */
  tool: string;
  /** The probe step: `create topic`, `produce`, `consume`. */
  step: string;
  output: string;
  exitCode: number;
  topic: string;
  bootstrapServer: string;
  replicationFactor: number;
}

interface Rule {
  pattern: RegExp;
  retryable: boolean;
  explain(run: FailedRun, line: string): string;
}

const RULES: readonly Rule[] = [
  {
    pattern: /No resolvable bootstrap urls/,
    retryable: false,
    explain: (r) =>
      `The bootstrap address ${r.bootstrapServer} does not resolve inside the broker pod. ` +
      'Check services.kafka.bootstrapServer in perfbot.yaml.',
  },
  {
    pattern:
      /Connection to node -?\d+ .*could not be established|Bootstrap broker .* disconnected|Connection refused/,
    retryable: true,
    explain: (r) =>
      `The Kafka brokers are unreachable: ${r.tool} could not connect to ${r.bootstrapServer}. ` +
      'Check that the broker pods are running and ready, and that services.kafka.bootstrapServer is the ' +
      'address they listen on inside the pod.',
  },
  {
    pattern: /UnknownTopicOrPartition|UNKNOWN_TOPIC_OR_PARTITION|does not exist as expected/,
    retryable: false,
    explain: (r) =>
      `The topic ${r.topic} does not exist on the brokers. perfbot creates it before the runs: check that ` +
      'nothing deleted it meanwhile and that services.kafka.topic is right (with auto.create.topics.enable=false ' +
      'it must exist).',
  },
  {
    pattern: /TopicExistsException/,
    retryable: false,
    explain: (r) =>
      `The topic ${r.topic} already exists and the tool was run without --if-not-exists. ` +
      'Delete the topic or let perfbot reuse it.',
  },
  {
    pattern: /InvalidReplicationFactorException/,
    retryable: false,
    explain: (r, line) =>
      `The replication factor ${r.replicationFactor} is larger than the number of live brokers (${tail(line)}). ` +
      'Lower services.kafka.replicationFactor, or check that every broker pod is up.',
  },
  {
    pattern: /is not a recognized option/,
    retryable: false,
    explain: (r, line) =>
      `${r.tool} rejected a flag (${line.trim()}). If it is --broker-list or --bootstrap-server, this Kafka ` +
      'version needs the other one: set services.kafka.consumerBrokerFlag (--broker-list before Kafka 2.5, ' +
      '--bootstrap-server from 2.5 on; Kafka 4 no longer has --broker-list).',
  },
  {
    pattern: /OutOfMemoryError/,
    retryable: false,
    explain: (r) =>
      `${r.tool} ran out of memory (java.lang.OutOfMemoryError). Lower --records or --record-size, or give ` +
      'the tool more heap (KAFKA_HEAP_OPTS in the pod).',
  },
  {
    pattern: /TimeoutException/,
    retryable: true,
    explain: (r, line) =>
      `The Kafka client in ${r.tool} timed out waiting for the brokers (${tail(line)}). The brokers may be ` +
      'down, overloaded or without leaders for the topic: check the broker pods and their logs.',
  },
  {
    pattern: /producer-performance: error:|Missing required argument/,
    retryable: false,
    explain: (r, line) =>
      `${r.tool} rejected its arguments: ${line.trim()}. This is a perfbot bug; please report it.`,
  },
];

/** The cause of a failed run, or `undefined` when the output shows none of the known ones. */
export function diagnoseKnownCause(run: FailedRun): PerfError | undefined {
  const lines = splitLines(run.output);
  for (const rule of RULES) {
    const line = lines.find((l) => rule.pattern.test(l));
    if (line !== undefined) return toError(run, rule.explain(run, line), rule.retryable);
  }
  return undefined;
}

/** Always an error: a known cause, or the exit code with the tool's first exception headline. */
export function diagnoseFailure(run: FailedRun): PerfError {
  const known = diagnoseKnownCause(run);
  if (known) return known;
  const lines = splitLines(run.output).filter((l) => l.trim() !== '');
  const headline =
    lines.find((l) => /Exception|Error/.test(l) && !/^\s+at /.test(l)) ?? lines.at(-1) ?? '(no output)';
  return toError(run, `${run.tool} exited with code ${run.exitCode}: ${tail(headline)}`, false);
}

function toError(run: FailedRun, userMessage: string, retryable: boolean): PerfError {
  return new PerfError('probe_failed', `kafka ${run.step} failed: ${run.tool} exit ${run.exitCode}`, {
    userMessage,
    retryable,
    context: { service: 'kafka', step: run.step, exitCode: run.exitCode, lastLines: lastLines(run.output) },
  });
}

/** The message part of an exception line, without the class name and log prefix, cut to 300 chars. */
function tail(line: string): string {
  const message = line.replace(/^.*(Exception|Error): /, '').trim() || line.trim();
  return message.length > 300 ? `${message.slice(0, 297)}…` : message;
}
