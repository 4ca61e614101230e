import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRayBench, parseRayInfo } from '../../../../src/probes/ray/parse.js';

const fixture = (name: string) => readFileSync(new URL(`../../../fixtures/${name}`, import.meta.url), 'utf8');

describe('parseRayBench', () => {
  it('finds the result line among Ray log lines', () => {
    const result = parseRayBench(fixture('ray-2.9-bench.json.txt'));
    if (!result.ok) throw result.error;
    expect(result.value).toMatchObject({
      tiny_tasks_per_sec: 2463.118,
      cpu_tasks_per_sec: 418.274,
      io_tasks_per_sec: 231.906,
      nodes: 3,
      ray_version: '2.9.3',
      resources: { CPU: 12, memory: 36077725286 },
    });
    expect(result.value.resources.GPU).toBeUndefined();
  });

  it('keeps GPUs and other resources when the cluster has them', () => {
    const result = parseRayBench(fixture('ray-2.30-gpu.json'));
    if (!result.ok) throw result.error;
    expect(result.value.resources).toMatchObject({ CPU: 40, GPU: 4, object_store_memory: 51539607552 });
  });

  it('says the result line is missing when only logs and a cut-off line were printed', () => {
    const result = parseRayBench(fixture('ray-no-result.json.txt'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('probe_failed');
    expect(result.error.userMessage).toMatch(/printed no result line/);
    expect(result.error.userMessage).toContain('"tiny_tasks_per_sec": 2463.1, "cpu_tasks_per_sec":');
  });

  it('names the fields of an invalid result line', () => {
    const result = parseRayBench(fixture('ray-invalid-result.json.txt'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.userMessage).toMatch(/cpu_tasks_per_sec/);
    expect(result.error.userMessage).toMatch(/CPU/);
  });

  it('fails on empty output', () => {
    expect(parseRayBench('').ok).toBe(false);
  });
});

describe('parseRayInfo', () => {
  it('reads the --info-only line', () => {
    const result = parseRayInfo(fixture('ray-2.9-info.json.txt'));
    if (!result.ok) throw result.error;
    expect(result.value).toEqual({
      nodes: 3,
      ray_version: '2.9.3',
      resources: { CPU: 12, memory: 36077725286, object_store_memory: 15461882265 },
    });
  });
});
