import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { collectFacts } from '../../src/bottlenecks/collect.js';
import type { Facts } from '../../src/bottlenecks/facts.js';
import { applyPlan } from '../../src/changes/engine.js';
import { KNOB_SETS } from '../../src/changes/knob-sets.js';
import type { ChangePlan } from '../../src/changes/plan.js';
import { EnvSchema } from '../../src/config/env.js';
import { PlatformConfigSchema } from '../../src/config/platform.js';
import { touchableObjects } from '../../src/config/tuning.js';
import { loadProbes } from '../../src/domain/services.js';
import { resolveDirectConnection } from '../../src/probes/postgres/direct.js';
import { jvmTools } from '../../src/sim/tools/jcmd.js';
import { kafkaTools } from '../../src/sim/tools/kafka.js';
import { psqlTools } from '../../src/sim/tools/psql.js';
import { rayTools } from '../../src/sim/tools/ray.js';
import { redisTools } from '../../src/sim/tools/redis-cli.js';
import { createTrinoRoute } from '../../src/sim/trino/route.js';
import {
  configMapPlan,
  configMapRef,
  deployment,
  envPlan,
  knobContext,
  statefulSet,
  testKnob,
} from '../helpers/change-plans.js';
import { knobContext as knobSetContext } from '../helpers/knobs.js';
import { probeDeps } from '../helpers/probe-deps.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

/**
 * The install manifests as `kubectl apply -k deploy/` sees them: rendered by the real `kubectl kustomize`
 * (.ci/run installs Debian's kubernetes-client where no kubectl is found), then checked against the calls
 * the code really makes, recorded by the simulated Kubernetes API while every probe runs through the real
 * adapter, `/perf bottlenecks` collects its facts, and the change engine applies and restores a plan on
 * each object tuning changes. A new kind of call, or a grant no call needs, fails here.
 */

interface K8sObject {
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }[];
  roleRef?: { kind: string; name: string };
  subjects?: { kind: string; name: string; namespace?: string }[];
}

/** One permission: `scope` is a namespace, or `cluster`. */
interface Need {
  scope: string;
  group: string;
  resource: string;
  verb: string;
  name?: string;
}

const WORKER = { kind: 'ServiceAccount', name: 'perfbot-worker', namespace: 'perfbot' };

