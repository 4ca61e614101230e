import type { BaselineChoice, ProbeResult } from '../results/schema.js';

/** How many stored results are searched for a like-for-like baseline. */
export const PREVIOUS_SEARCH_DEPTH = 50;

/** Params that change how long a probe measures, not what it measures: any run count compares. */
const IGNORED_PARAMS = new Set(['runs', 'warmup']);

export type Measured = Pick<ProbeResult, 'params' | 'context'>;

export interface PreviousChoice {
  previous: ProbeResult | undefined;
  /** Set when the choice needs saying (see `BaselineChoiceSchema`); undefined for "the run before, same test". */
  comparison: BaselineChoice | undefined;
}

/**
 * Pure: the baseline a new result is compared with (DESIGN.md, "Benchmark hygiene"): the newest stored
 * result with the same params (the run count aside) on the same kind of platform (simulated or not).
 * A comparison across other params or a simulated platform would be noise dressed as a trend. What
 * still differs (node count, images, settings) or was skipped is recorded, for the summary to say.
 *
 * @example selectPrevious({ params, context }, await store.results.history('kafka', PREVIOUS_SEARCH_DEPTH))
 */
export function selectPrevious(current: Measured, history: readonly ProbeResult[]): PreviousChoice {
  const newestFirst = [...history].sort((a, b) => b.finishedAt.localeCompare(a.finishedAt));
  const index = newestFirst.findIndex((r) => comparable(current, r));
  const previous = index === -1 ? undefined : newestFirst[index];
  const skipped = index === -1 ? newestFirst : newestFirst.slice(0, index);
  const differences = [
    ...skippedNote(current, skipped, previous !== undefined),
    ...(previous ? contextDifferences(previous.context, current.context) : []),
  ];
  const comparison = differences.length > 0 ? { previousId: previous?.id ?? null, differences } : undefined;
  return { previous, comparison };
}

/** Same params (the run count aside) and the same kind of platform. */
export function comparable(current: Measured, other: Measured): boolean {
  return paramDifferences(other.params, current.params).length === 0 && sameKind(current, other);
}

function sameKind(a: Measured, b: Measured): boolean {
  return Boolean(a.context.simulated) === Boolean(b.context.simulated);
}

/** `records 500000 → 1000000`, from `before` to `after`; a param one side lacks reads `(unset)`. */
export function paramDifferences(before: ProbeResult['params'], after: ProbeResult['params']): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (k) => !IGNORED_PARAMS.has(k),
  );
  return keys
    .filter((k) => before[k] !== after[k])
    .sort()
    .map((k) => `${k} ${show(before[k])} → ${show(after[k])}`);
}

/** Node count, images and settings that differ from the previous baseline's environment. */
export function contextDifferences(before: ProbeResult['context'], after: ProbeResult['context']): string[] {
  const out: string[] = [];
  if (before.nodeCount !== undefined && after.nodeCount !== undefined && before.nodeCount !== after.nodeCount)
    out.push(`node count ${before.nodeCount} → ${after.nodeCount}`);
  if (before.images && after.images) {
    const gone = before.images.filter((i) => !after.images?.includes(i));
    const added = after.images.filter((i) => !before.images?.includes(i));
    if (gone.length > 0 || added.length > 0)
      out.push(`images ${gone.join(', ') || '(none)'} → ${added.join(', ') || '(none)'}`);
  }
  if (before.settings && after.settings) {
    const b = before.settings;
    const a = after.settings;
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort();
    for (const k of keys.filter((key) => b[key] !== a[key]))
      out.push(`setting ${k} ${show(b[k])} → ${show(a[k])}`);
  }
  return out;
}

/** Says that newer results were passed over, and how the newest of them differs from this one. */
function skippedNote(current: Measured, skipped: readonly ProbeResult[], found: boolean): string[] {
  const newest = skipped[0];
  if (!newest) return [];
  const how = [
    ...paramDifferences(newest.params, current.params),
    ...(sameKind(current, newest) ? [] : [platformChange(newest, current)]),
  ].join(', ');
  const lead = found
    ? `skipped ${skipped.length} newer result(s) with other params or platform`
    : `no stored result with the same params and platform (${skipped.length} searched)`;
  return [`${lead}; the newest (${newest.id}) differs: ${how}`];
}

function platformChange(before: Measured, after: Measured): string {
  const kind = (m: Measured) => (m.context.simulated ? 'simulated' : 'real cluster');
  return `platform ${kind(before)} → ${kind(after)}`;
}

function show(value: string | number | boolean | undefined): string {
  return value === undefined ? '(unset)' : String(value);
}
