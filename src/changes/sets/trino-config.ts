import { PerfError } from '../../errors.js';
import type { KubeObject } from '../../kube/port.js';
import type { KnobContext, Verification } from '../knob.js';
import { configMapRef, readyPodsOf, unwrap, workloadRef } from '../knob-plan.js';
import type { ChangePlan, DiffLine, KubeWrite, PlanTarget, Restart } from '../plan.js';
import {
  CONFIG_HASH_ANNOTATION,
  configHash,
  configMapKeyChange,
  templateAnnotationChange,
} from '../writes.js';

/**
 * What `trino jvm` and `trino limits` share: one key of the `trino` ConfigMap (mounted at /etc/trino
 * in the coordinator and the workers, read only at start-up), then the config-hash annotation on the
 * workers and then the coordinator, so that the engine rolls the workers first and the coordinator
 * last; verified by `cat` of the file in every new pod.
 */

const EXEC_TIMEOUT_MS = 30_000;

/** The part of a plan a ConfigMap-key change makes: targets, writes in restart order, restores, diff. */
export interface TrinoConfigChange {
  targets: PlanTarget[];
  writes: KubeWrite[];
  restores: KubeWrite[];
  diff: DiffLine[];
  restart: Restart;
}

export interface TrinoObjects {
  configMap: KubeObject;
  workers: KubeObject;
  coordinator: KubeObject;
}

/** The ConfigMap and both workloads, as the config names them. */
export async function readTrinoObjects(ctx: KnobContext): Promise<TrinoObjects> {
  const t = ctx.platform.tuning.trino;
  const [configMap, workers, coordinator] = await Promise.all([
    ctx.kube.getObject(configMapRef(t.namespace, t.configMap)),
    ctx.kube.getObject(workloadRef(t.namespace, t.workers.kind, t.workers.name)),
    ctx.kube.getObject(workloadRef(t.namespace, t.coordinator.kind, t.coordinator.name)),
  ]);
  return { configMap, workers, coordinator };
}

/** The text of one key of the ConfigMap; a `config` error when it has none. */
export function configText(configMap: KubeObject, key: string): string {
  const text = (configMap.data as Record<string, unknown> | undefined)?.[key];
  if (typeof text !== 'string')
    throw new PerfError('config', `ConfigMap ${configMap.metadata.name} has no ${key}`, {
      userMessage: `ConfigMap ${configMap.metadata.namespace}/${configMap.metadata.name} has no \`${key}\`: check \`tuning.trino\` in perfbot.yaml.`,
    });
  return text;
}

const replicasOf = (w: KubeObject) => (w.spec as { replicas?: number } | undefined)?.replicas ?? 1;

/** The writes that change `key` to `text` and roll the workers, then the coordinator. */
export function trinoConfigChange(
  ctx: KnobContext,
  objects: TrinoObjects,
  key: string,
  text: string,
): TrinoConfigChange {
  const t = ctx.platform.tuning.trino;
  const cmRef = configMapRef(t.namespace, t.configMap);
  const workersRef = workloadRef(t.namespace, t.workers.kind, t.workers.name);
  const coordinatorRef = workloadRef(t.namespace, t.coordinator.kind, t.coordinator.name);
  // The hash of the whole ConfigMap after the change: any of its keys changing rolls the pods.
  const data = { ...((objects.configMap.data ?? {}) as Record<string, string>), [key]: text };
  const hash = configHash(JSON.stringify(Object.entries(data).sort(([a], [b]) => a.localeCompare(b))));
  const changes = [
    unwrap(configMapKeyChange(objects.configMap, cmRef, key, text)),
    unwrap(templateAnnotationChange(objects.workers, workersRef, CONFIG_HASH_ANNOTATION, hash)),
    unwrap(templateAnnotationChange(objects.coordinator, coordinatorRef, CONFIG_HASH_ANNOTATION, hash)),
  ];
  const workers = replicasOf(objects.workers);
  return {
    targets: changes.map((c) => c.target),
    writes: changes.map((c) => c.write),
    restores: changes.map((c) => c.restore),
    diff: changes.flatMap((c) => c.diff),
    restart: {
      workloads: [workersRef, coordinatorRef],
      cost: `rolling restart of ${workers} trino worker${workers === 1 ? '' : 's'}, the coordinator last: queries in flight fail`,
    },
  };
}

/** The file text the plan leaves (its ConfigMap target's after side; a restore checks the old text). */
function expectedText(plan: ChangePlan, key: string): string | null {
  const target = plan.targets.find((t) => t.ref.kind === 'ConfigMap');
  const i = target?.paths.findIndex((p) => p[0] === 'data' && p[1] === key) ?? -1;
  const value = i < 0 ? undefined : target?.after[i];
  return typeof value === 'string' ? value : null;
}

/**
 * Every ready pod of the workers and the coordinator reads the plan's text in `<mountPath>/<key>`
 * (`cat` by exec): the file the new JVM started from.
 */
export async function verifyTrinoFile(
  ctx: KnobContext,
  plan: ChangePlan,
  key: string,
): Promise<Verification> {
  const t = ctx.platform.tuning.trino;
  const want = expectedText(plan, key);
  const path = `${t.mountPath}/${key}`;
  const objects = await readTrinoObjects(ctx);
  const lines: string[] = [];
  let ok = true;
  for (const [workload, container] of [
    [objects.workers, t.workers.container],
    [objects.coordinator, t.coordinator.container],
  ] as const) {
    const pods = await readyPodsOf(ctx, workload);
    if (pods.length === 0) {
      ok = false;
      lines.push(`no ready pod of ${workload.metadata.name}`);
    }
    for (const pod of pods) {
      const cat = await ctx.kube.exec({
        namespace: pod.namespace,
        pod: pod.name,
        container,
        command: ['cat', path],
        timeoutMs: EXEC_TIMEOUT_MS,
      });
      const same = cat.exitCode === 0 && cat.stdout === want;
      ok &&= same;
      lines.push(
        same
          ? `${pod.name}: ${path} reads the ${plan.rollbackOf ? 'restored' : 'new'} text (${want?.split('\n').filter(Boolean).length ?? 0} lines)`
          : `${pod.name}: ${path} ${cat.exitCode === 0 ? `differs: ${JSON.stringify(cat.stdout.slice(0, 200))}` : `unreadable: ${cat.stderr.trim()}`}`,
      );
    }
  }
  return { ok, lines };
}
