import { z } from 'zod';
import type { KnobContext, KnobSet } from '../knob.js';
import { finishPlan, parseSettings, unwrap, workloadRef } from '../knob-plan.js';
import type { ChangePlan } from '../plan.js';
import { verifyWorkloadEnv } from '../verify-env.js';
import { envVarsChange } from '../writes.js';

/**
 * `/perf tune superset cache redis=host:port`: where Superset's cache and results backend find Redis
 * (`REDIS_HOST`, `REDIS_PORT` of its Deployment, as its `superset_config.py` reads them). Superset is
 * stateless: a low-risk change, one approver.
 */

/** A DNS name (RFC 1123: labels of letters, digits and `-`, at most 63 each, 253 in all). */
const DnsName = z
  .string()
  .max(253)
  .regex(
    /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/i,
    'a DNS name such as redis-master.redis.svc.cluster.local',
  );

/** `host:port`, both checked: the host a DNS name, the port 1–65535. @example RedisAddress.parse('redis:6379') */
export const RedisAddressSchema = z
  .string()
  .regex(/^[^:]+:\d{1,5}$/, 'host:port, e.g. redis-master.redis.svc.cluster.local:6379')
  .transform((s) => {
    const i = s.lastIndexOf(':');
    return { host: s.slice(0, i), port: Number(s.slice(i + 1)) };
  })
  .pipe(
    z.strictObject({
      host: DnsName,
      port: z.number().int().min(1, 'a port 1–65535').max(65535, 'a port 1–65535'),
    }),
  );

const SettingsSchema = z.strictObject({ redis: RedisAddressSchema });
const KEYS = [
  {
    name: 'redis',
    description: 'host:port of the Redis Superset caches in, e.g. redis-master.redis.svc.cluster.local:6379',
  },
] as const;

async function propose(ctx: KnobContext, settings: Readonly<Record<string, string>>): Promise<ChangePlan> {
  const t = ctx.platform.tuning.superset;
  const recommended = Object.keys(settings).length === 0;
  const { redis } = parseSettings(
    supersetCache,
    SettingsSchema,
    recommended ? t.cache.recommended : settings,
  );
  const ref = workloadRef(t.namespace, t.workload.kind, t.workload.name);
  const live = await ctx.kube.getObject(ref);
  const change = unwrap(
    envVarsChange(live, ref, t.workload.container, {
      [t.cache.hostEnv]: redis.host,
      [t.cache.portEnv]: String(redis.port),
    }),
  );
  const replicas = (live.spec as { replicas?: number } | undefined)?.replicas ?? 1;
  const unchanged = change.diff.every((d) => d.before === d.after);
  return finishPlan(ctx, {
    component: 'superset',
    knobSet: 'cache',
    settings: { redis: `${redis.host}:${redis.port}` },
    notes: [
      ...(recommended
        ? [`Recommended (tuning.superset.cache.recommended): redis=${redis.host}:${redis.port}.`]
        : []),
      ...(unchanged ? ['Superset already points there: applying it changes nothing.'] : []),
    ],
    targets: [change.target],
    writes: [change.write],
    restores: [change.restore],
    diff: change.diff,
    restart: {
      workloads: [ref],
      cost: `rolling restart of ${replicas} ${ref.name} pod${replicas === 1 ? '' : 's'}: cached charts and results are fetched again`,
    },
    checks: [],
    risk: 'low',
    riskReason: 'env of a stateless Deployment',
    undoable: true,
  });
}

export const supersetCache: KnobSet = {
  component: 'superset',
  name: 'cache',
  summary: 'the Redis Superset caches in (REDIS_HOST/REDIS_PORT of its Deployment)',
  keys: KEYS,
  propose,
  verify: verifyWorkloadEnv('superset cache', (ctx) => ctx.platform.tuning.superset),
};
