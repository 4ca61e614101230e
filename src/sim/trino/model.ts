import { formatSize, localMemoryError, type SimQueryError, simError } from './errors.js';
import type { TrinoKnobs } from './knobs.js';
import type { QueryKind } from './sql.js';

/**
 * The simulated coordinator's cost model: what a query costs on a cluster of a given shape. It is
 * not Trino, but it moves the way Trino does when the knobs move:
 * - more workers (and task.concurrency up to the cores) → more parallel drivers → less elapsed time;
 * - a larger heap (-Xmx) → less GC time for the same working set;
 * - a working set above query.max-memory-per-node → spill (slower, `spilledBytes`) when spilling
 *   is enabled, else EXCEEDED_LOCAL_MEMORY_LIMIT; above query.max-memory → EXCEEDED_GLOBAL_MEMORY_LIMIT;
 * - a heap too small for the working set → CLUSTER_OUT_OF_MEMORY.
 */

const MB = 1024 ** 2;
const M = 1_000_000;

/** Per million input rows: CPU milliseconds and working-set bytes; plus the operator that holds them. */
const COSTS: Record<QueryKind | 'ctas', { cpuMs: number; bytes: number; stages: number; operator: string }> =
  {
    count: { cpuMs: 60, bytes: 0, stages: 2, operator: 'AggregationOperator' },
    aggregate: { cpuMs: 2500, bytes: 120 * MB, stages: 3, operator: 'HashAggregationOperator' },
    join: { cpuMs: 12_000, bytes: 480 * MB, stages: 4, operator: 'HashBuilderOperator' },
    ctas: { cpuMs: 1500, bytes: 40 * MB, stages: 3, operator: 'TableWriterOperator' },
  };
/** Bytes a row of perfbot_orders takes in the memory connector (it lives in the workers' heap). */
const ROW_BYTES = 40;
/** What a worker JVM holds besides queries: code cache, buffers, the catalog's tables. */
const JVM_BASE_BYTES = 768 * MB;

export interface FinalFigures {
  queuedMs: number;
  elapsedMs: number;
  cpuMs: number;
  wallMs: number;
  peakMemoryBytes: number;
  spilledBytes: number;
  processedRows: number;
  processedBytes: number;
  nodes: number;
  totalSplits: number;
}

export interface CostInput {
  kind: QueryKind | 'ctas';
  rows: number;
  /** Rows held by the memory connector across the cluster (all perfbot tables). */
  storedRows: number;
  knobs: TrinoKnobs;
  random: () => number;
  /** First run of this statement shape since the coordinator started: plan and compile it. */
  cold: boolean;
  /** The `trino.slow` fault's factor, 1 when unset. */
  slowFactor: number;
}

export type Costed = { ok: true; figures: FinalFigures } | { ok: false; error: SimQueryError };

/** ±6% around 1: seeded by the sandbox, so a given seed replays the same run. */
function noise(random: () => number): number {
  return 1 + (random() - 0.5) * 0.12;
}

/** Memory checks, in Trino's order: the cluster-wide limit, the per-node limit, then the heap. */
function memory(input: CostInput): { error?: SimQueryError; perNode: number; spilled: number } {
  const { knobs } = input;
  const need = (COSTS[input.kind].bytes * input.rows) / M;
  const perNode = need / knobs.workers;
  if (need > knobs.maxMemoryBytes) {
    return {
      error: simError(
        'EXCEEDED_GLOBAL_MEMORY_LIMIT',
        `Query exceeded distributed user memory limit of ${formatSize(knobs.maxMemoryBytes)}`,
      ),
      perNode,
      spilled: 0,
    };
  }
  if (perNode > knobs.maxMemoryPerNodeBytes) {
    if (!knobs.spillEnabled) {
      return {
        error: localMemoryError(knobs.maxMemoryPerNodeBytes, COSTS[input.kind].operator),
        perNode,
        spilled: 0,
      };
    }
    return {
      perNode: knobs.maxMemoryPerNodeBytes,
      spilled: (perNode - knobs.maxMemoryPerNodeBytes) * knobs.workers,
    };
  }
  return { perNode, spilled: 0 };
}

/** 1 with an idle heap, 3 with a full one: GC pauses grow with heap occupancy. */
function gcFactor(input: CostInput, perNode: number): number | undefined {
  const stored = (input.storedRows * ROW_BYTES) / input.knobs.workers;
  const occupancy = (JVM_BASE_BYTES + stored + perNode) / input.knobs.heapBytes;
  return occupancy >= 0.95 ? undefined : 1 + 2 * occupancy ** 2;
}

/** The final stats of one statement, or the error that ends it. */
export function costQuery(input: CostInput): Costed {
  const { knobs } = input;
  if (knobs.workers < 1)
    return { ok: false, error: simError('NO_NODES_AVAILABLE', 'No nodes available to run query') };
  const mem = memory(input);
  if (mem.error !== undefined) return { ok: false, error: mem.error };
  const gc = gcFactor(input, mem.perNode);
  if (gc === undefined) {
    return {
      ok: false,
      error: simError(
        'CLUSTER_OUT_OF_MEMORY',
        'Query killed because the cluster is out of memory. Please try again in a few minutes.',
      ),
    };
  }
  const cost = COSTS[input.kind];
  const spillFactor =
    mem.spilled > 0 ? 1 + (2.5 * mem.spilled) / (mem.spilled + mem.perNode * knobs.workers) : 1;
  // Drivers beyond the cores only queue for CPU, with some switching overhead.
  const perWorker = Math.min(knobs.taskConcurrency, knobs.cores);
  const oversubscribed =
    knobs.taskConcurrency > knobs.cores ? 1 + 0.03 * (knobs.taskConcurrency / knobs.cores - 1) : 1;
  const parallel = knobs.workers * perWorker;
  const cpuMs = ((cost.cpuMs * input.rows) / M) * (1 + (gc - 1) / 2) * spillFactor * noise(input.random);
  const execMs = (cpuMs / parallel) * gc * oversubscribed * input.slowFactor * noise(input.random);
  const planningMs = 40 + 15 * knobs.workers + (input.cold ? 350 : 0) + 30 * input.random();
  const queuedMs = Math.floor(1 + 6 * input.random()) + (input.slowFactor > 1 ? 200 : 0);
  const processedRows = input.kind === 'join' ? 2 * input.rows : input.rows;
  return {
    ok: true,
    figures: {
      queuedMs,
      elapsedMs: Math.round(queuedMs + planningMs + execMs),
      cpuMs: Math.round(cpuMs + (input.cold ? 250 : 0)),
      wallMs: Math.round(cpuMs * 1.25),
      peakMemoryBytes: Math.round(mem.perNode * knobs.workers + knobs.workers * MB),
      spilledBytes: Math.round(mem.spilled),
      processedRows,
      processedBytes: processedRows * (input.kind === 'count' ? 8 : 24),
      nodes: knobs.workers + 1,
      totalSplits: cost.stages * knobs.workers * knobs.cores,
    },
  };
}
