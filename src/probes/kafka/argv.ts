import type { BaselineOptions } from '../../commands/options.js';
import type { PlatformConfig } from '../../config/platform.js';

/**
 * The Kafka tools' argument vectors (never a shell string: DESIGN.md, "Changes to the cluster").
 * Every value comes from perfbot.yaml or the validated baseline options.
 */
export type KafkaConfig = PlatformConfig['services']['kafka'];

export interface KafkaParams {
  topic: string;
  records: number;
  recordSize: number;
  /** records/s cap; -1 unthrottled. */
  throughput: number;
  acks: '0' | '1' | 'all';
  partitions: number;
  replicationFactor: number;
}

/** The user's options override the config's defaults. */
export function resolveParams(cfg: KafkaConfig, options: BaselineOptions): KafkaParams {
  return {
    topic: cfg.topic,
    records: options.records ?? cfg.records,
    recordSize: options.recordSize ?? cfg.recordSize,
    throughput: options.throughput ?? cfg.throughput,
    acks: options.acks ?? cfg.acks,
    partitions: cfg.partitions,
    replicationFactor: cfg.replicationFactor,
  };
}

const tool = (cfg: KafkaConfig, name: string) => `${cfg.binDir.replace(/\/+$/, '')}/${name}`;

/** Idempotent: `--if-not-exists` makes an existing topic a success. */
export function topicArgv(cfg: KafkaConfig, p: KafkaParams): string[] {
  return [
    tool(cfg, 'kafka-topics.sh'),
    '--create',
    '--if-not-exists',
    '--topic',
    p.topic,
    '--partitions',
    String(p.partitions),
    '--replication-factor',
    String(p.replicationFactor),
    '--bootstrap-server',
    cfg.bootstrapServer,
  ];
}

export function producerArgv(cfg: KafkaConfig, p: KafkaParams): string[] {
  return [
    tool(cfg, 'kafka-producer-perf-test.sh'),
    '--topic',
    p.topic,
    '--num-records',
    String(p.records),
    '--record-size',
    String(p.recordSize),
    '--throughput',
    String(p.throughput),
    '--producer-props',
    `acks=${p.acks}`,
    `bootstrap.servers=${cfg.bootstrapServer}`,
  ];
}

/**
 * A fresh `--group` per run, so that each run reads from the earliest offset and joins a new group
 * (its rebalance time is then comparable between runs). `--timeout` is the longest pause between
 * two fetched batches, not a limit on the whole run.
 *
 * What it reads: the topic only grows (runs and baselines append to it until retention deletes old
 * segments), and a new group starts at the earliest retained offsets, so the consumer reads the
 * oldest `--messages` records, not those just produced. `--messages` is this run's `records`, and
 * the producer has just appended that many, so the count is always there to read: each run reads
 * the same number of records and ends when it has, whatever the topic's size. Its MB/s counts the
 * bytes it really read, which differ from records × record-size when an older baseline used another
 * `--record-size`, and those older records may come from disk rather than the page cache: the
 * consumer figures describe reading back a retained log, which is what a lagging or replaying
 * consumer does. `--from-latest` would read nothing (a new group starts after the records just
 * produced), so it is not used.
 */
export function consumerArgv(cfg: KafkaConfig, p: KafkaParams, group: string, timeoutMs: number): string[] {
  return [
    tool(cfg, 'kafka-consumer-perf-test.sh'),
    cfg.consumerBrokerFlag,
    cfg.bootstrapServer,
    '--topic',
    p.topic,
    '--messages',
    String(p.records),
    '--timeout',
    String(timeoutMs),
    '--group',
    group,
  ];
}
