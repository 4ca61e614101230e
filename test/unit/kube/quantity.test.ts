import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatKibibytes,
  formatMillicores,
  formatNanocores,
  parseQuantity,
  toBytes,
  toMillicores,
} from '../../../src/kube/quantity.js';

function value<T>(result: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!result.ok) throw new Error(`expected ok, got ${String(result.error)}`);
  return result.value;
}

describe('toMillicores', () => {
  it.each([
    ['250m', 250],
    ['1', 1000],
    ['2.5', 2500],
    ['123456789n', 123.456789],
    ['1500u', 1.5],
    ['1e3', 1_000_000],
    ['0.1', 100],
    ['.5', 500],
    ['+3', 3000],
  ])('reads %s as %d millicores', (text, expected) => {
    expect(value(toMillicores(text))).toBeCloseTo(expected, 9);
  });
});

describe('toBytes', () => {
  it.each([
    ['1536Ki', 1_572_864],
    ['2Gi', 2_147_483_648],
    ['500M', 500_000_000],
    ['128974848', 128_974_848],
    ['129e6', 129_000_000],
    ['1E3', 1000],
    ['1E', 1e18],
    ['1.5Gi', 1_610_612_736],
    ['1Ti', 1024 ** 4],
    ['100k', 100_000],
    ['1500m', 2],
  ])('reads %s as %d bytes', (text, expected) => {
    expect(value(toBytes(text))).toBe(expected);
  });
});

describe('parseQuantity', () => {
  it.each(['', 'abc', '1.2.3', '12Xi', '1 Gi', 'Gi', '--1', '1e'])('rejects %j', (text) => {
    const result = parseQuantity(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('kube_api');
  });

  it('keeps the sign', () => {
    expect(value(parseQuantity('-250m'))).toBeCloseTo(-0.25, 12);
  });
});

describe('formatting', () => {
  it('writes CPU as metrics-server and specs do', () => {
    expect(formatNanocores(123.456789)).toBe('123456789n');
    expect(formatMillicores(2000)).toBe('2');
    expect(formatMillicores(250)).toBe('250m');
  });

  it('writes memory with binary suffixes', () => {
    expect(formatKibibytes(1_572_864)).toBe('1536Ki');
    expect(formatBytes(2_147_483_648)).toBe('2Gi');
    expect(formatBytes(1536 * 1024 * 1024)).toBe('1536Mi');
    expect(formatBytes(1000)).toBe('1000');
  });

  it('round-trips through the parser', () => {
    for (const bytes of [1024, 3 * 1024 ** 3, 7 * 1024 ** 2 + 1024]) {
      expect(value(toBytes(formatBytes(bytes)))).toBe(bytes);
    }
    for (const milli of [1, 250, 1000, 3500]) {
      expect(value(toMillicores(formatMillicores(milli)))).toBe(milli);
    }
  });
});
