import type { SimExecOutcome } from '../types.js';
import { formatLogDate } from './kafka-cluster.js';

/**
 * Kafka faults the simulated tools honour (`state.faults`):
 * - `kafka.unreachable`: every tool logs that it cannot connect to the bootstrap broker, then fails
 *   with a `TimeoutException` (exit 1) after the client's 60 s `max.block.ms`/`default.api.timeout.ms`.
 * - `kafka.topic-missing`: the producer finds no such topic (`UNKNOWN_TOPIC_OR_PARTITION`), exit 1.
 * - `kafka.exit` `{ exitCode? }`: the producer or consumer dies at start-up with a stack trace (its
 *   bootstrap address does not resolve), default exit 1.
 * - `kafka.timeout`: the producer runs for a simulated day, so the caller's exec timeout fires.
 * - `kafka.short-send` `{ fraction? }`: as Kafka ≥ 3.5 does when sends expire (KAFKA-14812), the producer
 *   exits 0 but its summary counts only the records that were sent (default 70%), after `Expiring` lines.
 */
export const KafkaFault = {
  unreachable: 'kafka.unreachable',
  topicMissing: 'kafka.topic-missing',
  exit: 'kafka.exit',
  timeout: 'kafka.timeout',
  shortSend: 'kafka.short-send',
} as const;

/** The clients' default `max.block.ms` / `default.api.timeout.ms`. */
export const CLIENT_TIMEOUT_MS = 60_000;

export type ClientKind = 'Producer' | 'Consumer' | 'AdminClient';

function clientTag(kind: ClientKind): string {
  if (kind === 'Producer') return '[Producer clientId=perf-producer-client]';
  if (kind === 'Consumer') return '[Consumer clientId=perf-consumer-client, groupId=perf-consumer-group]';
  return '[AdminClient clientId=adminclient-1]';
}

/** NetworkClient's warnings while the bootstrap broker refuses connections, one pair per retry. */
export function connectionWarnings(kind: ClientKind, bootstrap: string, nowMs: number, tries = 3): string[] {
  const [host = 'localhost', port = '9092'] = (bootstrap.split(',')[0] ?? '').split(':');
  const lines: string[] = [];
  for (let i = 0; i < tries; i++) {
    const at = formatLogDate(nowMs + i * 1050);
    lines.push(
      `${at} WARN ${clientTag(kind)} Connection to node -1 (${host}/10.96.0.12:${port}) could not be established. Node may not be available. (org.apache.kafka.clients.NetworkClient)`,
      `${at} WARN ${clientTag(kind)} Bootstrap broker ${host}:${port} (id: -1 rack: null) disconnected (org.apache.kafka.clients.NetworkClient)`,
    );
  }
  return lines;
}

/** A Java stack trace as `Throwable.printStackTrace` prints it. */
export function stackTrace(headline: string, frames: readonly string[]): string[] {
  return [headline, ...frames.map((f) => `\tat ${f}`)];
}

export function unreachableOutcome(
  kind: ClientKind,
  bootstrap: string,
  topic: string,
  nowMs: number,
): SimExecOutcome {
  const warnings = connectionWarnings(kind, bootstrap, nowMs);
  const error =
    kind === 'Producer'
      ? `org.apache.kafka.common.errors.TimeoutException: Topic ${topic} not present in metadata after ${CLIENT_TIMEOUT_MS} ms.`
      : kind === 'Consumer'
        ? `org.apache.kafka.common.errors.TimeoutException: Timeout of ${CLIENT_TIMEOUT_MS}ms expired before the position for partition ${topic}-0 could be determined`
        : 'org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment. Call: createTopics';
  const stderr = [
    ...warnings,
    ...(kind === 'Consumer' ? [error.replace(/^[\w.]+: /, '')] : []),
    ...stackTrace(kind === 'AdminClient' ? error : `Exception in thread "main" ${error}`, [
      kind === 'Producer'
        ? 'org.apache.kafka.tools.ProducerPerformance.start(ProducerPerformance.java:101)'
        : kind === 'Consumer'
          ? 'org.apache.kafka.tools.ConsumerPerformance.main(ConsumerPerformance.java:80)'
          : 'org.apache.kafka.tools.TopicCommand.execute(TopicCommand.java:106)',
    ]),
  ];
  const stdout =
    kind === 'AdminClient' ? `Error while executing topic command : ${error.replace(/^[\w.]+: /, '')}\n` : '';
  return { stdout, stderr: `${stderr.join('\n')}\n`, exitCode: 1, durationMs: CLIENT_TIMEOUT_MS };
}

export function topicMissingOutcome(topic: string, nowMs: number): SimExecOutcome {
  const warnings = [1, 2, 3, 4].map(
    (id, i) =>
      `${formatLogDate(nowMs + i * 100)} WARN [Producer clientId=perf-producer-client] Error while fetching metadata with correlation id ${id} : {${topic}=UNKNOWN_TOPIC_OR_PARTITION} (org.apache.kafka.clients.NetworkClient)`,
  );
  const trace = stackTrace(
    `Exception in thread "main" org.apache.kafka.common.errors.TimeoutException: Topic ${topic} not present in metadata after ${CLIENT_TIMEOUT_MS} ms.`,
    ['org.apache.kafka.tools.ProducerPerformance.start(ProducerPerformance.java:101)'],
  );
  return {
    stdout: '',
    stderr: `${[...warnings, ...trace].join('\n')}\n`,
    exitCode: 1,
    durationMs: CLIENT_TIMEOUT_MS,
  };
}

export function crashOutcome(kind: 'Producer' | 'Consumer', exitCode: number): SimExecOutcome {
  const tool = kind === 'Producer' ? 'ProducerPerformance' : 'ConsumerPerformance';
  const trace = stackTrace(
    `Exception in thread "main" org.apache.kafka.common.KafkaException: Failed to construct kafka ${kind.toLowerCase()}`,
    [
      `org.apache.kafka.clients.${kind.toLowerCase()}.Kafka${kind}.<init>(Kafka${kind}.java:473)`,
      `org.apache.kafka.tools.${tool}.main(${tool}.java:62)`,
    ],
  );
  const cause = stackTrace(
    'Caused by: org.apache.kafka.common.config.ConfigException: No resolvable bootstrap urls given in bootstrap.servers',
    [
      'org.apache.kafka.clients.ClientUtils.parseAndValidateAddresses(ClientUtils.java:89)',
      `org.apache.kafka.clients.${kind.toLowerCase()}.Kafka${kind}.<init>(Kafka${kind}.java:420)`,
    ],
  );
  return { stdout: '', stderr: `${[...trace, ...cause].join('\n')}\n`, exitCode, durationMs: 800 };
}
