import type { Clock } from '../clock.js';
import type { Progress } from './contracts.js';

/** One job's progress line: best effort, coalesced, ended before the job's result is posted. */
export interface PacedProgress {
  /** Replaces the pending update (only the newest is ever sent); ignored once stopped. */
  push(update: Progress): void;
  /**
   * Ends progress: the pending update is dropped and nothing is sent after. Resolves when the edit
   * already in flight (a single try, never a retry) has settled, so that no progress edit lands
   * after what the caller posts next.
   */
  stop(): Promise<void>;
}

/**
 * Paces progress edits of one status message: Slack allows about one message per second per
 * channel, so updates closer than `intervalMs` are coalesced and only the newest is sent. `slot`
 * books the channel's next slot (shared by the jobs reporting in one channel) and says how long to
 * wait for it. A failed send is reported to `onError` and dropped: progress is never retried.
 */
export function createPacedProgress(
  send: (update: Progress) => Promise<void>,
  clock: Clock,
  intervalMs: number,
  onError: (error: unknown) => void,
  slot: () => number = () => 0,
): PacedProgress {
  let lastSent = Number.NEGATIVE_INFINITY;
  let pending: Progress | undefined;
  let stopped = false;
  let pumping = false;
  let inFlight: Promise<void> = Promise.resolve();
  // Stopping wakes a pump asleep on its slot, so that a job's ended progress holds no timer, closure
  // or logger until a slot far ahead comes (a burst of jobs in one channel would otherwise keep
  // thousands of them alive).
  const stopping = new AbortController();

  // Runs synchronously up to its first wait, so that an update with nothing to wait for is sent at once.
  const pump = async () => {
    pumping = true;
    try {
      while (pending !== undefined && !stopped) {
        const own = lastSent + intervalMs - clock.now();
        if (own > 0) {
          await clock.delay(own, stopping.signal);
          continue;
        }
        // The channel's slot is taken only when it is free now: asleep, nothing is booked for it.
        const wait = slot();
        if (wait > 0) {
          await clock.delay(wait, stopping.signal);
          continue;
        }
        const update = pending;
        pending = undefined;
        if (stopped || update === undefined) break;
        lastSent = clock.now();
        inFlight = send(update).catch(onError);
        await inFlight;
      }
    } finally {
      pumping = false;
    }
  };

  return {
    push(update) {
      if (stopped) return;
      pending = update;
      if (!pumping) void pump();
    },
    async stop() {
      stopped = true;
      pending = undefined;
      stopping.abort();
      await inFlight;
    },
  };
}

/**
 * Slack's limit is per channel, not per message: the jobs of one process that report in the same
 * channel (the services of `baseline all`) share its progress slots. `reserve` takes the channel's
 * slot when it is free now (0), or says how long until it is, booking nothing: the job asks again
 * then, so a job that ends while it waits leaves no slot booked ahead for the others to wait out.
 * `backOff` keeps the channel's progress quiet for as long as Slack asked (Retry-After).
 */
export interface ChannelPacer {
  reserve(channel: string, intervalMs: number): number;
  backOff(channel: string, ms: number): void;
}

export function createChannelPacer(now: () => number): ChannelPacer {
  const next = new Map<string, number>();
  return {
    reserve(channel, intervalMs) {
      const t = now();
      const free = next.get(channel) ?? 0;
      if (free > t) return free - t;
      next.set(channel, t + intervalMs);
      // Forget channels quiet for a while, so that the map does not grow with every channel ever used.
      if (next.size > 1000) for (const [c, at] of next) if (at < t) next.delete(c);
      return 0;
    },
    backOff(channel, ms) {
      next.set(channel, Math.max(next.get(channel) ?? 0, now() + ms));
    },
  };
}
