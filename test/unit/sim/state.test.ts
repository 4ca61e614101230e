import { describe, expect, it, vi } from 'vitest';
import { MemoryFaultSet } from '../../../src/sim/kube/faults.js';
import { seedPlatform } from '../../../src/sim/kube/seed.js';
import {
  discovery,
  mulberry32,
  nodeMetrics,
  podMetrics,
  resourceFor,
  SandboxStore,
} from '../../../src/sim/kube/state.js';

function seeded(options: { seed?: number; rolloutDelayMs?: number } = {}): SandboxStore {
  const store = new SandboxStore({
    seed: options.seed ?? 1,
    rolloutDelayMs: options.rolloutDelayMs ?? 60_000,
    now: () => Date.parse('2024-06-27T09:00:00Z'),
  });
  seedPlatform(store);
  return store;
}

const javaOpts = {
  spec: {
    template: {
      spec: { containers: [{ name: 'dolphinscheduler-api', env: [{ name: 'JAVA_OPTS', value: '-Xmx2g' }] }] },
    },
  },
};

describe('SandboxStore', () => {
  it('seeds the platform with running, ready pods', () => {
    const store = seeded();
    expect(store.list('Node')).toHaveLength(4);
    expect(store.list('Namespace').map((n) => n.metadata.name)).toContain('dolphinscheduler');
    expect(store.list('Pod', 'kafka').map((p) => p.metadata.name)).toEqual(['kafka-0', 'kafka-1', 'kafka-2']);
    expect(store.list('pods', 'ml-platform')).toHaveLength(3);
    for (const pod of store.list('Pod')) {
      const status = pod.status as { phase: string; containerStatuses: { ready: boolean }[] };
      expect(status.phase).toBe('Running');
      expect(status.containerStatuses.every((c) => c.ready)).toBe(true);
    }
  });

  it('finds kinds by name, plural and short name', () => {
    expect(resourceFor('deploy')?.kind).toBe('Deployment');
    expect(resourceFor('statefulsets')?.group).toBe('apps');
    expect(resourceFor('ConfigMap')?.plural).toBe('configmaps');
    expect(resourceFor('widgets')).toBeUndefined();
  });

  it('returns copies, so callers cannot change the store by accident', () => {
    const store = seeded();
    const cm = store.get('ConfigMap', 'data-platform', 'trino');
    if (!cm) throw new Error('no trino ConfigMap');
    (cm.data as Record<string, string>)['jvm.config'] = 'changed';
    const stored = store.get('ConfigMap', 'data-platform', 'trino');
    expect((stored?.data as Record<string, string> | undefined)?.['jvm.config']).toContain('-Xmx4G');
  });

  it('bumps resourceVersion on every write and generation only when spec changes', () => {
    const store = seeded();
    const before = store.get('Deployment', 'dolphinscheduler', 'dolphinscheduler-api');
    const labelled = store.patch(
      'Deployment',
      'dolphinscheduler',
      'dolphinscheduler-api',
      { metadata: { labels: { x: 'y' } } },
      { type: 'merge' },
    );
    expect(labelled.ok && labelled.value.metadata.generation).toBe(before?.metadata.generation);
    expect(labelled.ok && Number(labelled.value.metadata.resourceVersion)).toBeGreaterThan(
      Number(before?.metadata.resourceVersion),
    );
    const changed = store.patch('Deployment', 'dolphinscheduler', 'dolphinscheduler-api', javaOpts, {
      type: 'strategic',
    });
    expect(changed.ok && changed.value.metadata.generation).toBe((before?.metadata.generation ?? 0) + 1);
  });

  it('does not persist a dry run', () => {
    const store = seeded();
    const before = store.get('Deployment', 'dolphinscheduler', 'dolphinscheduler-api');
    const dry = store.patch('Deployment', 'dolphinscheduler', 'dolphinscheduler-api', javaOpts, {
      type: 'strategic',
      dryRun: true,
    });
    expect(dry.ok).toBe(true);
    expect(store.get('Deployment', 'dolphinscheduler', 'dolphinscheduler-api')).toEqual(before);
  });

  it('answers NotFound, Invalid and Conflict as the API server does', () => {
    const store = seeded();
    const missing = store.patch('Deployment', 'kafka', 'nope', {}, { type: 'merge' });
    expect(!missing.ok && missing.error).toMatchObject({
      code: 404,
      message: 'deployments.apps "nope" not found',
    });
    const invalid = store.patch('ConfigMap', 'data-platform', 'trino', { data: { n: 5 } }, { type: 'merge' });
    expect(!invalid.ok && invalid.error.code).toBe(422);
    const renamed = store.patch(
      'ConfigMap',
      'data-platform',
      'trino',
      { metadata: { name: 'other' } },
      { type: 'merge' },
    );
    expect(!renamed.ok && renamed.error.code).toBe(422);
    const stale = store.patch(
      'ConfigMap',
      'data-platform',
      'trino',
      { metadata: { resourceVersion: '1' } },
      { type: 'merge' },
    );
    expect(!stale.ok && stale.error.code).toBe(409);
  });

  it('shows a rollout in progress until the delay has passed', () => {
    const store = seeded();
    store.patch(
      'StatefulSet',
      'kafka',
      'kafka',
      {
        spec: {
          template: {
            spec: {
              containers: [{ name: 'kafka', env: [{ name: 'KAFKA_HEAP_OPTS', value: '-Xmx2G -Xms2G' }] }],
            },
          },
        },
      },
      { type: 'strategic' },
    );
    const status = store.get('StatefulSet', 'kafka', 'kafka')?.status as {
      updatedReplicas: number;
      currentRevision: string;
      updateRevision: string;
    };
    expect(status.updatedReplicas).toBe(0);
    expect(status.currentRevision).not.toBe(status.updateRevision);
    const pod = store.get('Pod', 'kafka', 'kafka-0');
    const env = (pod?.spec as { containers: { env: { value: string }[] }[] } | undefined)?.containers[0]?.env;
    expect(env?.[0]?.value).toBe('-Xmx1G -Xms1G');
    store.close();
  });

  it('fails a rollout when the rollout.fail fault is set', async () => {
    const faults = new MemoryFaultSet();
    const store = new SandboxStore({ seed: 1, rolloutDelayMs: 0, faults });
    seedPlatform(store);
    faults.set('rollout.fail', { name: 'dolphinscheduler-api', times: 1 });
    store.patch('Deployment', 'dolphinscheduler', 'dolphinscheduler-api', javaOpts, { type: 'strategic' });
    expect(faults.has('rollout.fail')).toBe(false);
    // Its new pod never becomes ready; the Deployment says so once its progress deadline has passed.
    await vi.waitFor(() => {
      const status = store.get('Deployment', 'dolphinscheduler', 'dolphinscheduler-api')?.status as {
        conditions: { type: string; reason: string }[];
      };
      expect(status.conditions.find((c) => c.type === 'Progressing')?.reason).toBe(
        'ProgressDeadlineExceeded',
      );
    });
    const pods = store.list('Pod', 'dolphinscheduler');
    expect(pods).toHaveLength(2);
    expect(
      pods.filter((p) =>
        (p.status as { conditions: { type: string; status: string }[] }).conditions.some(
          (c) => c.type === 'Ready' && c.status === 'True',
        ),
      ),
    ).toHaveLength(1);
    store.close();
  });

  it('serves discovery for the kinds it stores', () => {
    const core = discovery('/api/v1') as { resources: { name: string }[] };
    expect(core.resources.map((r) => r.name)).toEqual(
      expect.arrayContaining(['pods', 'pods/exec', 'configmaps', 'secrets', 'nodes']),
    );
    const apps = discovery('/apis/apps/v1') as { resources: { kind: string }[] };
    expect(apps.resources.map((r) => r.kind)).toEqual(['Deployment', 'StatefulSet']);
    expect(discovery('/apis/metrics.k8s.io/v1beta1')).toMatchObject({
      groupVersion: 'metrics.k8s.io/v1beta1',
    });
    expect(discovery('/apis/batch/v1')).toBeUndefined();
  });

  it('gives the same metrics for the same seed', () => {
    expect(podMetrics(seeded({ seed: 5 }), 'kafka')).toEqual(podMetrics(seeded({ seed: 5 }), 'kafka'));
    expect(nodeMetrics(seeded({ seed: 5 }))).not.toEqual(nodeMetrics(seeded({ seed: 6 })));
  });

  it('makes a pod run hot through its usage profile', () => {
    const store = seeded();
    store.setUsageProfile('redis', 'redis', { cpu: 0.98, memory: 0.98 });
    const [pod] = podMetrics(store, 'redis') as { containers: { usage: { memory: string } }[] }[];
    const ki = Number(pod?.containers[0]?.usage.memory.replace('Ki', ''));
    expect(ki * 1024).toBeGreaterThan(0.94 * 1024 ** 3);
    expect(ki * 1024).toBeLessThan(1024 ** 3);
  });
});

describe('mulberry32', () => {
  it('is reproducible and uniform enough', () => {
    const a = mulberry32(9);
    const b = mulberry32(9);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b()));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});
