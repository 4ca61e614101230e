import { PerfError } from '../../errors.js';
import { deadlineReachedError } from '../deadline.js';
import { lastLines } from './output.js';

/**
 * The Kafka tools run under the in-pod deadline (`services.kafka.inPodTimeout`, rule in
 * `../deadline.ts`); what is Kafka's own here is how its timeouts are told to the user.
 */
export {
  DEADLINE_EXIT,
  inPodDeadlineSeconds,
  KILL_AFTER_SECONDS,
  withDeadline,
} from '../deadline.js';

export interface DeadlineContext {
  tool: string;
  step: string;
  timeoutSeconds: number;
  /** Undefined when `inPodTimeout` is off. */
  deadlineSeconds: number | undefined;
  records: number;
}

/** Exit 124: the tool was stopped at its in-pod deadline; not retried (see `deadlineReachedError`). */
export function deadlineError(c: DeadlineContext, output: string): PerfError {
  const seconds = c.deadlineSeconds ?? c.timeoutSeconds;
  return deadlineReachedError({
    what: c.tool,
    seconds,
    userMessage:
      `${c.tool} did not finish within ${seconds} s, so it was stopped in the broker pod ` +
      `(services.kafka.timeoutSeconds is ${c.timeoutSeconds} s; the tools stop a little before it). ` +
      `Check that the brokers are healthy, or lower --records (${c.records}) or raise ` +
      'services.kafka.timeoutSeconds. Not retried: a retry would hit the same deadline.',
    where: { service: 'kafka', step: c.step },
    lastLines: lastLines(output),
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
