import type { JournalStep } from './keys.js';

/**
 * Steps done once (a result posted, a chart uploaded, a flow cancelled), each with a value. A retried
 * job asks the journal before doing a step again. Step names come from `JournalStep` (`keys.ts`).
 *
 * @example if (await journal.record(JournalStep.summary(jobId), result.id)) { ... }
 */
export interface Journal {
  /** Records a step with its value if it is not recorded yet: true the first time, false after. */
  record(step: JournalStep, value: string): Promise<boolean>;
  /**
   * Records a step for `ttlMs` only: true the first time within that window, false while it lasts.
   * For what is remembered for a while and then forgotten (a Slack request seen, against replays).
   *
   * @example if (!(await journal.recordOnce(JournalStep.request(signature), 300_000))) return // a replay
   */
  recordOnce(step: JournalStep, ttlMs: number): Promise<boolean>;
  /** The value a step was recorded with, if it was. */
  read(step: JournalStep): Promise<string | undefined>;
}
