import type { BaselineOptions } from '../../commands/command.js';
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
