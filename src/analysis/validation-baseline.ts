import type { ChangeRecord } from '../changes/record.js';
import { BASELINE_OPTIONS, type BaselineOptionKey, type BaselineOptions } from '../commands/options.js';
import type { ProbeResult } from '../results/schema.js';

/**
 * Pure choices of `/perf validate` (issue #16): which stored result is "before", which changes were
 * applied since, and the options that re-run the same probe with the same params.
 */

/** When a change was applied (its transition to `applied`), or undefined if it never was. */
export function appliedAt(record: ChangeRecord): string | undefined {
  return record.history.findLast((step) => step.to === 'applied')?.at;
}

export type BaselinePick =
  | {
      ok: true;
      before: ProbeResult;
      /** How it was chosen, said in the thread. */
      why: string;
    }
  | { ok: false; reason: string };

/**
 * The baseline a validation compares with: `against` when given (it must be a result of this
 * service), else the newest stored result finished before the most recent applied change of the
 * component, else the newest result. `history` may be in any order; validations' own results count
 * as results (each is a baseline too).
 *
 * @example pickBaseline({ service: 'kafka', history, changes, against: undefined })
 */
export function pickBaseline(input: {
  service: string;
  history: readonly ProbeResult[];
  changes: readonly ChangeRecord[];
  against?: ProbeResult | undefined;
  againstId?: string | undefined;
}): BaselinePick {
  const { service, history, changes } = input;
  if (input.againstId !== undefined) {
    const r = input.against;
    if (r === undefined) return { ok: false, reason: `no stored result ${input.againstId}` };
    if (r.service !== service) return { ok: false, reason: `${r.id} measured ${r.service}, not ${service}` };
    return { ok: true, before: r, why: `--against ${r.id}` };
  }
  const newestFirst = [...history]
    .filter((r) => r.service === service)
    .sort((a, b) => b.finishedAt.localeCompare(a.finishedAt));
  if (newestFirst.length === 0)
    return { ok: false, reason: `no stored result of ${service} to compare with` };
  const lastApplied = changes
    .filter((c) => c.service === service)
    .flatMap((c) => {
      const at = appliedAt(c);
      return at === undefined ? [] : [{ id: c.id, at }];
    })
    .sort((a, b) => b.at.localeCompare(a.at))[0];
  if (lastApplied !== undefined) {
    const before = newestFirst.find((r) => r.finishedAt < lastApplied.at);
    if (before)
      return { ok: true, before, why: `the last result before change ${lastApplied.id} was applied` };
  }
  const newest = newestFirst[0] as ProbeResult;
  return {
    ok: true,
    before: newest,
    why:
      lastApplied === undefined
        ? 'the last result (no change applied to it)'
        : `the last result (none finished before change ${lastApplied.id} was applied)`,
  };
}

/** The changes of the component applied after `since` and at or before `until` (ISO), oldest first. */
export function changesBetween(
  changes: readonly ChangeRecord[],
  service: string,
  since: string,
  until: string,
): ChangeRecord[] {
  return changes
    .filter((c) => {
      const at = appliedAt(c);
      return c.service === service && at !== undefined && at > since && at <= until;
    })
    .sort((a, b) => (appliedAt(a) ?? '').localeCompare(appliedAt(b) ?? ''));
}

/**
 * The `baseline` options that reproduce a result's params (the run count aside, which validation
 * sets): each option the service takes, read back from the params when it parses. Params that are
 * not options (a topic, a host) come from the config; `validate()` refuses when they differ.
 */
export function optionsFromParams(
  params: ProbeResult['params'],
  allowed: readonly BaselineOptionKey[],
): BaselineOptions {
  const out: Record<string, unknown> = {};
  for (const key of allowed) {
    if (key === 'runs' || !(key in params)) continue;
    const parsed = BASELINE_OPTIONS[key].schema.safeParse(params[key]);
    if (parsed.success) out[key] = parsed.data;
  }
  return out as BaselineOptions;
}
