import type { ChangeRecord } from '../changes/record.js';
import type { ValidationConfig } from '../config/validation.js';
import { SERVICE_NAMES, type ServiceName, serviceOf } from '../domain/services.js';
import type { ProbeResult } from '../results/schema.js';

/**
 * The runbook's success criteria, judged from stored results only (issue #16's report): a box is
 * ticked only when a stored result (or, for the ledger, a change record) shows it, and an empty box
 * says what is missing and the command that would supply it. Pure.
 */

/** One box of the checklist. */
export interface Criterion {
  label: string;
  done: boolean;
  /** The stored result ids behind the tick, or behind the miss when there is one. */
  ids: string[];
  /** Why it is ticked, or what is missing, in words. */
  detail: string;
  /** The command (without `/perf` or `perfbot`) that would supply what is missing. */
  command?: string;
}

/** What the criteria read: the window's results per service (oldest first) and its changes. */
export interface CriteriaInput {
  results: Readonly<Partial<Record<ServiceName, readonly ProbeResult[]>>>;
  changes: readonly ChangeRecord[];
  targets: ValidationConfig['targets'];
  overall: number;
  /** ISO: the window's start, said in "nothing since …". */
  since: string;
}

/** The newest result of a service that is a baseline (not measured by `/perf validate`). */
export const lastBaseline = (results: readonly ProbeResult[] | undefined): ProbeResult | undefined =>
  results?.filter((r) => r.validation === undefined).at(-1);

/** The newest validation of a service. */
export const lastValidation = (results: readonly ProbeResult[] | undefined): ProbeResult | undefined =>
  results?.filter((r) => r.validation !== undefined).at(-1);

/** `2026-12-01 16:45 UTC`: the window's start as the report says it. */
const at = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

const pct = (v: number) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}%`;

/** `kafka producer throughput +20%`, `trino join elapsed −30%`: signed as the metric moves. */
export function targetLabel(service: ServiceName, metric: string, change: number): string {
  const def = serviceOf(service).metrics.find((m) => m.key === metric);
  const sign = def?.direction === 'lower_is_better' ? '−' : '+';
  return `${service} ${def?.label ?? metric} ${sign}${Math.round(change * 100)}%`;
}

/** Every configured improvement target, in the services' order. */
export function configuredTargets(targets: ValidationConfig['targets']) {
  return SERVICE_NAMES.flatMap((service) => (targets[service] ?? []).map((t) => ({ service, ...t })));
}

/**
 * One improvement target (`validation.targets`) judged by the service's newest validation: ticked
 * only when that validation judged the same target met (its whole interval at or beyond it).
 */
export function targetCriterion(
  service: ServiceName,
  target: { metric: string; change: number },
  input: CriteriaInput,
): Criterion {
  const label = targetLabel(service, target.metric, target.change);
  const v = lastValidation(input.results[service]);
  const again = { command: `validate ${service}` };
  if (!v?.validation)
    return {
      label,
      done: false,
      ids: [],
      detail: `no validation of ${service} since ${at(input.since)}`,
      ...again,
    };
  const judged = v.validation.targets.find((t) => t.metric === target.metric);
  if (!judged || Math.abs(judged.change - target.change) > 1e-9)
    return { label, done: false, ids: [v.id], detail: `${v.id} did not judge this target`, ...again };
  if (judged.met === true) return { label, done: true, ids: [v.id], detail: judged.reason };
  const word = judged.met === false ? 'not met' : 'not decided';
  return { label, done: false, ids: [v.id], detail: `${word}: ${judged.reason}`, ...again };
}

/**
 * The overall criterion (`validation.overall`, the runbook's "30%+ improvement verified"): met when
 * EVERY configured target's newest validation has its whole interval at least `overall` better, so
 * that a tick never rests on one service's gain or on an estimate whose interval falls short.
 */
export function overallCriterion(input: CriteriaInput): Criterion {
  const label = `overall +${Math.round(input.overall * 100)}% on every target metric`;
  const targets = configuredTargets(input.targets);
  const ids: string[] = [];
  const short: string[] = [];
  let command: string | undefined;
  for (const t of targets) {
    const v = lastValidation(input.results[t.service]);
    const m = v?.validation?.metrics.find((x) => x.key === t.metric);
    const def = v?.metrics.find((d) => d.key === t.metric);
    if (!v || !m?.test || !def) {
      short.push(`${targetLabel(t.service, t.metric, t.change)} not validated`);
      command ??= `validate ${t.service}`;
      continue;
    }
    ids.push(v.id);
    const low = def.direction === 'higher_is_better' ? m.test.low : -m.test.high;
    if (low < input.overall)
      short.push(
        `${targetLabel(t.service, t.metric, t.change)}: its interval's worst end is ${pct(low)} better`,
      );
  }
  if (targets.length === 0) return { label, done: false, ids, detail: 'no target in validation.targets' };
  if (short.length === 0)
    return {
      label,
      done: true,
      ids,
      detail: `every target's interval is at least +${pct(input.overall).slice(1)} better`,
    };
  return { label, done: false, ids, detail: short.join('; '), ...(command ? { command } : {}) };
}

