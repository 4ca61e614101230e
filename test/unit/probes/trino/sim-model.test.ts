import { describe, expect, it } from 'vitest';
import {
  parseDataSize,
  parseProperties,
  parseXmx,
  readTrinoKnobs,
  type TrinoKnobs,
} from '../../../../src/sim/trino/knobs.js';
import { type CostInput, costQuery } from '../../../../src/sim/trino/model.js';
import { createTestState, trinoConfigMap, workerDeployment } from './sim-state.js';

const GB = 1024 ** 3;
const MB = 1024 ** 2;

describe('Trino knobs', () => {
  it('reads DataSize and -Xmx as Trino and the JVM do', () => {
    expect(parseDataSize('1GB')).toBe(GB);
    expect(parseDataSize('512MB')).toBe(512 * MB);
    expect(parseDataSize('1.5GB')).toBe(1.5 * GB);
    expect(parseDataSize('lots')).toBeUndefined();
    expect(parseXmx('-server\n-Xmx4G\n-XX:+UseG1GC')).toBe(4 * GB);
    expect(parseXmx('-Xmx2G\n-Xmx4096m')).toBe(4096 * MB);
    expect(parseXmx('-XX:+UseG1GC')).toBeUndefined();
  });

  it('reads properties, skipping comments', () => {
    const props = parseProperties('# memory\nquery.max-memory=4GB\n\ntask.concurrency = 8\n');
    expect([...props.entries()]).toEqual([
      ['query.max-memory', '4GB'],
      ['task.concurrency', '8'],
    ]);
  });

  it('reads the ConfigMap and the worker Deployment', () => {
    const state = createTestState();
    state.put(
      trinoConfigMap('-Xmx8G', 'query.max-memory-per-node=2GB\ntask.concurrency=2\nspill-enabled=true'),
    );
    state.put(workerDeployment(3, '3500m'));
    expect(readTrinoKnobs(state)).toEqual({
      workers: 3,
      cores: 4,
      heapBytes: 8 * GB,
      maxMemoryPerNodeBytes: 2 * GB,
      maxMemoryBytes: 20 * GB,
      taskConcurrency: 2,
      spillEnabled: true,
    });
  });

  it("falls back to Trino's defaults when the objects are missing", () => {
    const knobs = readTrinoKnobs(createTestState(1, false));
    expect(knobs).toMatchObject({ workers: 1, heapBytes: 4 * GB, spillEnabled: false });
    expect(knobs.maxMemoryPerNodeBytes).toBe(Math.round(4 * GB * 0.3));
  });
});

const base: TrinoKnobs = {
  workers: 2,
  cores: 4,
  heapBytes: 4 * GB,
  maxMemoryPerNodeBytes: GB,
  maxMemoryBytes: 4 * GB,
  taskConcurrency: 4,
  spillEnabled: false,
};

function elapsed(knobs: Partial<TrinoKnobs>, overrides: Partial<CostInput> = {}): number {
  const fixed = () => 0.5;
  const outcome = costQuery({
    kind: 'join',
    rows: 1_000_000,
    storedRows: 1_000_000,
    knobs: { ...base, ...knobs },
    random: fixed,
    cold: false,
    slowFactor: 1,
    ...overrides,
  });
  if (!outcome.ok) throw new Error(outcome.error.errorName);
  return outcome.figures.elapsedMs;
}

describe('Trino cost model', () => {
  it('runs faster with more workers and a larger heap, slower cold or slowed', () => {
    expect(elapsed({ workers: 4 })).toBeLessThan(elapsed({}));
    expect(elapsed({ heapBytes: 8 * GB })).toBeLessThan(elapsed({}));
    expect(elapsed({ heapBytes: 2 * GB })).toBeGreaterThan(elapsed({}));
    expect(elapsed({}, { cold: true })).toBeGreaterThan(elapsed({}));
    expect(elapsed({}, { slowFactor: 5 })).toBeGreaterThan(3 * elapsed({}));
  });

  it('fails past the per-node limit without spill, and spills with it', () => {
    const input = {
      kind: 'join' as const,
      rows: 1_000_000,
      storedRows: 0,
      random: () => 0.5,
      cold: false,
      slowFactor: 1,
    };
    const tight = { ...base, maxMemoryPerNodeBytes: 128 * MB };
    const failed = costQuery({ ...input, knobs: tight });
    expect(failed.ok).toBe(false);
    if (!failed.ok) {
      expect(failed.error.errorName).toBe('EXCEEDED_LOCAL_MEMORY_LIMIT');
      expect(failed.error.message).toMatch(/^Query exceeded per-node memory limit of 128MB \[Allocated: /);
    }
    const spilled = costQuery({ ...input, knobs: { ...tight, spillEnabled: true } });
    expect(spilled.ok && spilled.figures.spilledBytes).toBeGreaterThan(0);
    expect(spilled.ok && spilled.figures.elapsedMs).toBeGreaterThan(elapsed({}));
  });

  it('fails when the heap cannot hold the working set, or no worker runs', () => {
    const run = (knobs: Partial<TrinoKnobs>) =>
      costQuery({
        kind: 'join',
        rows: 1_000_000,
        storedRows: 0,
        knobs: { ...base, ...knobs },
        random: () => 0.5,
        cold: false,
        slowFactor: 1,
      });
    expect(run({ heapBytes: GB })).toMatchObject({
      ok: false,
      error: { errorName: 'CLUSTER_OUT_OF_MEMORY' },
    });
    expect(run({ workers: 0 })).toMatchObject({ ok: false, error: { errorName: 'NO_NODES_AVAILABLE' } });
    expect(run({ maxMemoryBytes: 256 * MB })).toMatchObject({
      ok: false,
      error: { errorName: 'EXCEEDED_GLOBAL_MEMORY_LIMIT', errorType: 'INSUFFICIENT_RESOURCES' },
    });
  });
});
