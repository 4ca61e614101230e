import type { BrokerSettings, SimTopic } from './kafka-cluster.js';
import { jitter, type LoadParams, produceCapacity, produceLatency } from './kafka-model.js';
import type { ProducerArgs } from './kafka-producer.js';

/**
 * What ProducerPerformance prints for a run: a window line per ~5 s (`Stats.printWindow`), then the
 * summary (`Stats.printTotal`), then with `--print-metrics` a few rows of the metrics table.
 */
const MIB = 1024 * 1024;
const WINDOW_MS = 5000;
/** A run's simulated duration is capped, so that a huge `--num-records` still answers in a demo. */
const MAX_DURATION_MS = 300_000;

export interface ProducerRun {
  stdout: string;
  durationMs: number;
  recordsPerSec: number;
}

export function renderProducerRun(
  args: ProducerArgs,
  topic: SimTopic,
  settings: BrokerSettings,
  random: () => number,
): ProducerRun {
  const params: LoadParams = {
    recordSize: args.recordSize,
    throughput: args.throughput,
    acks: args.acks,
    partitions: topic.partitions,
    replicationFactor: topic.replicationFactor,
  };
  const capacity = produceCapacity(settings, params) * jitter(random, 0.04);
  // A throttled producer lands just under its cap (ThroughputThrottler sleeps a little too long).
  const cap = args.throughput > 0 ? args.throughput * (0.996 + 0.003 * random()) : Number.POSITIVE_INFINITY;
  const rate = Math.min(capacity, cap);
  const durationMs = Math.min(MAX_DURATION_MS, Math.max(50, (args.numRecords / rate) * 1000));
  const lat = produceLatency(settings, params, rate, capacity);
  const { lines, windowMax } = windowLines(args, rate, lat.avgMs, lat.maxMs, durationMs, random);
  const avg = lat.avgMs * jitter(random, 0.03);
  // The run's max is the largest latency seen, so never below a window's max.
  const max = Math.max(windowMax, Math.round(lat.maxMs * jitter(random, 0.1)));
  const pcts = [lat.p50Ms, lat.p95Ms, lat.p99Ms, lat.p999Ms].map((v) =>
    Math.min(max, Math.round(v * jitter(random, 0.03))),
  );
  const [p50 = 0, p95 = 0, p99 = 0, p999 = 0] = pcts;
  const mb = (rate * args.recordSize) / MIB;
  lines.push(
    `${args.numRecords} records sent, ${rate.toFixed(6)} records/sec (${mb.toFixed(2)} MB/sec), ${avg.toFixed(2)} ms avg latency, ` +
      `${max.toFixed(2)} ms max latency, ${p50} ms 50th, ${p95} ms 95th, ${p99} ms 99th, ${p999} ms 99.9th.`,
  );
  if (args.printMetrics) lines.push(...metricsTable(rate, args.recordSize, avg));
  return { stdout: `${lines.join('\n')}\n`, durationMs: Math.round(durationMs), recordsPerSec: rate };
}

function windowLines(
  args: ProducerArgs,
  rate: number,
  avgMs: number,
  maxMs: number,
  durationMs: number,
  random: () => number,
): { lines: string[]; windowMax: number } {
  const lines: string[] = [];
  let sent = 0;
  let windowMax = 0;
  for (let t = WINDOW_MS; t < durationMs; t += WINDOW_MS) {
    const elapsed = WINDOW_MS + Math.floor(random() * 40);
    // The first window is slower: metadata, connections and the JIT warming up.
    const windowRate = rate * (lines.length === 0 ? 0.8 : jitter(random, 0.03));
    const count = Math.min(args.numRecords - sent - 1, Math.round((windowRate * elapsed) / 1000));
    if (count <= 0) break;
    sent += count;
    const recsPerSec = (1000 * count) / elapsed;
    const mb = (recsPerSec * args.recordSize) / MIB;
    const avg = avgMs * (lines.length === 0 ? 1.3 : jitter(random, 0.08));
    const max = Math.max(Math.ceil(avg), Math.round(maxMs * (0.6 + 0.4 * random())));
    windowMax = Math.max(windowMax, max);
    lines.push(
      `${count} records sent, ${recsPerSec.toFixed(1)} records/sec (${mb.toFixed(2)} MB/sec), ${avg.toFixed(1)} ms avg latency, ${max.toFixed(1)} ms max latency.`,
    );
  }
  return { lines, windowMax };
}

function metricsTable(rate: number, recordSize: number, avgMs: number): string[] {
  const tag = '{client-id=perf-producer-client}';
  const rows: [string, string][] = [
    [`app-info:version:${tag}`, '3.7.0'],
    [`producer-metrics:batch-size-avg:${tag}`, (16384 * 0.95).toFixed(3)],
    [`producer-metrics:outgoing-byte-rate:${tag}`, (rate * recordSize * 1.02).toFixed(3)],
    [`producer-metrics:record-queue-time-avg:${tag}`, (avgMs * 0.85).toFixed(3)],
    [`producer-metrics:record-send-rate:${tag}`, rate.toFixed(3)],
    [`producer-metrics:request-latency-avg:${tag}`, (avgMs * 0.05 + 2).toFixed(3)],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  return [
    '',
    `${'Metric Name'.padEnd(width)} Value`,
    ...rows.map(([name, value]) => `${name.padEnd(width)} : ${value}`),
  ];
}
