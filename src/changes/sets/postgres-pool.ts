import { z } from 'zod';
import { PerfError } from '../../errors.js';
import type { KubeObject } from '../../kube/port.js';
import type { KnobContext, KnobSet, Verification } from '../knob.js';
import { finishPlan, memoryLimitOf, unwrap, workloadRef } from '../knob-plan.js';
import type { ChangePlan, Check, PlanTarget } from '../plan.js';
import {
  applyPostgresPlan,
  readAutoConf,
  readPostgresSettings,
  verifyPostgresPlan,
} from '../postgres/apply.js';
import {
  formatUnits,
  type PgPlan,
  type PgSettingRow,
  POSTGRES_SETTINGS,
  type PostgresSetting,
  planPostgresSettings,
  valueInUnits,
} from '../postgres/settings.js';
import { openKnobSql } from '../sql.js';
import { CONFIG_HASH_ANNOTATION, configHash, templateAnnotationChange } from '../writes.js';

/**
 * `/perf tune postgres pool max_connections=200 shared_buffers=512MB`: PostgreSQL's connection and
 * memory settings, checked against the server's own `pg_settings` (unit, range, context), applied by
 * `ALTER SYSTEM` and a reload through the postgres probe's SQL session; a postmaster setting also
 * restarts the StatefulSet (a pod-template annotation), which the engine watches.
 */

const KEYS = [
  { name: 'max_connections', description: 'connections, within pg_settings’ range (restart)' },
  { name: 'shared_buffers', description: "a size such as 512MB, below the pod's memory limit (restart)" },
  { name: 'effective_cache_size', description: 'a size such as 1536MB: the planner’s estimate (reload)' },
  { name: 'work_mem', description: 'a size such as 8MB, per sort or hash (reload)' },
  { name: 'maintenance_work_mem', description: 'a size such as 256MB, for VACUUM and CREATE INDEX (reload)' },
] as const;

const SettingValue = z.strictObject({
  name: z.enum(POSTGRES_SETTINGS),
  value: z.string().regex(/^[0-9]+(kB|MB|GB|TB)?$/),
});

/**
 * The live action: `ALTER SYSTEM SET` each of `set`, `ALTER SYSTEM RESET` each of `reset`, then a
 * reload. A restore resets the settings postgresql.auto.conf did not have before the change, so that
 * the file is as it was (their `value`: what `pg_settings` reads once reset, the snapshot's). Parsed
 * again before it runs.
 */
export const PostgresActionSchema = z.strictObject({
  set: z.array(SettingValue),
  reset: z.array(SettingValue).default([]),
});
export type PostgresAction = z.infer<typeof PostgresActionSchema>;

export const RUNBOOK_NOTE =
  'The runbook set `POSTGRES_MAX_CONNECTIONS`-style variables with a JSON patch that replaces the ' +
  'container’s whole `env` list (dropping its password Secret reference), and the postgres image reads none ' +
  'of them. perfbot uses `ALTER SYSTEM` and a reload instead, and restarts the StatefulSet only for ' +
  'max_connections and shared_buffers.';

/** shared_buffers against the container's limit (PostgreSQL's docs: 25% of memory to start, rarely more than 40%). */
export function sharedBuffersCheck(bytes: number, limit: number | undefined): Check {
  const mib = (b: number) => `${Math.round(b / 1024 ** 2)} MiB`;
  if (limit === undefined)
    return {
      name: 'shared_buffers',
      outcome: 'warn',
      detail: `${mib(bytes)}; the pod has no memory limit to check it against`,
    };
  if (bytes >= limit)
    return {
      name: 'shared_buffers',
      outcome: 'fail',
      detail: `${mib(bytes)} is not below the pod's memory limit (${mib(limit)}): PostgreSQL could not start (could not map anonymous shared memory) or would be OOM-killed`,
      suggestion: `shared_buffers=${Math.floor(limit / 4 / 1024 ** 2)}MB`,
    };
  const share = bytes / limit;
  return share > 0.4
    ? {
        name: 'shared_buffers',
        outcome: 'warn',
        detail: `${mib(bytes)} is ${Math.round(share * 100)}% of the pod's ${mib(limit)}: more than 40% rarely helps, and leaves little for connections and the OS cache`,
      }
    : {
        name: 'shared_buffers',
        outcome: 'pass',
        detail: `${mib(bytes)}, ${Math.round(share * 100)}% of the pod's ${mib(limit)} memory limit`,
      };
}

