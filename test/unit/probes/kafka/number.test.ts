import { describe, expect, it } from 'vitest';
import { parseLocaleNumber } from '../../../../src/probes/kafka/number.js';

describe('parseLocaleNumber', () => {
  it.each([
    ['1999.600080', 6, 1999.60008],
    ['1999,600080', 6, 1999.60008],
    ['1,999.60', 2, 1999.6],
    ['1.999,60', 2, 1999.6],
    ['12.345.678,5', 1, 12345678.5],
    ['1,234,567', 0, 1234567],
    ['100.000', 0, 100000],
    ['1,999', 0, 1999],
    ['1.999', 3, 1.999],
    ['0', 0, 0],
    ['-1', 0, -1],
    ['432.00', 2, 432],
    ['953,6911', 4, 953.6911],
  ])('reads %s (%d decimals) as %d', (token, decimals, expected) => {
    expect(parseLocaleNumber(token, decimals)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['1,999', 2, /ambiguous/],
    ['1.999', 1, /ambiguous/],
    ['NaN', 2, /not a finite number/],
    ['Infinity', 6, /not a finite number/],
    ['1.2.3,4,5', 1, /more than one decimal separator/],
    ['12,34.5', 1, /badly grouped/],
    ['1,23,456', 0, /badly grouped/],
    ['abc', 0, /not a number/],
    ['12.', 2, /not a number/],
    ['', 0, /not a number/],
  ])('rejects %s (%d decimals)', (token, decimals, message) => {
    const result = parseLocaleNumber(token, decimals);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });
});
