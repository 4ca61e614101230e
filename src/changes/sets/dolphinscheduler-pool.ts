import { z } from 'zod';
import { asPerfError, PerfError } from '../../errors.js';
import { parseSettings as parsePgSettings } from '../../probes/postgres/parse.js';
import { SETTINGS_SQL } from '../../probes/postgres/queries.js';
import { readField } from '../fields.js';
import type { KnobContext, KnobSet } from '../knob.js';
import { finishPlan, parseSettings, unwrap, workloadRef } from '../knob-plan.js';
import type { ChangePlan, Check } from '../plan.js';
import { openKnobSql } from '../sql.js';
import { verifyWorkloadEnv } from '../verify-env.js';
import { envVarsChange } from '../writes.js';

/**
 * `/perf tune dolphinscheduler pool maximum_pool_size=50 …`: HikariCP's settings of the API server,
 * as Spring Boot reads them from its environment (`SPRING_DATASOURCE_HIKARI_*`). Ranges are Hikari's
 * own (HikariConfig.validateNumerics); the pool of every replica together is checked against the
 * database's `max_connections`.
 */

const int = (min: number, max: number, what: string) =>
  z
    .string()
    .regex(/^\d+$/, `a whole number (${what})`)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
/** Hikari: 0 disables it, else at least `min` ms (it raises smaller values to that, silently). */
const msOrOff = (min: number) =>
  int(0, 86_400_000, 'milliseconds').refine((v) => v === 0 || v >= min, `0 (off) or at least ${min} ms`);

/** The keys, their ranges, and Hikari's defaults (HikariConfig). */
const FIELDS = {
  maximum_pool_size: {
    schema: int(1, 1000, 'connections'),
    fallback: 10,
    text: 'connections per pod, 1–1000',
  },
  minimum_idle: {
    schema: int(0, 1000, 'connections'),
    fallback: undefined,
    text: 'idle connections kept, at most maximum_pool_size',
  },
  connection_timeout: {
    schema: int(250, 600_000, 'milliseconds'),
    fallback: 30_000,
    text: 'ms to wait for a connection, 250–600000',
  },
  idle_timeout: {
    schema: msOrOff(10_000),
    fallback: 600_000,
    text: 'ms before an idle connection closes: 0 or ≥ 10000',
  },
  max_lifetime: { schema: msOrOff(30_000), fallback: 1_800_000, text: 'ms a connection lives: 0 or ≥ 30000' },
} as const;
type PoolKey = keyof typeof FIELDS;
const POOL_KEYS = Object.keys(FIELDS) as PoolKey[];

const SettingsSchema = z.strictObject(
  Object.fromEntries(POOL_KEYS.map((k) => [k, FIELDS[k].schema.optional()])) as {
    [K in PoolKey]: z.ZodOptional<(typeof FIELDS)[K]['schema']>;
  },
);

const KEYS = POOL_KEYS.map((name) => ({ name, description: FIELDS[name].text }));

/** The pool after the change: requested values over the current env over Hikari's defaults (minimum_idle defaults to the maximum). */
export function effectivePool(
  current: Readonly<Partial<Record<PoolKey, number>>>,
  requested: Readonly<Partial<Record<PoolKey, number>>>,
): Record<PoolKey, number> {
  const pick = (k: PoolKey) => requested[k] ?? current[k] ?? FIELDS[k].fallback;
  const max = pick('maximum_pool_size') ?? 10;
  return {
    maximum_pool_size: max,
    minimum_idle: pick('minimum_idle') ?? max,
    connection_timeout: pick('connection_timeout') ?? 30_000,
    idle_timeout: pick('idle_timeout') ?? 600_000,
    max_lifetime: pick('max_lifetime') ?? 1_800_000,
  };
}

/** PostgreSQL keeps this many connections for superusers (`superuser_reserved_connections`' default). */
const RESERVED = 3;

/** The pool of every replica against `max_connections`, as a card check. */
export function connectionCheck(
  pool: number,
  replicas: number,
  maxConnections: number,
  where: string,
): Check {
  const total = pool * replicas;
  const room = maxConnections - RESERVED;
  const detail = `${replicas} pod${replicas === 1 ? '' : 's'} × ${pool} = ${total} connections; ${where} max_connections = ${maxConnections} (${RESERVED} kept for superusers), shared with its other clients`;
  if (total > room)
    return {
      name: 'connections',
      outcome: 'fail',
      detail: `${detail}: the pools alone would exhaust it`,
      suggestion: `maximum_pool_size=${Math.max(1, Math.floor(room / replicas))} or raise max_connections (\`/perf tune postgres pool max_connections=…\`)`,
    };
  return {
    name: 'connections',
    outcome: total > room / 2 ? 'warn' : 'pass',
    detail: total > room / 2 ? `${detail}: more than half of it` : detail,
  };
}

