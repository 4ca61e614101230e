import { describe, expect, it } from 'vitest';
import { jsonPatch, mergePatch, strategicMergePatch } from '../../../src/sim/kube/patch.js';

const deployment = {
  metadata: { name: 'api', labels: { app: 'api', tier: 'web' } },
  spec: {
    replicas: 2,
    template: {
      spec: {
        containers: [
          {
            name: 'api',
            image: 'api:1',
            args: ['--a'],
            env: [
              { name: 'A', value: '1' },
              { name: 'B', value: '2' },
            ],
          },
          { name: 'sidecar', image: 'proxy:1' },
        ],
      },
    },
  },
};
const envPatch = {
  spec: {
    template: {
      spec: {
        containers: [
          {
            name: 'api',
            env: [
              { name: 'B', value: '3' },
              { name: 'C', value: '4' },
            ],
          },
        ],
      },
    },
  },
};

describe('mergePatch (RFC 7386)', () => {
  it('merges objects, deletes with null and replaces lists', () => {
    const result = mergePatch(deployment, {
      metadata: { labels: { tier: null, team: 'x' } },
      ...envPatch,
    }) as typeof deployment;
    expect(result.metadata.labels).toEqual({ app: 'api', team: 'x' });
    expect(result.spec.template.spec.containers).toEqual(envPatch.spec.template.spec.containers);
    expect(result.spec.replicas).toBe(2);
  });

  it('does not change its inputs', () => {
    const copy = structuredClone(deployment);
    mergePatch(deployment, { spec: { replicas: 5 } });
    expect(deployment).toEqual(copy);
  });

  it('replaces the whole document with a non-object patch', () => {
    expect(mergePatch({ a: 1 }, 'x')).toBe('x');
  });
});

describe('strategicMergePatch', () => {
  it('merges containers and env by name', () => {
    const result = strategicMergePatch(deployment, envPatch) as typeof deployment;
    const [api, sidecar] = result.spec.template.spec.containers;
    expect(api?.env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: '3' },
      { name: 'C', value: '4' },
    ]);
    expect(api?.image).toBe('api:1');
    expect(sidecar).toEqual({ name: 'sidecar', image: 'proxy:1' });
  });

  it('replaces lists of scalars and deletes an element with $patch: delete', () => {
    const patch = {
      spec: {
        template: {
          spec: { containers: [{ name: 'api', args: ['--b'], env: [{ name: 'A', $patch: 'delete' }] }] },
        },
      },
    };
    const result = strategicMergePatch(deployment, patch) as typeof deployment;
    const api = result.spec.template.spec.containers[0];
    expect(api?.args).toEqual(['--b']);
    expect(api?.env).toEqual([{ name: 'B', value: '2' }]);
  });

  it('sets the restart annotation the way kubectl rollout restart does', () => {
    const patch = {
      spec: {
        template: {
          metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2024-06-27T09:00:00Z' } },
        },
      },
    };
    const result = strategicMergePatch(deployment, patch) as {
      spec: { template: { metadata: unknown; spec: unknown } };
    };
    expect(result.spec.template.metadata).toEqual(patch.spec.template.metadata);
    expect(result.spec.template.spec).toEqual(deployment.spec.template.spec);
  });
});

describe('jsonPatch (RFC 6902)', () => {
  it('adds, replaces, removes and tests', () => {
    const result = jsonPatch(deployment, [
      { op: 'test', path: '/spec/replicas', value: 2 },
      { op: 'replace', path: '/spec/replicas', value: 3 },
      { op: 'add', path: '/spec/template/spec/containers/0/env/-', value: { name: 'Z', value: '9' } },
      { op: 'remove', path: '/metadata/labels/tier' },
      { op: 'add', path: '/metadata/annotations', value: { 'a~b/c': 'd' } },
      { op: 'replace', path: '/metadata/annotations/a~0b~1c', value: 'e' },
    ]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const doc = result.value as typeof deployment & { metadata: { annotations: Record<string, string> } };
    expect(doc.spec.replicas).toBe(3);
    expect(doc.spec.template.spec.containers[0]?.env?.at(-1)).toEqual({ name: 'Z', value: '9' });
    expect(doc.metadata.labels).toEqual({ app: 'api' });
    expect(doc.metadata.annotations).toEqual({ 'a~b/c': 'e' });
  });

  it('inserts into an array at an index', () => {
    const result = jsonPatch({ xs: [1, 3] }, [{ op: 'add', path: '/xs/1', value: 2 }]);
    expect(result).toEqual({ ok: true, value: { xs: [1, 2, 3] } });
  });

  it('moves and copies', () => {
    const result = jsonPatch({ a: { b: 1 }, c: {} }, [
      { op: 'copy', from: '/a/b', path: '/c/d' },
      { op: 'move', from: '/a', path: '/e' },
    ]);
    expect(result).toEqual({ ok: true, value: { c: { d: 1 }, e: { b: 1 } } });
  });

  it.each([
    [[{ op: 'test', path: '/spec/replicas', value: 5 }], 'test failed'],
    [[{ op: 'replace', path: '/spec/missing', value: 1 }], 'missing'],
    [[{ op: 'remove', path: '/spec/template/spec/containers/7' }], 'out of range'],
    [[{ op: 'frobnicate', path: '/spec' }], 'unexpected kind'],
    [[{ op: 'add', path: 'spec', value: 1 }], 'invalid JSON pointer'],
    [[{ op: 'add', path: '/spec/x' }], 'missing value'],
    [{ op: 'add' }, 'must be an array'],
  ])('refuses %j', (ops, message) => {
    const result = jsonPatch(deployment, ops);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(message);
  });

  it('is all or nothing', () => {
    const original = structuredClone(deployment);
    jsonPatch(deployment, [
      { op: 'replace', path: '/spec/replicas', value: 9 },
      { op: 'test', path: '/spec/replicas', value: 1 },
    ]);
    expect(deployment).toEqual(original);
  });
});
