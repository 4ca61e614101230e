import { describe, expect, it } from 'vitest';
import { asPerfError, PerfError } from '../../src/errors.js';

describe('asPerfError', () => {
  it('keeps a PerfError as it is', () => {
    const error = new PerfError('timeout', 'slow', { retryable: true });
    expect(asPerfError(error)).toBe(error);
  });

  it('revives a PerfError that crossed a queue as JSON, with its code, message and context', () => {
    const original = new PerfError('probe_failed', 'kafka exited 1', {
      userMessage: 'Kafka failed: check the brokers',
      context: { service: 'kafka', step: 'produce', skipped: undefined },
    });
    const revived = asPerfError(JSON.parse(JSON.stringify(original)));
    expect(revived).toBeInstanceOf(PerfError);
    expect(revived.code).toBe('probe_failed');
    expect(revived.userMessage).toBe('Kafka failed: check the brokers');
    expect(revived.context).toEqual({ service: 'kafka', step: 'produce' });
  });

  it('turns anything else into an internal error that says what happened', () => {
    const revived = asPerfError(new TypeError('x is undefined'));
    expect(revived.code).toBe('internal');
    expect(revived.userMessage).toMatch(/x is undefined/);
    expect(asPerfError('plain text').code).toBe('internal');
    expect(asPerfError({ code: 'made_up', userMessage: 'no' }).code).toBe('internal');
  });
});
