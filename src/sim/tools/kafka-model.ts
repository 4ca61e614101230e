import type { BrokerSettings } from './kafka-cluster.js';

/**
 * The simulated cluster's performance model. It is not a benchmark of Kafka: it is shaped so that
 * the knobs a tuning change sets move the numbers the way they move on a real cluster, with the
 * runbook's platform (3 brokers, 1 GB heap, 6 partitions, acks=all, 1 KB records) landing near
 * 85k records/s, under the 100k target, and a tuned one (4 GB heap, more threads) above it.
 */
export type Acks = '0' | '1' | 'all';

export interface LoadParams {
  recordSize: number;
  /** records/s cap; -1 (or 0) for unthrottled. */
  throughput: number;
  acks: Acks;
  partitions: number;
  replicationFactor: number;
}

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
/** Produce bandwidth of the whole cluster with every factor at 1, in MB/s. */
const BASE_PRODUCE_MB = 230;
const BASE_CONSUME_MB = 320;
/** Per-record cost of the client and broker, in seconds: bounds the rate of tiny records. */
const RECORD_OVERHEAD_S = 1e-6;
/** The producer's `buffer.memory` default: an unthrottled producer keeps it full, which sets its latency. */
const BUFFER_MEMORY = 32 * MIB;

/** More heap helps up to ~4 GB (page cache does the rest); past ~8 GB longer GC pauses take some back. */
export function heapFactor(heapBytes: number): number {
  const gb = heapBytes / GIB;
  const gain = 0.55 + 0.45 * Math.min(1, gb / 4);
  return Math.max(0.4, gain - Math.max(0, gb - 8) * 0.02);
}

/** `num.network.threads` saturates around 6, `num.io.threads` around 16. */
export function threadFactor(networkThreads: number, ioThreads: number): number {
  const network = 0.85 + 0.15 * Math.min(1, (networkThreads - 1) / 5);
  const io = 0.9 + 0.1 * Math.min(1, ioThreads / 16);
  return network * io;
}

/** More partitions spread the load over brokers and request pipelines, up to about 12. */
export function partitionFactor(partitions: number): number {
  return Math.min(1, 0.45 + (0.55 * Math.log2(1 + partitions)) / Math.log2(13));
}

/** acks=all waits for every in-sync replica; acks=0 waits for nothing. */
export function acksFactor(acks: Acks, replicationFactor: number): number {
  if (acks === '0') return 1.15;
  if (acks === '1') return 1;
  return Math.max(0.6, 1 - 0.11 * (replicationFactor - 1));
}

export function produceBandwidthMb(s: BrokerSettings, p: LoadParams): number {
  return (
    BASE_PRODUCE_MB *
    heapFactor(s.heapBytes) *
    threadFactor(s.networkThreads, s.ioThreads) *
    partitionFactor(p.partitions) *
    acksFactor(p.acks, p.replicationFactor)
  );
}

/** What the cluster can take, unthrottled, in records/s. */
export function produceCapacity(s: BrokerSettings, p: LoadParams): number {
  return 1 / (RECORD_OVERHEAD_S + p.recordSize / (produceBandwidthMb(s, p) * MIB));
}

export function consumeBandwidthMb(s: BrokerSettings, partitions: number): number {
  const threads = threadFactor(s.networkThreads, s.ioThreads);
  return (
    BASE_CONSUME_MB *
    Math.sqrt(heapFactor(s.heapBytes)) *
    (0.9 + 0.1 * threads) *
    Math.sqrt(partitionFactor(partitions))
  );
}

export interface Latency {
  avgMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

/**
 * Latency at a given rate: near the floor set by acks when throttled well under capacity, and
 * ~half the buffer's drain time when unthrottled (the buffer is full). Young-GC pauses of a small
 * heap show in the tail percentiles.
 */
export function produceLatency(s: BrokerSettings, p: LoadParams, rate: number, capacity: number): Latency {
  const floor = p.acks === '0' ? 0.6 : p.acks === '1' ? 2.2 : 2.2 + 1.6 * (p.replicationFactor - 1);
  const saturated = p.throughput <= 0 || rate >= capacity * 0.98;
  const utilisation = Math.min(1, rate / capacity);
  const queueMs = saturated
    ? (0.5 * BUFFER_MEMORY * 1000) / (rate * p.recordSize)
    : floor * 6 * utilisation ** 4;
  const gcMs = 25 / heapFactor(s.heapBytes);
  const avgMs = floor + queueMs;
  const p999Ms = avgMs * 2.2 + gcMs * 2;
  return {
    avgMs,
    p50Ms: avgMs * 0.96,
    p95Ms: avgMs * 1.55 + gcMs * 0.3,
    p99Ms: avgMs * 1.9 + gcMs,
    p999Ms,
    maxMs: p999Ms * 1.12 + gcMs,
  };
}

/** 1 ± `spread`, uniform: the seeded run-to-run noise. */
export function jitter(random: () => number, spread: number): number {
  return 1 + spread * (2 * random() - 1);
}