function parseYaml(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

function render(): K8sObject[] {
  return parseYaml(execFileSync('kubectl', ['kustomize', 'deploy/'], { encoding: 'utf8' }));
}

/** What the worker's ServiceAccount may do, one row per (scope, group, resource, verb[, name]). */
function grants(objects: K8sObject[]): Need[] {
  // A Role is its namespace's (several namespaces have a Role of the same name); a ClusterRole is the cluster's.
  const roleId = (kind: string, namespace: string | undefined, name: string) =>
    kind === 'Role' ? `Role/${namespace ?? ''}/${name}` : `${kind}//${name}`;
  const roles = new Map(
    objects.filter((o) => o.rules).map((o) => [roleId(o.kind, o.metadata.namespace, o.metadata.name), o]),
  );
  const rows: Need[] = [];
  for (const binding of objects.filter((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding')) {
    const bound = binding.subjects?.some(
      (s) => s.kind === WORKER.kind && s.name === WORKER.name && s.namespace === WORKER.namespace,
    );
    if (!bound || !binding.roleRef) continue;
    const role = roles.get(roleId(binding.roleRef.kind, binding.metadata.namespace, binding.roleRef.name));
    const scope = binding.kind === 'ClusterRoleBinding' ? 'cluster' : (binding.metadata.namespace ?? '?');
    for (const rule of role?.rules ?? [])
      for (const group of rule.apiGroups)
        for (const resource of rule.resources)
          for (const verb of rule.verbs)
            for (const name of rule.resourceNames ?? [undefined])
              rows.push({ scope, group, resource, verb, ...(name ? { name } : {}) });
  }
  return rows;
}

const ROUTES: {
  pattern: RegExp;
  need: (m: RegExpMatchArray, method: string) => Omit<Need, 'verb'> & { verbs: string[] };
}[] = [
  {
    pattern: /^\/api\/v1\/namespaces\/([^/]+)\/pods$/,
    need: (m) => ({ scope: m[1] ?? '', group: '', resource: 'pods', verbs: ['list'] }),
  },
  {
    // Reading a pod (any); deleting one (a restore's forced rollback) only by its name.
    pattern: /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)$/,
    need: (m, method) =>
      method === 'DELETE'
        ? { scope: m[1] ?? '', group: '', resource: 'pods', verbs: ['delete'], name: m[2] ?? '' }
        : { scope: m[1] ?? '', group: '', resource: 'pods', verbs: ['get'] },
  },
  {
    // The client execs over WebSocket: a GET upgrade, authorized as `get` by older API servers and as
    // `create` by those that check WebSocket upgrades like SPDY's POST (Kubernetes ≥ 1.35): both needed.
    pattern: /^\/api\/v1\/namespaces\/([^/]+)\/pods\/[^/]+\/exec$/,
    need: (m) => ({ scope: m[1] ?? '', group: '', resource: 'pods/exec', verbs: ['create', 'get'] }),
  },
  {
    pattern: /^\/apis\/metrics\.k8s\.io\/v1beta1\/namespaces\/([^/]+)\/pods$/,
    need: (m) => ({ scope: m[1] ?? '', group: 'metrics.k8s.io', resource: 'pods', verbs: ['list'] }),
  },
  {
    pattern: /^\/api\/v1\/nodes$/,
    need: () => ({ scope: 'cluster', group: '', resource: 'nodes', verbs: ['list'] }),
  },
  {
    // The kubelet's cAdvisor metrics through the API server's node proxy (`/perf bottlenecks`).
    pattern: /^\/api\/v1\/nodes\/[^/]+\/proxy\/metrics\/cadvisor$/,
    need: () => ({ scope: 'cluster', group: '', resource: 'nodes/proxy', verbs: ['get'] }),
  },
  {
    pattern: /^\/apis\/metrics\.k8s\.io\/v1beta1\/nodes$/,
    need: () => ({ scope: 'cluster', group: 'metrics.k8s.io', resource: 'nodes', verbs: ['list'] }),
  },
  {
    // The API server authorizes a service proxy request on `services/proxy` named `<service>:<port>`
    // (the path segment as written), with the verb of its method.
    pattern: /^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/]+)\/proxy(\/.*)?$/,
    need: (m) => ({
      scope: m[1] ?? '',
      group: '',
      resource: 'services/proxy',
      verbs: [],
      name: m[2] ?? '',
    }),
  },
  {
    pattern: /^\/api\/v1\/namespaces\/([^/]+)\/pods\/[^/]+\/log$/,
    need: (m) => ({ scope: m[1] ?? '', group: '', resource: 'pods/log', verbs: ['get'] }),
  },
  {
    pattern: /^\/api\/v1\/namespaces\/([^/]+)\/events$/,
    need: (m) => ({ scope: m[1] ?? '', group: '', resource: 'events', verbs: ['list'] }),
  },
  {
    // Tuning reads and patches (a dry run too) one named object: the verb of the method.
    pattern: /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/(deployments|statefulsets)\/([^/]+)$/,
    need: (m) => ({ scope: m[1] ?? '', group: 'apps', resource: m[2] ?? '', verbs: [], name: m[3] ?? '' }),
  },
  {
    pattern: /^\/api\/v1\/namespaces\/([^/]+)\/configmaps\/([^/]+)$/,
    need: (m) => ({ scope: m[1] ?? '', group: '', resource: 'configmaps', verbs: [], name: m[2] ?? '' }),
  },
  {
    pattern: /^\/api\/v1\/namespaces\/([^/]+)\/secrets\/([^/]+)$/,
    need: (m) => ({ scope: m[1] ?? '', group: '', resource: 'secrets', verbs: ['get'], name: m[2] ?? '' }),
  },
];

