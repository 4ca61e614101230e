import { describe, expect, it } from 'vitest';
import { planTrinoLimits, trinoBytes } from '../../../src/changes/trino/limits.js';

const GB = 1024 ** 3;

describe('planTrinoLimits', () => {
  it('merges a known key into the current properties', () => {
    const plan = planTrinoLimits(
      { 'query.max-memory': '20GB' },
      { 'query.max-memory-per-node': '2GB' },
      16 * GB,
    );
    expect(plan).toEqual({
      ok: true,
      value: { 'query.max-memory': '20GB', 'query.max-memory-per-node': '2GB' },
    });
  });

  it('refuses a removed key with its replacement, and an unknown one with the nearest', () => {
    const plan = planTrinoLimits(
      {},
      { 'query.max-total-memory-per-node': '4GB', 'query.max-memry': '4GB' },
      16 * GB,
    );
    expect(plan.ok).toBe(false);
    if (plan.ok) return;
    expect(plan.error.userMessage).toContain(
      'was removed from Trino: use query.max-memory-per-node (removed in Trino 369)',
    );
    expect(plan.error.userMessage).toContain('did you mean `query.max-memory`');
  });

  it('keeps per-node memory and headroom below the heap', () => {
    const plan = planTrinoLimits({}, { 'query.max-memory-per-node': '12GB' }, 16 * GB);
    expect(plan.ok).toBe(false);
    if (!plan.ok)
      expect(plan.error.userMessage).toMatch(
        /\(12GB\) \+ memory\.heap-headroom-per-node \(4\.8GB\) must stay below the heap \(-Xmx 16GB\)/,
      );
  });

  it('keeps max-total-memory above max-memory', () => {
    const plan = planTrinoLimits(
      { 'query.max-total-memory': '20GB' },
      { 'query.max-memory': '20GB' },
      64 * GB,
    );
    expect(plan.ok).toBe(false);
    if (!plan.ok) expect(plan.error.userMessage).toContain('must be greater than query.max-memory');
  });

  it('reads Trino data sizes and refuses other shapes', () => {
    expect(trinoBytes('2GB')).toBe(2 * GB);
    expect(trinoBytes('1.5GB')).toBe(1.5 * GB);
    expect(trinoBytes('2gb')).toBeUndefined();
    const plan = planTrinoLimits({}, { 'query.max-cpu-time': 'forever' }, 16 * GB);
    expect(plan.ok).toBe(false);
  });
});
