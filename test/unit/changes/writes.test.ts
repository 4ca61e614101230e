import { describe, expect, it } from 'vitest';
import { targetState } from '../../../src/changes/fields.js';
import type { KubeWrite } from '../../../src/changes/plan.js';
import {
  CONFIG_HASH_ANNOTATION,
  configHash,
  configMapKeyChange,
  envVarsChange,
  type FieldChange,
  templateAnnotationChange,
} from '../../../src/changes/writes.js';
import type { Result } from '../../../src/errors.js';
import type { KubeObject } from '../../../src/kube/port.js';
import { mergePatch, strategicMergePatch } from '../../../src/sim/kube/patch.js';

// The patches are applied with the sandbox's implementation of the API server's patch semantics.
const apply = (o: KubeObject, w: KubeWrite): KubeObject =>
  (w.type === 'merge' ? mergePatch(o, w.patch) : strategicMergePatch(o, w.patch)) as unknown as KubeObject;

const deployment = (env?: unknown[], annotations?: Record<string, string>): KubeObject => ({
  kind: 'Deployment',
  metadata: { name: 'api', namespace: 'ds', resourceVersion: '7' },
  spec: {
    replicas: 1,
    template: {
      metadata: { labels: { app: 'api' }, ...(annotations ? { annotations } : {}) },
      spec: {
        containers: [
          {
            name: 'api',
            image: 'x',
            ...(env ? { env } : {}),
          },
          { name: 'sidecar', image: 'y', env: [{ name: 'JAVA_OPTS', value: 'other' }] },
        ],
      },
    },
  },
});
const ref = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'ds', name: 'api' };
const value = (r: Result<FieldChange>): FieldChange => {
  if (!r.ok) throw r.error;
  return r.value;
};

/** Write, then restore: the target reads after, then before, and the object deep-equals its snapshot. */
function roundTrip(live: KubeObject, change: FieldChange) {
  expect(targetState(live, change.target)).toBe('before');
  const written = apply(live, change.write);
  expect(targetState(written, change.target)).toBe('after');
  const restored = apply(written, change.restore);
  expect(restored).toEqual(live);
  return written;
}

const PASSWORD = { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'pg', key: 'password' } } };

describe('envVarsChange', () => {
  it('changes one variable by name, keeping the others (a Secret reference among them) and the other container', () => {
    const live = deployment([PASSWORD, { name: 'JAVA_OPTS', value: '-Xmx1g' }]);
    const change = value(envVarsChange(live, ref, 'api', { JAVA_OPTS: '-Xmx2g' }));
    expect(change.write.patch).toEqual({
      spec: {
        template: { spec: { containers: [{ name: 'api', env: [{ name: 'JAVA_OPTS', value: '-Xmx2g' }] }] } },
      },
    });
    const written = roundTrip(live, change);
    const containers = (written.spec as { template: { spec: { containers: { env: unknown[] }[] } } }).template
      .spec.containers;
    expect(containers[0]?.env).toEqual([PASSWORD, { name: 'JAVA_OPTS', value: '-Xmx2g' }]);
    expect(containers[1]?.env).toEqual([{ name: 'JAVA_OPTS', value: 'other' }]);
    expect(change.diff).toEqual([
      {
        object: 'Deployment ds/api',
        field: 'container api env JAVA_OPTS',
        before: '-Xmx1g',
        after: '-Xmx2g',
      },
    ]);
    expect(change.target.resourceVersion).toBe('7');
  });

  it('adds an absent variable and restores it with $patch: delete', () => {
    const live = deployment([PASSWORD]);
    const change = value(envVarsChange(live, ref, 'api', { A: '1', B: '2' }));
    expect(change.restore.patch).toEqual({
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'api',
                env: [
                  { name: 'A', $patch: 'delete' },
                  { name: 'B', $patch: 'delete' },
                ],
              },
            ],
          },
        },
      },
    });
    roundTrip(live, change);
    expect(change.diff.map((d) => [d.before, d.after])).toEqual([
      [null, '1'],
      [null, '2'],
    ]);
  });

  it('removes the env list it created, so that the spec equals its snapshot', () => {
    const live = deployment(undefined);
    roundTrip(live, value(envVarsChange(live, ref, 'api', { A: '1' })));
  });

  it('refuses a variable set from a Secret, and a container the template does not have', () => {
    const live = deployment([PASSWORD]);
    const fromSecret = envVarsChange(live, ref, 'api', { PGPASSWORD: 'x' });
    expect(fromSecret.ok || fromSecret.error.userMessage).toMatch(
      /set from a ConfigMap or Secret.*change it there/,
    );
    const noContainer = envVarsChange(live, ref, 'nope', { A: '1' });
    expect(noContainer.ok || noContainer.error.userMessage).toMatch(/has no container nope.*tuning/);
  });
});

describe('configMapKeyChange', () => {
  const cm: KubeObject = {
    kind: 'ConfigMap',
    metadata: { name: 'trino', namespace: 'dp', resourceVersion: '3' },
    data: { 'jvm.config': '-Xmx4G', 'config.properties': 'a=1' },
  };
  const cmRef = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'dp', name: 'trino' };

  it('merges data.<key> only, and restores the old text', () => {
    const change = value(configMapKeyChange(cm, cmRef, 'jvm.config', '-Xmx6G'));
    expect(change.write).toEqual({ ref: cmRef, type: 'merge', patch: { data: { 'jvm.config': '-Xmx6G' } } });
    expect(roundTrip(cm, change).data).toEqual({ 'jvm.config': '-Xmx6G', 'config.properties': 'a=1' });
  });

  it('deletes a key it added, and a data map it created', () => {
    roundTrip(cm, value(configMapKeyChange(cm, cmRef, 'log.properties', 'x=1')));
    const empty: KubeObject = { kind: 'ConfigMap', metadata: { name: 'trino', namespace: 'dp' } };
    roundTrip(empty, value(configMapKeyChange(empty, cmRef, 'jvm.config', '-Xmx6G')));
  });
});

describe('templateAnnotationChange', () => {
  it('sets the config-hash annotation and restores the previous value', () => {
    const live = deployment([], { [CONFIG_HASH_ANNOTATION]: 'old', other: 'kept' });
    const change = value(templateAnnotationChange(live, ref, CONFIG_HASH_ANNOTATION, configHash('-Xmx6G')));
    expect(change.diff[0]).toMatchObject({ before: 'old', after: configHash('-Xmx6G') });
    roundTrip(live, change);
  });

  it('deletes the annotation, and the map, when the template had none', () => {
    const live = deployment([]);
    const change = value(templateAnnotationChange(live, ref, CONFIG_HASH_ANNOTATION, 'abc'));
    expect(change.restore.patch).toEqual({ spec: { template: { metadata: { annotations: null } } } });
    roundTrip(live, change);
    const withOthers = deployment([], { other: 'kept' });
    const second = value(templateAnnotationChange(withOthers, ref, CONFIG_HASH_ANNOTATION, 'abc'));
    expect(second.restore.patch).toEqual({
      spec: { template: { metadata: { annotations: { [CONFIG_HASH_ANNOTATION]: null } } } },
    });
    roundTrip(withOthers, second);
  });

  it('hashes a config text to 16 hex digits, the same text to the same hash', () => {
    expect(configHash('a')).toMatch(/^[0-9a-f]{16}$/);
    expect(configHash('a')).toBe(configHash('a'));
    expect(configHash('a')).not.toBe(configHash('b'));
  });
});