/** API discovery (`/api/v1`, `/apis/apps/v1`): every authenticated identity may read it (system:discovery). */
const DISCOVERY = /^\/api(\/v1)?$|^\/apis(\/[^/]+(\/[^/]+)?)?$/;

function needsOf(requests: readonly { method: string; path: string }[]): {
  needs: Need[];
  unknown: string[];
} {
  const needs: Need[] = [];
  const unknown: string[] = [];
  for (const { method, path } of requests) {
    if (DISCOVERY.test(path)) continue;
    const route = ROUTES.map((r) => ({ r, m: path.match(r.pattern) })).find((x) => x.m);
    if (!route?.m) {
      unknown.push(`${method} ${path}`);
      continue;
    }
    const { verbs, ...rest } = route.r.need(route.m, method);
    for (const verb of verbs.length > 0 ? verbs : [VERB_OF[method] ?? method]) needs.push({ ...rest, verb });
  }
  return { needs, unknown };
}

const VERB_OF: Record<string, string> = { GET: 'get', POST: 'create', DELETE: 'delete', PATCH: 'patch' };

/** Calls made only when something goes wrong, which a clean run of every probe (and the engine's runs) do not show. */
const FAILURE_PATH_NEEDS: Need[] = [
  // A Trino query past its deadline is cancelled: DELETE of its nextUri, through the proxy.
  { scope: 'data-platform', group: '', resource: 'services/proxy', verb: 'delete', name: 'trino:8080' },
];

/**
 * The objects tuning changes (the issue's knob table on the runbook's platform), one small plan each,
 * built from the live objects, whose rollout is made to fail (`rollout.fail` on the workload that rolls
 * last) so that the engine applies, collects the evidence, and restores. TODO(#15): derive this list
 * from the default `tuning` config once it is on main.
 */
async function tuningPlans(sb: TestSandbox): Promise<{ plan: ChangePlan; failing: string }[]> {
  const { kube } = sb;
  const worker = deployment('data-platform', 'trino-worker');
  const coordinator = deployment('data-platform', 'trino-coordinator');
  return [
    {
      plan: await envPlan(
        kube,
        [deployment('dolphinscheduler', 'dolphinscheduler-api')],
        'JAVA_OPTS',
        '-Xmx1536m',
      ),
      failing: 'dolphinscheduler-api',
    },
    {
      plan: await envPlan(kube, [deployment('superset', 'superset')], 'REDIS_PORT', '6380'),
      failing: 'superset',
    },
    {
      plan: await envPlan(kube, [statefulSet('kong', 'postgresql')], 'POSTGRES_USER', 'kong2'),
      failing: 'postgresql',
    },
    {
      plan: await configMapPlan(
        kube,
        configMapRef('data-platform', 'trino'),
        'config.properties',
        'coordinator=false\n',
        [worker, coordinator],
      ),
      failing: 'trino-coordinator',
    },
    {
      plan: await configMapPlan(
        kube,
        configMapRef('redis', 'redis-configuration'),
        'redis.conf',
        'maxmemory 1gb\n',
        [statefulSet('redis', 'redis-master')],
      ),
      failing: 'redis-master',
    },
  ];
}

/**
 * Every registered knob set's own calls: `propose` (live objects, preflights in pods, dry runs), then
 * the engine applying its plan with the knob set's `live` and `verify` (exec in the new pods), on the
 * default `tuning` config. The outcomes' states.
 */
async function applyEachKnobSet(sb: TestSandbox): Promise<string[]> {
  const ctx = knobSetContext(sb.kube);
  const settings: Record<string, Record<string, string>> = { 'trino analyze': { table: 'hive.lake.orders' } };
  const states: string[] = [];
  for (const knob of KNOB_SETS) {
    const name = `${knob.component} ${knob.name}`;
    const plan = await knob.propose(ctx, settings[name] ?? {});
    const outcome = await applyPlan(ctx, knob, plan, {
      changeId: `rbac-${knob.component}-${knob.name}`,
      rolloutDeadlineMs: 5000,
      pollMs: 10,
      progress: () => undefined,
    });
    states.push(`${name}: ${outcome.state}`);
  }
  return states;
}

