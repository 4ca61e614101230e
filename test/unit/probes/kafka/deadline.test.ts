import { describe, expect, it } from 'vitest';
import {
  deadlineError,
  execTimeoutError,
  inPodDeadlineSeconds,
  withDeadline,
} from '../../../../src/probes/kafka/deadline.js';

describe('inPodDeadlineSeconds', () => {
  it.each([
    [10, 8],
    [20, 18],
    [60, 54],
    [120, 108],
    [600, 585],
    [3600, 3585],
  ])('stops the tools in the pod before a %i s exec timeout: at %i s', (timeoutSeconds, expected) => {
    expect(inPodDeadlineSeconds(timeoutSeconds)).toBe(expected);
  });
});

describe('withDeadline', () => {
  const argv = ['/opt/kafka/bin/kafka-topics.sh', '--create'];

  it('prefixes coreutils timeout with a KILL 10 s after the TERM', () => {
    expect(withDeadline(argv, 585)).toEqual([
      'timeout',
      '-k',
      '10',
      '585',
      '/opt/kafka/bin/kafka-topics.sh',
      '--create',
    ]);
  });

  it('leaves the argument vector alone without a deadline', () => {
    expect(withDeadline(argv, undefined)).toEqual(argv);
  });
});

describe('timeout errors', () => {
  const c = {
    tool: 'kafka-consumer-perf-test.sh',
    step: 'consume',
    timeoutSeconds: 600,
    deadlineSeconds: 585,
    records: 1_000_000,
  };

  it('a reached deadline is not retryable and names the setting', () => {
    const error = deadlineError(c, 'line 1\nline 2\n');
    expect(error).toMatchObject({
      code: 'timeout',
      retryable: false,
      context: {
        service: 'kafka',
        step: 'consume',
        exitCode: 124,
        deadlineSeconds: 585,
        lastLines: 'line 1\nline 2',
      },
    });
    expect(error.userMessage).toMatch(
      /within 585 s.*services\.kafka\.timeoutSeconds is 600 s.*--records \(1000000\)/,
    );
  });

  it('an exec timeout is retryable only when the in-pod deadline bounds the tool', () => {
    expect(execTimeoutError(c, new Error('x')).retryable).toBe(true);
    const bare = execTimeoutError({ ...c, deadlineSeconds: undefined }, new Error('x'));
    expect(bare.retryable).toBe(false);
    expect(bare.userMessage).toMatch(/may still be running in the broker pod/);
  });
});