async function readMaxConnections(
  ctx: KnobContext,
): Promise<{ value: number; where: string } | { error: string }> {
  try {
    const session = await openKnobSql(ctx);
    try {
      const rows = unwrap(parsePgSettings((await session.query(SETTINGS_SQL)).rows));
      const row = rows.find((r) => r.name === 'max_connections');
      if (!row) return { error: 'pg_settings has no max_connections' };
      return { value: Number(row.setting), where: `PostgreSQL${session.pod ? ` (pod ${session.pod})` : ''}` };
    } finally {
      await session.close();
    }
  } catch (error) {
    return { error: asPerfError(error).userMessage };
  }
}

async function propose(ctx: KnobContext, settings: Readonly<Record<string, string>>): Promise<ChangePlan> {
  const t = ctx.platform.tuning.dolphinscheduler;
  const recommended = Object.keys(settings).length === 0;
  const requested = parseSettings(
    dolphinschedulerPool,
    SettingsSchema,
    recommended ? t.pool.recommended : settings,
  ) as Partial<Record<PoolKey, number>>;
  const ref = workloadRef(t.namespace, t.workload.kind, t.workload.name);
  const live = await ctx.kube.getObject(ref);
  const envOf = (k: PoolKey) =>
    readField(live, [
      'spec',
      'template',
      'spec',
      'containers',
      { name: t.workload.container },
      'env',
      { name: t.pool.env[k] },
      'value',
    ]);
  const current = Object.fromEntries(
    POOL_KEYS.flatMap((k) => (typeof envOf(k) === 'string' ? [[k, Number(envOf(k))]] : [])),
  ) as Partial<Record<PoolKey, number>>;
  const pool = effectivePool(current, requested);
  if (pool.minimum_idle > pool.maximum_pool_size)
    throw new PerfError('usage', 'minimum_idle above maximum_pool_size', {
      userMessage: `minimum_idle (${pool.minimum_idle}) must be at most maximum_pool_size (${pool.maximum_pool_size}): Hikari would cap it silently.`,
    });
  const keys = POOL_KEYS.filter((k) => requested[k] !== undefined);
  const change = unwrap(
    envVarsChange(
      live,
      ref,
      t.workload.container,
      Object.fromEntries(keys.map((k) => [t.pool.env[k], String(requested[k])])),
    ),
  );
  const replicas = (live.spec as { replicas?: number } | undefined)?.replicas ?? 1;
  const checks: Check[] = [];
  if (t.pool.database === 'postgres') {
    const max = await readMaxConnections(ctx);
    checks.push(
      'error' in max
        ? {
            name: 'connections',
            outcome: 'warn',
            detail: `could not read the database's max_connections (${max.error}): ${replicas} × ${pool.maximum_pool_size} connections unchecked`,
          }
        : connectionCheck(pool.maximum_pool_size, replicas, max.value, max.where),
    );
  } else
    checks.push({
      name: 'connections',
      outcome: 'warn',
      detail:
        'tuning.dolphinscheduler.pool.database is none: the pools against max_connections are not checked',
    });
  const limits = keys.filter((k) => k === 'maximum_pool_size' || k === 'minimum_idle');
  return finishPlan(ctx, {
    component: 'dolphinscheduler',
    knobSet: 'pool',
    settings: Object.fromEntries(keys.map((k) => [k, String(requested[k])])),
    notes: recommended
      ? [
          `Recommended values (tuning.dolphinscheduler.pool.recommended): ${keys.map((k) => `${k}=${requested[k]}`).join(' ')}.`,
        ]
      : [],
    targets: [change.target],
    writes: [change.write],
    restores: [change.restore],
    diff: change.diff,
    restart: {
      workloads: [ref],
      cost: `rolling restart of ${replicas} ${ref.name} pod${replicas === 1 ? '' : 's'}: each new pod opens its pool anew`,
    },
    checks,
    risk: limits.length > 0 ? 'high' : 'low',
    riskReason:
      limits.length > 0
        ? `connection limits (${limits.join(', ')})`
        : 'pool timeouts of a stateless Deployment',
    undoable: true,
  });
}

export const dolphinschedulerPool: KnobSet = {
  component: 'dolphinscheduler',
  name: 'pool',
  summary: 'HikariCP pool of the DolphinScheduler API server (Deployment env)',
  keys: KEYS,
  propose,
  verify: verifyWorkloadEnv('dolphinscheduler pool', (ctx) => ctx.platform.tuning.dolphinscheduler),
};
