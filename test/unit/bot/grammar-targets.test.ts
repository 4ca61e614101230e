import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/bot/grammar.js';

const error = (text: string) => {
  const parsed = parseCommand(text);
  return parsed.ok ? undefined : parsed.error.message;
};

describe('baseline options against their target', () => {
  it.each([
    [
      'baseline trino --records 5000',
      /`--records` does not apply to `baseline trino` \(it applies to kafka or all\)/,
    ],
    ['baseline resources --acks 0', /`--acks` does not apply/],
    ['baseline kafka --queries 100', /applies to postgres or all/],
    ['baseline kafka --runs 3 --runs 4', /`--runs` is given twice/],
    ['baseline kafka --throughput 0', /unthrottled/],
  ])('refuses %s', (text, message) => {
    expect(error(text)).toMatch(message);
  });

  it.each([
    'baseline kafka --records 5000 --record-size 100 --throughput -1 --acks all --runs 2',
    'baseline postgres --queries 500',
    'baseline all --records 5000 --queries 100 --runs 2',
    'baseline trino --runs 5',
  ])('accepts %s', (text) => {
    expect(parseCommand(text).ok).toBe(true);
  });
});
