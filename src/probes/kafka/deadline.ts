import { PerfError } from '../../errors.js';
import { lastLines } from './output.js';

/**
 * The Kafka tools run under an in-pod deadline (`services.kafka.inPodTimeout`): closing an exec
 * stream does not stop the process in the pod, so a producer perfbot gave up on would go on loading
 * the brokers and disturb the next baseline. coreutils `timeout` stops it in the pod instead.
 */

/** `timeout -k`: seconds between the TERM at the deadline and a KILL, for a tool that ignores TERM. */
export const KILL_AFTER_SECONDS = 10;
/** coreutils `timeout`'s exit status when the deadline was reached. */
export const DEADLINE_EXIT = 124;

/**
 * The in-pod deadline for an exec perfbot abandons after `timeoutSeconds`: 10 % earlier (2 to 15 s),
 * so that the TERM lands, the JVM exits and its status reaches perfbot before perfbot stops waiting.
 * The margin does not also cover the KILL 10 s later: that would take most of a short timeout, and
 * the Kafka tools exit on TERM.
 * @example inPodDeadlineSeconds(600) // 585
 */
export function inPodDeadlineSeconds(timeoutSeconds: number): number {
  const margin = Math.min(15, Math.max(2, Math.ceil(timeoutSeconds * 0.1)));
  return Math.max(1, timeoutSeconds - margin);
}

/** `['timeout', '-k', '10', '<seconds>', ...argv]`; the argv unchanged when there is no deadline. */
export function withDeadline(argv: readonly string[], deadlineSeconds: number | undefined): string[] {
  if (deadlineSeconds === undefined) return [...argv];
  return ['timeout', '-k', String(KILL_AFTER_SECONDS), String(deadlineSeconds), ...argv];
}

export interface DeadlineContext {
  tool: string;
  step: string;
  timeoutSeconds: number;
  /** Undefined when `inPodTimeout` is off. */
  deadlineSeconds: number | undefined;
  records: number;
}

/**
 * Exit 124: the tool reached its in-pod deadline and was stopped there. Not retryable: the same run
 * would reach the same deadline, after loading the cluster for as long again.
 */
export function deadlineError(c: DeadlineContext, output: string): PerfError {
  const seconds = c.deadlineSeconds ?? c.timeoutSeconds;
  return new PerfError('timeout', `${c.tool} reached its ${seconds} s deadline in the pod (exit 124)`, {
    userMessage:
      `${c.tool} did not finish within ${seconds} s, so it was stopped in the broker pod ` +
      `(services.kafka.timeoutSeconds is ${c.timeoutSeconds} s; the tools stop a little before it). ` +
      `Check that the brokers are healthy, or lower --records (${c.records}) or raise ` +
      'services.kafka.timeoutSeconds. Not retried: a retry would hit the same deadline.',
    retryable: false,
    context: {
      service: 'kafka',
      step: c.step,
      exitCode: DEADLINE_EXIT,
      deadlineSeconds: seconds,
      lastLines: lastLines(output),
    },
  });
}

/**
 * perfbot stopped waiting on the exec. Retryable only with the in-pod deadline, which has stopped
 * the tool by then (or will within seconds); without it the tool may still be loading the brokers,
 * and a retry would overlap it.
 */
export function execTimeoutError(c: DeadlineContext, cause: unknown): PerfError {
  const inPod = c.deadlineSeconds !== undefined;
  const still = inPod
    ? ''
    : ' It may still be running in the broker pod (services.kafka.inPodTimeout is false): check before ' +
      'the next baseline.';
  return new PerfError('timeout', `${c.tool} did not finish within ${c.timeoutSeconds} s`, {
    userMessage:
      `${c.tool} did not finish within ${c.timeoutSeconds} s (services.kafka.timeoutSeconds), so perfbot ` +
      `stopped waiting.${still} Check that the brokers are healthy, or lower --records (${c.records}) or ` +
      'raise the timeout.',
    retryable: inPod,
    cause,
    context: { service: 'kafka', step: c.step, lastLines: '' },
  });
}
