import { closest } from 'fastest-levenshtein';
import { fail, ok, PerfError, type Result } from '../../errors.js';

/**
 * The `config.properties` keys `/perf tune trino limits` may set, from Trino's documentation of its
 * resource-management and query properties (tuning.md, "Trino"). A key Trino does not know stops
 * the server at start-up (`Configuration property '…' was not used`), so anything else is refused.
 */
const KNOWN = {
  'query.max-memory-per-node': 'size',
  'query.max-memory': 'size',
  'query.max-total-memory': 'size',
  'memory.heap-headroom-per-node': 'size',
  'query.max-cpu-time': 'duration',
  'query.max-execution-time': 'duration',
  'query.max-run-time': 'duration',
  'query.max-history': 'count',
} as const;
type LimitKey = keyof typeof KNOWN;

/** The keys perfbot sets, and what kind of value each takes (`size`: a data size such as 2GB). */
export const TRINO_LIMIT_KEYS: readonly { name: string; kind: 'size' | 'duration' | 'count' }[] =
  Object.entries(KNOWN).map(([name, kind]) => ({ name, kind }));

/** Keys Trino removed, with what replaced them (release notes). */
const REMOVED: Readonly<Record<string, string>> = {
  'query.max-total-memory-per-node': 'query.max-memory-per-node (removed in Trino 369)',
};

/** Trino's data sizes (`2GB`, `512MB`, `1.5GB`; B/kB/MB/GB/TB, binary multiples) in bytes. */
export function trinoBytes(value: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(B|kB|MB|GB|TB|PB)$/.exec(value.trim());
  if (!m) return undefined;
  const power = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'].indexOf(m[2] ?? 'B');
  return Math.round(Number(m[1]) * 1024 ** power);
}

const DURATION = /^\d+(\.\d+)?\s*(ns|us|ms|s|m|h|d)$/;

/**
 * The properties after a change, checked key by key and against the documented inequalities:
 * `query.max-memory-per-node` + `memory.heap-headroom-per-node` below the heap (`-Xmx`), and
 * `query.max-total-memory` above `query.max-memory`.
 */
export function planTrinoLimits(
  current: Readonly<Record<string, string>>,
  requested: Readonly<Record<string, string>>,
  heapBytes: number,
): Result<Record<string, string>, PerfError> {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(requested)) {
    const removed = REMOVED[key];
    if (removed) {
      problems.push(`\`${key}\` was removed from Trino: use ${removed}`);
      continue;
    }
    const kind = KNOWN[key as LimitKey];
    if (!kind) {
      problems.push(
        `\`${key}\` is not a limit perfbot sets (did you mean \`${closest(key, Object.keys(KNOWN))}\`?)`,
      );
      continue;
    }
    const valid =
      kind === 'size'
        ? trinoBytes(value) !== undefined
        : kind === 'duration'
          ? DURATION.test(value)
          : /^\d+$/.test(value);
    if (!valid)
      problems.push(
        `${key} = ${value} is not a ${kind === 'size' ? 'data size such as 2GB' : kind === 'duration' ? 'duration such as 30m' : 'whole number'}`,
      );
  }
  if (problems.length === 0) problems.push(...inequalities({ ...current, ...requested }, heapBytes));
  if (problems.length > 0)
    return fail(
      new PerfError('usage', `refused Trino limits: ${problems.join('; ')}`, {
        userMessage: `Refused: ${problems.join('; ')}.`,
        context: { service: 'trino', step: 'preflight' },
      }),
    );
  return ok({ ...current, ...requested });
}

function inequalities(props: Readonly<Record<string, string>>, heap: number): string[] {
  const size = (key: string) => (props[key] === undefined ? undefined : trinoBytes(props[key] ?? ''));
  const problems: string[] = [];
  // Trino's defaults: max-memory-per-node 0.3 × heap, headroom 0.3 × heap, max-total-memory 2 × max-memory.
  const perNode = size('query.max-memory-per-node') ?? 0.3 * heap;
  const headroom = size('memory.heap-headroom-per-node') ?? 0.3 * heap;
  if (perNode + headroom >= heap)
    problems.push(
      `query.max-memory-per-node (${gb(perNode)}) + memory.heap-headroom-per-node (${gb(headroom)}) must stay below the heap (-Xmx ${gb(heap)})`,
    );
  const max = size('query.max-memory');
  const total = size('query.max-total-memory');
  if (max !== undefined && total !== undefined && total <= max)
    problems.push(`query.max-total-memory (${gb(total)}) must be greater than query.max-memory (${gb(max)})`);
  return problems;
}

const gb = (bytes: number) => `${Math.round((bytes / 1024 ** 3) * 10) / 10}GB`;
