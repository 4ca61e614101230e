import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readField } from '../../src/changes/fields.js';
import { KNOB_SETS, knobSetOf, knobSetsOf } from '../../src/changes/knob-sets.js';
import { PlatformConfigSchema } from '../../src/config/platform.js';
import { touchableObjects } from '../../src/config/tuning.js';
import { COMPONENT_NAMES } from '../../src/domain/components.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

// The tuning defaults describe the runbook's platform: every object, container, env var and
// ConfigMap key they name exists in the sandbox's seed, read through the real Kubernetes client.
let sb: TestSandbox;
const tuning = PlatformConfigSchema.parse({}).tuning;

beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(async () => {
  await sb?.close();
});

const containerPath = (name: string) => ['spec', 'template', 'spec', 'containers', { name }] as const;

describe('the tuning defaults against the seeded platform', () => {
  it('names objects that exist', async () => {
    for (const ref of touchableObjects(tuning)) {
      const o = await sb.kube.getObject(ref);
      expect(o.metadata.name, `${ref.kind} ${ref.namespace}/${ref.name}`).toBe(ref.name);
    }
  });

  it('names the workloads’ containers, the env vars already set, and the ConfigMap keys', async () => {
    const ds = await sb.kube.getObject({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'dolphinscheduler',
      name: tuning.dolphinscheduler.workload.name,
    });
    const env = (name: string) =>
      readField(ds, [...containerPath(tuning.dolphinscheduler.workload.container), 'env', { name }, 'value']);
    expect(env(tuning.dolphinscheduler.jvm.env)).toEqual(expect.any(String));
    expect(env(tuning.dolphinscheduler.pool.env.maximum_pool_size)).toEqual(expect.any(String));
    const superset = await sb.kube.getObject({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'superset',
      name: 'superset',
    });
    expect(
      readField(superset, [
        ...containerPath(tuning.superset.workload.container),
        'env',
        { name: tuning.superset.cache.hostEnv },
        'value',
      ]),
    ).toEqual(expect.any(String));
    for (const [ns, w] of [
      [tuning.trino.namespace, tuning.trino.workers],
      [tuning.trino.namespace, tuning.trino.coordinator],
      [tuning.postgres.namespace, tuning.postgres.workload],
      [tuning.redis.namespace, tuning.redis.workload],
    ] as const) {
      const o = await sb.kube.getObject({ apiVersion: 'apps/v1', kind: w.kind, namespace: ns, name: w.name });
      expect(readField(o, [...containerPath(w.container)]), w.name).not.toBeNull();
    }
    const trino = await sb.kube.getObject({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: 'data-platform',
      name: tuning.trino.configMap,
    });
    expect(Object.keys(trino.data as object)).toEqual(
      expect.arrayContaining([tuning.trino.jvmKey, tuning.trino.configKey]),
    );
    const redis = await sb.kube.getObject({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: 'redis',
      name: tuning.redis.configMap,
    });
    expect(Object.keys(redis.data as object)).toContain(tuning.redis.configKey);
  });
});

describe('the knob-set registry', () => {
  it('has the issue’s eight knob sets, one per component and name, each with keys and a summary', () => {
    expect(KNOB_SETS.map((k) => `${k.component} ${k.name}`)).toEqual([
      'dolphinscheduler jvm',
      'dolphinscheduler pool',
      'trino jvm',
      'trino limits',
      'trino analyze',
      'postgres pool',
      'redis cache',
      'superset cache',
    ]);
    for (const k of KNOB_SETS) {
      expect(COMPONENT_NAMES).toContain(k.component);
      expect(k.keys.length).toBeGreaterThan(0);
      expect(k.summary).not.toBe('');
      expect(knobSetOf(k.component, k.name)).toBe(k);
    }
    expect(knobSetOf('kafka', 'jvm')).toBeUndefined();
    expect(knobSetsOf('trino').map((k) => k.name)).toEqual(['jvm', 'limits', 'analyze']);
  });
});