/** Applies every tuning plan through the engine (each one fails its rollout and is restored); the outcomes' states. */
async function applyAndRestoreEach(sb: TestSandbox): Promise<string[]> {
  const states: string[] = [];
  for (const { plan, failing } of await tuningPlans(sb)) {
    sb.sandbox.faults.set('rollout.fail', { name: failing, times: 1 });
    const outcome = await applyPlan(knobContext(sb.kube), testKnob({ inPods: false }), plan, {
      changeId: `rbac-${failing}`,
      rolloutDeadlineMs: 1500,
      pollMs: 10,
      progress: () => undefined,
    });
    states.push(`${failing}: ${outcome.state}`);
  }
  return states;
}

const key = (n: Need) => `${n.scope} ${n.group}/${n.resource} ${n.verb}${n.name ? ` ${n.name}` : ''}`;
const unique = (rows: Need[]) => [...new Set(rows.map(key))].sort();
/** The rule without its scope: the verbs a role grants must each be used somewhere. */
const shape = (n: Need) => `${n.group}/${n.resource} ${n.verb}${n.name ? ` ${n.name}` : ''}`;

describe('deploy/ as kubectl kustomize renders it', () => {
  const platform = PlatformConfigSchema.parse({});
  let objects: K8sObject[];
  let sb: TestSandbox;
  let recorded: { needs: Need[]; unknown: string[] };
  let tuned: string[];
  let knobbed: string[];
  let bottlenecks: Facts;

  beforeAll(async () => {
    objects = render();
    sb = await startTestSandbox({
      tools: { ...kafkaTools, ...psqlTools, ...rayTools, ...jvmTools, ...redisTools() },
      routes: [createTrinoRoute()],
    });
    const deps = probeDeps({ kube: sb.kube });
    for (const probe of Object.values(await loadProbes())) {
      const prepared = await probe.prepare(deps, { runs: 1 });
      try {
        await probe.runOnce(deps, prepared, 0);
      } finally {
        await prepared.close?.();
      }
    }
    bottlenecks = await collectFacts(
      { kube: sb.kube, platform, now: () => new Date().toISOString(), fetch: globalThis.fetch },
      { timeoutMs: 20_000 },
    );
    tuned = await applyAndRestoreEach(sb);
    knobbed = await applyEachKnobSet(sb);
    recorded = needsOf(sb.sandbox.requests);
    recorded.needs.push(...FAILURE_PATH_NEEDS);
  }, 120_000);
  afterAll(async () => {
    await sb?.close();
  });

  it('renders without an ID conflict, keeping each RoleBinding in its own namespace', () => {
    const bindings = objects.filter((o) => o.kind === 'RoleBinding');
    expect(new Set(bindings.map((b) => b.metadata.namespace)).size).toBeGreaterThan(1);
    const ids = objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    expect(new Set(ids).size).toBe(ids.length);
    for (const own of objects.filter((o) =>
      ['Deployment', 'ServiceAccount', 'ConfigMap', 'Service'].includes(o.kind),
    ))
      expect(own.metadata.namespace, `${own.kind}/${own.metadata.name}`).toBe('perfbot');
  });

  it('read every source of /perf bottlenecks (the calls below include them)', () => {
    const unread = Object.entries(bottlenecks).filter(([, source]) => !source?.ok);
    expect(unread).toEqual([]);
  });

  it('applied and restored a plan on every object tuning changes (the calls below include them)', () => {
    expect(tuned).toEqual([
      'dolphinscheduler-api: rolled_back',
      'superset: rolled_back',
      'postgresql: rolled_back',
      'trino-coordinator: rolled_back',
      'redis-master: rolled_back',
    ]);
  });

  it("applied every knob set's own plan, with its preflights, live action and verification", () => {
    expect(knobbed).toEqual(KNOB_SETS.map((k) => `${k.component} ${k.name}: applied`));
  });

  it('grants the worker exactly the calls the probes and the change engine make, where they make them', () => {
    expect(recorded.unknown, 'requests with no RBAC mapping in this test').toEqual([]);
    const granted = grants(objects);
    const grantedKeys = new Set(granted.map(key));
    const missing = unique(recorded.needs).filter((k) => !grantedKeys.has(k));
    expect(missing, 'calls the code makes that deploy/ does not allow').toEqual([]);
    const used = new Set(recorded.needs.map(shape));
    const unused = [...new Set(granted.map(shape))].filter((s) => !used.has(s)).sort();
    expect(unused, 'grants no call needs').toEqual([]);
  });

  it("may delete exactly the pods of the tuning config's StatefulSets, one per replica (a restore's forced rollback)", async () => {
    const statefulSets = touchableObjects(platform.tuning).filter((o) => o.kind === 'StatefulSet');
    expect(statefulSets.length).toBeGreaterThan(0);
    const derived: Need[] = [];
    for (const ref of statefulSets) {
      const replicas = ((await sb.kube.getObject(ref)).spec as { replicas?: number }).replicas ?? 1;
      for (let i = 0; i < replicas; i += 1)
        derived.push({
          scope: ref.namespace,
          group: '',
          resource: 'pods',
          verb: 'delete',
          name: `${ref.name}-${i}`,
        });
    }
    const deletes = grants(objects).filter(
      (g) => g.verb === 'delete' && g.group === '' && g.resource === 'pods',
    );
    expect(unique(deletes)).toEqual(unique(derived));
    expect(deletes.every((g) => g.name !== undefined)).toBe(true);
    // The engine's restores of those StatefulSets (their rollout failed) did delete their pods.
    const recordedDeletes = recorded.needs.filter((n) => n.verb === 'delete' && n.resource === 'pods');
    expect(unique(recordedDeletes)).toEqual(unique(derived));
  });

  it('lets the worker read pods and their metrics in every namespace perfbot.yaml names', () => {
    const services = Object.values(platform.services).flatMap((s) => ('namespace' in s ? [s.namespace] : []));
    const named = new Set([
      ...services,
      ...platform.services.resources.namespaces,
      ...platform.services.resources.volumes.map((v) => v.namespace),
    ]);
    const granted = new Set(grants(objects).map(key));
    for (const ns of named) {
      expect(granted.has(key({ scope: ns, group: '', resource: 'pods', verb: 'list' })), ns).toBe(true);
      expect(
        granted.has(key({ scope: ns, group: 'metrics.k8s.io', resource: 'pods', verb: 'list' })),
        ns,
      ).toBe(true);
    }
  });

  it('does not give the bot a Kubernetes token, nor the worker the signing secret', () => {
    const bot = objects.find((o) => o.kind === 'ServiceAccount' && o.metadata.name === 'perfbot-bot');
    expect(bot).toMatchObject({ automountServiceAccountToken: false });
    const worker = JSON.stringify(
      objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'perfbot-worker'),
    );
    expect(worker).toContain('SLACK_BOT_TOKEN');
    expect(worker).not.toContain('secretRef":{"name":"perfbot-slack"');
  });

  it('the optional PostgreSQL Secret rule names the Secret the config names, and only that one', async () => {
    const example = parseYaml(
      readFileSync('perfbot.example.yaml', 'utf8').replace('# passwordSecret:', 'passwordSecret:'),
    );
    const postgres = PlatformConfigSchema.parse(example[0]).services.postgres;
    expect(postgres.passwordSecret).toBeDefined();
    const before = sb.sandbox.requests.length;
    await resolveDirectConnection(EnvSchema.parse({}), postgres, sb.kube);
    const { needs, unknown } = needsOf(sb.sandbox.requests.slice(before));
    expect(unknown).toEqual([]);
    const optional = grants([
      ...objects,
      ...parseYaml(readFileSync('deploy/optional/postgres-direct.yaml', 'utf8')),
    ]);
    const secretGrants = optional.filter((g) => g.resource === 'secrets');
    expect(unique(secretGrants)).toEqual(unique(needs));
  });
});
