import { heapBytes } from '../jvm/options.js';
import type { KnobContext, KnobSet } from '../knob.js';
import { finishPlan, memoryLimitOf, unwrap } from '../knob-plan.js';
import type { ChangePlan } from '../plan.js';
import { planTrinoLimits, TRINO_LIMIT_KEYS } from '../trino/limits.js';
import { configText, readTrinoObjects, trinoConfigChange, verifyTrinoFile } from './trino-config.js';
import { jvmConfigOptions } from './trino-jvm.js';

/**
 * `/perf tune trino limits query.max-memory-per-node=2GB …`: keys of Trino's `config.properties` (its
 * ConfigMap), from a versioned allow-list (`trino/limits.ts`: a removed key is refused with its
 * replacement, an unknown one with the nearest), checked against the documented inequalities with the
 * heap of the same ConfigMap's jvm.config; then the rolling restart `trino jvm` makes.
 */

const KEYS = TRINO_LIMIT_KEYS.map((k) => ({
  name: k.name,
  description:
    k.kind === 'size'
      ? 'a data size such as 2GB'
      : k.kind === 'duration'
        ? 'a duration such as 30m'
        : 'a whole number',
}));

/** `config.properties` as key → value (`key=value` or `key: value` lines; `#`/`!` comments skipped). */
export function parseProperties(text: string): Record<string, string> {
  const props: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([^#!\s=:][^=:\s]*)\s*[=:]\s*(.*?)\s*$/.exec(line);
    if (m?.[1] !== undefined) props[m[1]] = m[2] ?? '';
  }
  return props;
}

/** The text with each property set in its own line (others, comments and order kept); new ones appended. */
export function setProperties(text: string, props: Readonly<Record<string, string>>): string {
  const end = text.endsWith('\n') ? '\n' : '';
  const left = new Map(Object.entries(props));
  const lines = text
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => {
      const key = /^\s*([^#!\s=:][^=:\s]*)\s*[=:]/.exec(line)?.[1];
      if (key === undefined || !left.has(key)) return line;
      const value = left.get(key);
      left.delete(key);
      return `${key}=${value}`;
    });
  return `${[...lines.filter((l, i) => l !== '' || i < lines.length - 1), ...[...left].map(([k, v]) => `${k}=${v}`)].join('\n')}${end}`;
}

/** The heap the JVM gets: `-Xmx` of jvm.config, else MaxRAMPercentage (default 25) of the container limit. */
export function trinoHeapBytes(jvmConfig: string, memoryLimit: number | undefined): number | undefined {
  const options = jvmConfigOptions(jvmConfig);
  const xmx = options.findLast((o) => o.startsWith('-Xmx'));
  if (xmx) return heapBytes(xmx.slice(4));
  const pct = options.findLast((o) => o.startsWith('-XX:MaxRAMPercentage='));
  return memoryLimit === undefined ? undefined : (memoryLimit * Number(pct?.split('=')[1] ?? 25)) / 100;
}

async function propose(ctx: KnobContext, settings: Readonly<Record<string, string>>): Promise<ChangePlan> {
  const t = ctx.platform.tuning.trino;
  const recommended = Object.keys(settings).length === 0;
  const requested = recommended ? t.limits.recommended : settings;
  const objects = await readTrinoObjects(ctx);
  const text = configText(objects.configMap, t.configKey);
  const heap = trinoHeapBytes(
    configText(objects.configMap, t.jvmKey),
    memoryLimitOf(objects.workers, t.workers.container),
  );
  const current = parseProperties(text);
  // Unknown heap: the inequalities against it cannot be checked; say so rather than guess.
  const merged = unwrap(planTrinoLimits(current, requested, heap ?? Number.POSITIVE_INFINITY));
  const changed = Object.keys(requested).filter((k) => current[k] !== merged[k]);
  const change = trinoConfigChange(ctx, objects, t.configKey, setProperties(text, requested));
  const memory = changed.filter((k) => TRINO_LIMIT_KEYS.find((x) => x.name === k)?.kind === 'size');
  return finishPlan(ctx, {
    component: 'trino',
    knobSet: 'limits',
    settings: { ...requested },
    notes: [
      ...(recommended
        ? [
            `Recommended (tuning.trino.limits.recommended): ${Object.entries(requested)
              .map(([k, v]) => `${k}=${v}`)
              .join(' ')}.`,
          ]
        : []),
      ...(changed.length === 0
        ? [`${t.configKey} already has these values: applying it only restarts the pods.`]
        : []),
    ],
    ...change,
    checks: [
      heap === undefined
        ? {
            name: 'Trino limits',
            outcome: 'warn',
            detail: 'the heap is unknown (no -Xmx, no memory limit): the limits were not checked against it',
          }
        : {
            name: 'Trino limits',
            outcome: 'pass',
            detail: `known keys, and within the heap (${(heap / 1024 ** 3).toFixed(1)} GiB) as Trino requires`,
          },
    ],
    risk: memory.length > 0 ? 'high' : 'low',
    riskReason:
      memory.length > 0 ? `memory limits (${memory.join(', ')})` : 'query limits of stateless Trino pods',
    undoable: true,
  });
}

export const trinoLimits: KnobSet = {
  component: 'trino',
  name: 'limits',
  summary: "query limits in Trino's config.properties (ConfigMap, rolling restart)",
  keys: KEYS,
  propose,
  verify: (ctx, plan) => verifyTrinoFile(ctx, plan, ctx.platform.tuning.trino.configKey),
};
