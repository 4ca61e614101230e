import type { MetricDef } from '../../results/schema.js';
import type { StatementStats } from './schema.js';
import { QUERY_STEPS, type QueryStep } from './sql.js';

/**
 * Which figures of Trino's final `StatementStats` become samples, and how they read. All come from
 * the server, not from a client-side stopwatch: `elapsedTimeMillis` is the coordinator's own
 * wall time for the query, queueing included.
 */
const FIELDS = [
  { suffix: 'elapsed_ms', field: 'elapsedTimeMillis', label: 'elapsed', unit: 'ms' },
  { suffix: 'cpu_ms', field: 'cpuTimeMillis', label: 'CPU time', unit: 'ms' },
  { suffix: 'queued_ms', field: 'queuedTimeMillis', label: 'queued', unit: 'ms' },
  { suffix: 'peak_memory_bytes', field: 'peakMemoryBytes', label: 'peak memory', unit: 'bytes' },
  // For a fixed query, fewer rows and bytes read means pruning or pushdown did its work.
  { suffix: 'processed_rows', field: 'processedRows', label: 'rows processed', unit: 'rows' },
  { suffix: 'processed_bytes', field: 'processedBytes', label: 'bytes processed', unit: 'bytes' },
  // Bytes spilled to disk: above zero, the query ran short of memory (query.max-memory-per-node).
  { suffix: 'spilled_bytes', field: 'spilledBytes', label: 'spilled', unit: 'bytes' },
] as const satisfies readonly { suffix: string; field: keyof StatementStats; label: string; unit: string }[];

const STEP_LABELS: Record<QueryStep, string> = {
  count: 'count(*)',
  aggregate: 'group-by aggregate',
  join: 'self-join',
};

/** `count.elapsed_ms`, `aggregate.peak_memory_bytes`, `join.spilled_bytes`, … (lower is better, all). */
export const TRINO_METRICS: readonly MetricDef[] = QUERY_STEPS.flatMap((step) =>
  FIELDS.map((f) => ({
    key: `${step}.${f.suffix}`,
    label: `${STEP_LABELS[step]} ${f.label}`,
    unit: f.unit,
    direction: 'lower_is_better' as const,
  })),
);

/** The samples of one query, keyed `<step>.<suffix>`. */
export function samplesFromStats(step: QueryStep, stats: StatementStats): Record<string, number> {
  const samples: Record<string, number> = {};
  for (const f of FIELDS) samples[`${step}.${f.suffix}`] = stats[f.field];
  return samples;
}