/** "postgresql-0 restarts: ~15 s of refused connections", from its readiness probe (the time to be ready again). */
export function restartCost(sts: KubeObject, container: string): string {
  const c = (
    (sts.spec as { template?: { spec?: { containers?: unknown[] } } } | undefined)?.template?.spec
      ?.containers ?? []
  ).find((x) => (x as { name?: string }).name === container) as
    | { readinessProbe?: { initialDelaySeconds?: number; periodSeconds?: number } }
    | undefined;
  const probe = c?.readinessProbe;
  const pod = `${sts.metadata.name}-0`;
  if (!probe)
    return `${pod} restarts: connections are refused until it is ready again (its shutdown checkpoint, then start-up)`;
  const seconds = (probe.initialDelaySeconds ?? 0) + (probe.periodSeconds ?? 10);
  return `${pod} restarts: ~${seconds} s of refused connections (readiness probe), plus its shutdown checkpoint`;
}

async function withSql<T>(
  ctx: KnobContext,
  fn: (s: Awaited<ReturnType<typeof openKnobSql>>) => Promise<T>,
): Promise<T> {
  const session = await openKnobSql(ctx);
  try {
    return await fn(session);
  } finally {
    await session.close();
  }
}

const bytesOf = (row: PgSettingRow | undefined, value: string | undefined): number | undefined => {
  if (!row) return undefined;
  const units = valueInUnits(value ?? formatUnits(Number(row.setting), row.unit), row.unit);
  const per = row.unit === '8kB' ? 8192 : row.unit === 'kB' ? 1024 : undefined;
  return units.ok && per !== undefined ? units.value * per : undefined;
};

const SAFE_VALUE = /^[0-9]+(kB|MB|GB|TB)?$/;

/**
 * What puts the snapshot back, postgresql.auto.conf included (pure): a setting the file had is set
 * to the file's value again (the value before, if the file's is not a plain size or number); one it
 * did not have is reset out of it, so that the config file's value or the default applies again.
 */
export function restoreAction(pg: PgPlan, auto: ReadonlyMap<PostgresSetting, string>): PostgresAction {
  const set: PostgresAction['set'] = [];
  const reset: PostgresAction['reset'] = [];
  for (const c of pg.changes) {
    const inFile = auto.get(c.name);
    if (inFile === undefined) reset.push({ name: c.name, value: c.before });
    else set.push({ name: c.name, value: SAFE_VALUE.test(inFile) ? inFile : c.before });
  }
  return { set, reset };
}

async function propose(ctx: KnobContext, settings: Readonly<Record<string, string>>): Promise<ChangePlan> {
  const t = ctx.platform.tuning.postgres;
  const recommended = Object.keys(settings).length === 0;
  const requested = recommended ? t.pool.recommended : settings;
  const { rows, auto, pod } = await withSql(ctx, async (s) => ({
    rows: await readPostgresSettings(s),
    auto: await readAutoConf(s),
    pod: s.pod,
  }));
  const pg = unwrap(planPostgresSettings(rows, requested));
  const ref = workloadRef(t.namespace, t.workload.kind, t.workload.name);
  const sts = await ctx.kube.getObject(ref);
  const after = Object.fromEntries(pg.changes.map((c) => [c.name, c.after]));
  const restartWrite: {
    target: PlanTarget;
    write: ChangePlan['writes'][number];
    restore: ChangePlan['writes'][number];
    diff: ChangePlan['diff'];
  }[] = pg.restart
    ? [
        unwrap(
          templateAnnotationChange(
            sts,
            ref,
            CONFIG_HASH_ANNOTATION,
            configHash(JSON.stringify(Object.entries(after).sort())),
          ),
        ),
      ]
    : [];
  const sharedBuffers = bytesOf(
    rows.find((r) => r.name === 'shared_buffers'),
    after.shared_buffers,
  );
  const server = `PostgreSQL${pod ? ` ${pod}` : ''}`;
  const heavy = pg.changes.filter((c) => c.name !== 'effective_cache_size').map((c) => c.name);
  return finishPlan(ctx, {
    component: 'postgres',
    knobSet: 'pool',
    settings: { ...requested },
    notes: [
      ...(recommended
        ? [
            `Recommended (tuning.postgres.pool.recommended): ${Object.entries(requested)
              .map(([k, v]) => `${k}=${v}`)
              .join(' ')}.`,
            RUNBOOK_NOTE,
          ]
        : []),
      ...(pg.changes.length === 0 ? ['The server already has these values: nothing to change.'] : []),
      ...pg.changes
        .filter((c) => !c.restart)
        .map((c) => `${c.name} takes effect at the reload, for new sessions.`),
    ],
    targets: restartWrite.map((r) => r.target),
    writes: restartWrite.map((r) => r.write),
    restores: restartWrite.map((r) => r.restore),
    live: {
      apply: {
        set: pg.changes.map((c) => ({ name: c.name, value: c.after })),
        reset: [],
      } satisfies PostgresAction,
      restore: restoreAction(pg, auto),
    },
    diff: [
      ...pg.changes.map((c) => ({
        object: server,
        field: `ALTER SYSTEM ${c.name}`,
        before: c.before,
        after: c.after,
      })),
      ...restartWrite.flatMap((r) => r.diff),
    ],
    ...(pg.restart ? { restart: { workloads: [ref], cost: restartCost(sts, t.workload.container) } } : {}),
    checks: [
      {
        name: 'pg_settings',
        outcome: 'pass',
        detail: `${server}: every value within the server's own range and unit`,
      },
      ...(sharedBuffers === undefined
        ? []
        : [sharedBuffersCheck(sharedBuffers, memoryLimitOf(sts, t.workload.container))]),
    ],
    risk: heavy.length > 0 || pg.restart ? 'high' : 'low',
    riskReason:
      heavy.length > 0 || pg.restart
        ? `${pg.changes.some((c) => c.name === 'max_connections') ? 'connection limits, ' : ''}memory settings${pg.restart ? ', restarts the stateful postgresql' : ''}`
        : 'the planner’s cache estimate only, applied by a reload',
    undoable: true,
  });
}

