import { z } from 'zod';
import { PerfError } from '../../errors.js';
import type { KubeObject } from '../../kube/port.js';
import type { KnobContext, KnobSet, Verification } from '../knob.js';
import {
  configMapRef,
  finishPlan,
  memoryLimitOf,
  parseSettings,
  readyPodOf,
  unwrap,
  workloadRef,
} from '../knob-plan.js';
import type { ChangePlan, Check } from '../plan.js';
import {
  applyRedisCache,
  MAXMEMORY_POLICIES,
  planRedisCache,
  type RedisConfigPort,
  readRedisCache,
  redisBytes,
} from '../redis/cache.js';
import { createRedisCliPort } from '../redis/cli.js';
import { configMapKeyChange } from '../writes.js';

/**
 * `/perf tune redis cache maxmemory=512mb policy=allkeys-lru`: `CONFIG SET` on the live server (the
 * plan's live action, by `redis-cli` in the Redis pod) and the same lines in its ConfigMap's
 * redis.conf in the same change, else the next restart loses them. No restart.
 */

const EXEC_TIMEOUT_MS = 15_000;

const SettingsSchema = z.strictObject({
  maxmemory: z
    .string()
    .refine((v) => redisBytes(v) !== undefined, 'a size Redis reads, such as 512mb (k = 1000, kb = 1024)')
    .optional(),
  policy: z.enum(MAXMEMORY_POLICIES).optional(),
});

const KEYS = [
  {
    name: 'maxmemory',
    description: "a size such as 512mb (0: no limit), below the container's memory limit",
  },
  { name: 'policy', description: `maxmemory-policy: ${MAXMEMORY_POLICIES.join(', ')}` },
] as const;

/** The live action: `CONFIG SET` of each, in order. Parsed again before it runs (it crosses Redis/BullMQ). */
export const RedisActionSchema = z.strictObject({
  set: z.array(
    z.discriminatedUnion('name', [
      z.strictObject({ name: z.literal('maxmemory'), value: z.string().regex(/^\d+$/) }),
      z.strictObject({ name: z.literal('maxmemory-policy'), value: z.enum(MAXMEMORY_POLICIES) }),
    ]),
  ),
});
export type RedisAction = z.infer<typeof RedisActionSchema>;

/** redis.conf with each directive set in its own line (`maxmemory 536870912`), others kept; new ones appended. */
export function setRedisConf(text: string, directives: Readonly<Record<string, string>>): string {
  const left = new Map(Object.entries(directives));
  const lines = text
    .replace(/\n$/, '')
    .split('\n')
    .filter((l, i, all) => l !== '' || i < all.length - 1);
  const out = lines.map((line) => {
    const name = /^\s*(\S+)\s/.exec(line)?.[1];
    if (name === undefined || !left.has(name)) return line;
    const value = left.get(name);
    left.delete(name);
    return `${name} ${value}`;
  });
  return `${[...out, ...[...left].map(([k, v]) => `${k} ${v}`)].join('\n')}\n`;
}

/** `redis-cli` by exec in a ready Redis pod. */
async function redisPort(
  ctx: KnobContext,
  live: KubeObject,
): Promise<{ port: RedisConfigPort; pod: string }> {
  const t = ctx.platform.tuning.redis;
  const pod = await readyPodOf(ctx, live);
  const port = createRedisCliPort((args) =>
    ctx.kube.exec({
      namespace: pod.namespace,
      pod: pod.name,
      container: t.workload.container,
      command: ['redis-cli', ...args],
      timeoutMs: EXEC_TIMEOUT_MS,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    }),
  );
  return { port, pod: pod.name };
}

const refs = (ctx: KnobContext) => {
  const t = ctx.platform.tuning.redis;
  return {
    workload: workloadRef(t.namespace, t.workload.kind, t.workload.name),
    configMap: configMapRef(t.namespace, t.configMap),
  };
};

function memoryCheck(maxmemory: number | undefined, limit: number | undefined): Check[] {
  if (maxmemory === undefined || limit === undefined) return [];
  if (maxmemory === 0)
    return [
      {
        name: 'maxmemory',
        outcome: 'warn',
        detail: 'no limit: Redis grows until the container is OOM-killed',
      },
    ];
  if (maxmemory >= limit)
    return [
      {
        name: 'maxmemory',
        outcome: 'fail',
        detail: `${maxmemory} bytes is not below the container's memory limit (${limit} bytes): the pod would be OOM-killed before Redis evicts`,
        suggestion: `maxmemory=${Math.floor((limit * 0.75) / 1024 ** 2)}mb`,
      },
    ];
  return [
    {
      name: 'maxmemory',
      outcome: 'pass',
      detail: `${maxmemory} bytes, below the container's limit (${limit} bytes)`,
    },
  ];
}

