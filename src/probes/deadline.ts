import { PerfError } from '../errors.js';

/**
 * The in-pod deadline the exec probes (Kafka, Ray) run their tools under (`services.<svc>.inPodTimeout`):
 * closing an exec stream does not stop the process in the pod, so a tool perfbot gave up on would go
 * on loading the cluster and disturb the next baseline. coreutils `timeout` stops it in the pod instead.
 */

/** `timeout -k`: seconds between the TERM at the deadline and a KILL, for a tool that ignores TERM. */
export const KILL_AFTER_SECONDS = 10;
/** coreutils `timeout`'s exit status when the deadline was reached. */
export const DEADLINE_EXIT = 124;

/**
 * The in-pod deadline for an exec perfbot abandons after `timeoutSeconds`: 10 % earlier (2 to 15 s),
 * so that the TERM lands, the tool exits and its status reaches perfbot before perfbot stops waiting.
 * The margin does not also cover the KILL 10 s later: that would take most of a short timeout, and
 * the tools exit on TERM.
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

export interface DeadlineReached {
  /** What ran, for the log message: a tool's name, `ray benchmark`. */
  what: string;
  /** The deadline it reached. */
  seconds: number;
  /** The service's own advice: which settings to check or change. */
  userMessage: string;
  where: { service: string; step: string; pod?: string };
  /** The tool's last lines of output, when the probe keeps them. */
  lastLines?: string;
}

/**
 * Exit 124: the tool reached its in-pod deadline and was stopped there. Not retryable: the same run
 * would reach the same deadline, after loading the cluster for as long again.
 */
export function deadlineReachedError(d: DeadlineReached): PerfError {
  return new PerfError(
    'timeout',
    `${d.what} reached its ${d.seconds} s deadline in the pod (exit ${DEADLINE_EXIT})`,
    {
      userMessage: d.userMessage,
      retryable: false,
      context: {
        ...d.where,
        exitCode: DEADLINE_EXIT,
        deadlineSeconds: d.seconds,
        ...(d.lastLines === undefined ? {} : { lastLines: d.lastLines }),
      },
    },
  );
}
