import type { ProbeResult } from '../results/schema.js';
import type { ShiftJudgement } from './shift.js';
import type { MetricValidation, Validation } from './validation.js';

type Compared = Extract<Validation, { ok: true }>;

/**
 * Pure: a validation as `/perf validate` stored it with its after result (`ProbeResult.validation`),
 * read back as the comparison its views and charts take, without judging anything again: each
 * metric's verdict and test are the stored ones, its samples the after result's runs and, when the
 * before result is still stored, its runs. Undefined for a result that was not a validation.
 *
 * @example const compared = storedComparison(after, await store.results.get(after.validation.beforeId))
 */
export function storedComparison(after: ProbeResult, before?: ProbeResult): Compared | undefined {
  const stored = after.validation;
  if (!stored) return undefined;
  const metrics = stored.metrics.flatMap((m): MetricValidation[] => {
    const def = after.metrics.find((d) => d.key === m.key);
    if (!def) return [];
    const judgement: ShiftJudgement = {
      verdict: m.verdict,
      ...(m.reason === undefined ? {} : { reason: m.reason }),
      ...(m.test === undefined ? {} : { test: m.test }),
    };
    return [
      {
        ...def,
        before: before ? samplesOf(before, m.key) : [],
        after: samplesOf(after, m.key),
        judgement,
      },
    ];
  });
  return {
    ok: true,
    beforeId: stored.beforeId,
    afterId: after.id,
    metrics,
    targets: stored.targets,
    differences: stored.differences,
  };
}

function samplesOf(result: ProbeResult, key: string): number[] {
  return result.runs
    .filter((r) => r.invalid === undefined)
    .flatMap((r) => (key in r.samples ? [r.samples[key] as number] : []));
}