async function propose(ctx: KnobContext, settings: Readonly<Record<string, string>>): Promise<ChangePlan> {
  const t = ctx.platform.tuning.redis;
  const recommended = Object.keys(settings).length === 0;
  const requested = parseSettings(redisCache, SettingsSchema, recommended ? t.cache.recommended : settings);
  const { workload, configMap } = refs(ctx);
  const [live, cm] = await Promise.all([ctx.kube.getObject(workload), ctx.kube.getObject(configMap)]);
  const { port, pod } = await redisPort(ctx, live);
  const current = await readRedisCache(port);
  const asked = {
    ...(requested.maxmemory === undefined ? {} : { maxmemory: requested.maxmemory }),
    ...(requested.policy === undefined ? {} : { policy: requested.policy }),
  };
  const changes = unwrap(planRedisCache(current, await port.usedMemory(), asked));
  const after = {
    maxmemory: requested.maxmemory === undefined ? current.maxmemory : (redisBytes(requested.maxmemory) ?? 0),
    'maxmemory-policy': requested.policy ?? current.policy,
  };
  const text = (cm.data as Record<string, string> | undefined)?.[t.configKey] ?? '';
  const conf = unwrap(
    configMapKeyChange(
      cm,
      configMap,
      t.configKey,
      setRedisConf(text, {
        maxmemory: String(after.maxmemory),
        'maxmemory-policy': after['maxmemory-policy'],
      }),
    ),
  );
  const apply: RedisAction = {
    set: changes.map((c) => ({ name: c.name, value: c.after }) as RedisAction['set'][number]),
  };
  const restore: RedisAction = {
    set: changes.map(
      (c) =>
        ({
          name: c.name,
          value: c.name === 'maxmemory' ? String(current.maxmemory) : current.policy,
        }) as RedisAction['set'][number],
    ),
  };
  const memory = changes.some((c) => c.name === 'maxmemory');
  return finishPlan(ctx, {
    component: 'redis',
    knobSet: 'cache',
    settings: Object.fromEntries(Object.entries(requested).filter(([, v]) => v !== undefined)) as Record<
      string,
      string
    >,
    notes: [
      ...(recommended
        ? [
            `Recommended (tuning.redis.cache.recommended): maxmemory=${t.cache.recommended.maxmemory} policy=${t.cache.recommended.policy}.`,
          ]
        : []),
      `Applied live by CONFIG SET in ${pod} (no restart) and written to ${t.configMap}/${t.configKey}, so that a restart keeps it.`,
    ],
    targets: [conf.target],
    writes: [conf.write],
    restores: [conf.restore],
    live: { apply, restore },
    diff: [
      ...changes.map((c) => ({
        object: `Redis ${pod}`,
        field: `CONFIG ${c.name}`,
        before: c.name === 'maxmemory' ? String(current.maxmemory) : c.before,
        after: c.after,
      })),
      ...conf.diff,
    ],
    checks: memoryCheck(
      requested.maxmemory === undefined ? undefined : after.maxmemory,
      memoryLimitOf(live, t.workload.container),
    ),
    risk: memory ? 'high' : 'low',
    riskReason: memory
      ? 'memory setting (maxmemory)'
      : 'eviction policy only, applied live without a restart',
    undoable: true,
  });
}

async function live(ctx: KnobContext, action: unknown): Promise<void> {
  const parsed = RedisActionSchema.safeParse(action);
  if (!parsed.success)
    throw new PerfError('internal', `bad redis cache action: ${z.prettifyError(parsed.error)}`);
  const { port } = await redisPort(ctx, await ctx.kube.getObject(refs(ctx).workload));
  // CONFIG SET is idempotent: a retry sets the same values again; a refusal puts back those already set.
  await applyRedisCache(
    port,
    parsed.data.set.map((s) => ({ name: s.name, before: '', after: s.value })),
  );
}

/** `CONFIG GET` reads what the plan's live action set, and the ConfigMap carries the plan's text. */
async function verify(ctx: KnobContext, plan: ChangePlan): Promise<Verification> {
  const t = ctx.platform.tuning.redis;
  const action = RedisActionSchema.parse(plan.live?.apply ?? { set: [] });
  const { workload, configMap } = refs(ctx);
  const { port, pod } = await redisPort(ctx, await ctx.kube.getObject(workload));
  const lines: string[] = [];
  let ok = true;
  for (const { name, value } of action.set) {
    const got = await port.configGet(name);
    ok &&= got === value;
    lines.push(
      `${pod}: CONFIG GET ${name} = ${got ?? '(nothing)'}${got === value ? '' : ` (expected ${value})`}`,
    );
  }
  const want = plan.targets[0]?.after[0];
  const text = ((await ctx.kube.getObject(configMap)).data as Record<string, string> | undefined)?.[
    t.configKey
  ];
  ok &&= text === want;
  lines.push(
    `ConfigMap ${t.namespace}/${t.configMap} ${t.configKey}: ${text === want ? 'carries the settings' : `differs: ${JSON.stringify(text)}`}`,
  );
  return { ok, lines };
}

export const redisCache: KnobSet = {
  component: 'redis',
  name: 'cache',
  summary: 'maxmemory and maxmemory-policy: CONFIG SET live and the redis.conf ConfigMap',
  keys: KEYS,
  propose,
  live,
  verify,
};