/** Every service has a baseline in the window. */
export function baselinesCriterion(input: CriteriaInput): Criterion {
  const label = 'baselines of every service taken';
  const missing = SERVICE_NAMES.filter((s) => lastBaseline(input.results[s]) === undefined);
  const ids = SERVICE_NAMES.flatMap((s) => lastBaseline(input.results[s])?.id ?? []);
  if (missing.length === 0) return { label, done: true, ids, detail: `${ids.length} services measured` };
  return {
    label,
    done: false,
    ids,
    detail: `not measured since ${at(input.since)}: ${missing.join(', ')}`,
    command: missing.length === SERVICE_NAMES.length ? 'baseline all' : `baseline ${missing[0]}`,
  };
}

/** The window's applied changes (still applied) and the validations that name each one. */
function appliedChanges(input: CriteriaInput) {
  const validations = SERVICE_NAMES.flatMap((s) =>
    (input.results[s] ?? []).filter((r) => r.validation !== undefined),
  );
  return input.changes
    .filter((c) => c.state === 'applied')
    .map((change) => ({
      change,
      validation: validations.filter((v) => v.validation?.changeIds.includes(change.id)).at(-1),
    }));
}

const measured = (component: string): component is ServiceName =>
  (SERVICE_NAMES as readonly string[]).includes(component);

/** Every change applied (and not rolled back) has a validation naming it. */
export function changesValidatedCriterion(input: CriteriaInput): Criterion {
  const label = 'every applied change validated';
  const applied = appliedChanges(input);
  if (applied.length === 0)
    return {
      label,
      done: false,
      ids: [],
      detail: `no change applied since ${at(input.since)}: nothing validated yet`,
      command: 'tune <component> <knob-set>',
    };
  const ids = applied.flatMap((a) => a.validation?.id ?? []);
  const open = applied.filter((a) => a.validation === undefined);
  if (open.length === 0)
    return { label, done: true, ids, detail: `${applied.length} change(s), each validated` };
  const first = open[0]?.change.service ?? '';
  return {
    label,
    done: false,
    ids,
    detail: `not validated: ${open
      .map(
        (a) =>
          `${a.change.id} (${a.change.service}${measured(a.change.service) ? '' : ', which no probe measures'})`,
      )
      .join(', ')}`,
    ...(measured(first) ? { command: `validate ${first}` } : {}),
  };
}

/** No applied change is left in place with a regressed metric (a regression is rolled back). */
export function noRegressionCriterion(input: CriteriaInput): Criterion {
  const label = 'no change left in place with a regression (regressed changes rolled back)';
  const applied = appliedChanges(input);
  const rolledBack = input.changes.filter((c) => c.state === 'rolled_back').map((c) => c.id);
  const back = rolledBack.length > 0 ? `; rolled back: ${rolledBack.join(', ')}` : '';
  if (applied.length === 0)
    return {
      label,
      done: false,
      ids: [],
      detail: `no applied change to check since ${at(input.since)}${back}`,
    };
  const ids = applied.flatMap((a) => a.validation?.id ?? []);
  const unchecked = applied.filter((a) => a.validation === undefined).map((a) => a.change.id);
  const regressed = applied.filter((a) =>
    a.validation?.validation?.metrics.some((m) => m.verdict === 'regressed'),
  );
  if (regressed.length > 0) {
    const first = regressed[0]?.change.id ?? '';
    return {
      label,
      done: false,
      ids,
      detail: `regressed and still applied: ${regressed.map((r) => `${r.change.id} (${r.validation?.id})`).join(', ')}${back}`,
      command: `rollback ${first}`,
    };
  }
  if (unchecked.length > 0)
    return { label, done: false, ids, detail: `not validated, so not known: ${unchecked.join(', ')}${back}` };
  return {
    label,
    done: true,
    ids,
    detail: `no regressed metric in the validations of ${applied.length} change(s)${back}`,
  };
}

/** The runbook's success criteria in order: each target, overall, baselines, changes validated, no regression left. */
export function successCriteria(input: CriteriaInput): Criterion[] {
  return [
    ...configuredTargets(input.targets).map((t) => targetCriterion(t.service, t, input)),
    overallCriterion(input),
    baselinesCriterion(input),
    changesValidatedCriterion(input),
    noRegressionCriterion(input),
  ];
}