const parseAction = (action: unknown): PostgresAction => {
  const parsed = PostgresActionSchema.safeParse(action);
  if (!parsed.success)
    throw new PerfError('internal', `bad postgres pool action: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
};

/** ALTER SYSTEM SET and RESET each, then a reload: idempotent (a retry writes the same values). */
async function live(ctx: KnobContext, action: unknown): Promise<void> {
  const { set, reset } = parseAction(action);
  const plan: PgPlan = {
    changes: set.map((s) => ({ name: s.name, before: '', after: s.value, afterUnits: 0, restart: false })),
    restart: false,
  };
  await withSql(ctx, (session) =>
    applyPostgresPlan(
      session,
      plan,
      reset.map((r) => r.name),
    ),
  );
}

/**
 * `pg_settings` reads every value (in its unit), `pending_restart = f`, no error in `pg_file_settings`,
 * and postgresql.auto.conf no longer has a setting that was reset.
 */
async function verify(ctx: KnobContext, plan: ChangePlan): Promise<Verification> {
  const { set: written, reset } = parseAction(plan.live?.apply ?? { set: [] });
  const set = [...written, ...reset];
  return withSql(ctx, async (session) => {
    const rows = await readPostgresSettings(session);
    const auto = reset.length > 0 ? await readAutoConf(session) : new Map<PostgresSetting, string>();
    const leftInFile = reset.filter((r) => auto.has(r.name));
    const changes = set.map((s) => {
      const row = rows.find((r) => r.name === s.name);
      const units = row ? valueInUnits(s.value, row.unit) : undefined;
      return {
        name: s.name,
        before: '',
        after: s.value,
        afterUnits: units?.ok ? units.value : Number.NaN,
        restart: row?.context === 'postmaster',
      };
    });
    const v = await verifyPostgresPlan(session, { changes, restart: false });
    const where = session.pod ? ` (${session.pod})` : '';
    const lines = [
      ...set
        .filter((s) => !v.notYet.some((n) => n.startsWith(`${s.name}:`)))
        .map((s) => `${s.name} = ${s.value}${where}, pending_restart = f`),
      ...v.notYet.map((n) => `not yet: ${n}`),
      ...v.fileErrors.map((e) => `pg_file_settings error: ${e}`),
      ...reset
        .filter((r) => !auto.has(r.name))
        .map((r) => `${r.name}: not in postgresql.auto.conf, as before the change`),
      ...leftInFile.map((r) => `still in postgresql.auto.conf: ${r.name} = ${auto.get(r.name)}`),
    ];
    return { ok: v.applied && leftInFile.length === 0, lines };
  });
}

export const postgresPool: KnobSet = {
  component: 'postgres',
  name: 'pool',
  summary: 'connections and memory of PostgreSQL (ALTER SYSTEM, reload, restart when needed)',
  keys: KEYS,
  propose,
  live,
  verify,
};
