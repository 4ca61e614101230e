import type { Clock } from '../clock.js';
import type { Progress } from './contracts.js';

/**
 * Paces progress edits of one status message: Slack allows about one message per second per
 * channel, so updates closer than `intervalMs` are coalesced and only the newest is sent.
 * `flush` sends a pending update at once (before the final status).
 */
export function createPacedProgress(
  send: (update: Progress) => Promise<void>,
  clock: Clock,
  intervalMs: number,
  onError: (error: unknown) => void,
): { push(update: Progress): void; flush(): Promise<void> } {
  let lastSent = Number.NEGATIVE_INFINITY;
  let pending: Progress | undefined;
  let timer: Promise<void> | undefined;
  let inFlight: Promise<void> = Promise.resolve();

  const sendNow = () => {
    const update = pending;
    pending = undefined;
    if (!update) return inFlight;
    lastSent = clock.now();
    inFlight = inFlight.then(() => send(update)).catch(onError);
    return inFlight;
  };

  return {
    push(update) {
      pending = update;
      const wait = lastSent + intervalMs - clock.now();
      if (wait <= 0) {
        void sendNow();
      } else if (!timer) {
        timer = clock.delay(wait).then(() => {
          timer = undefined;
          return sendNow();
        });
      }
    },
    async flush() {
      await sendNow();
    },
  };
}

/**
 * Slack's limit is per channel, not per message: the jobs of one process that report in the same
 * channel (the services of `baseline all`) share its progress slots. `reserve` books the channel's
 * next slot and says how long to wait for it.
 */
export interface ChannelPacer {
  reserve(channel: string, intervalMs: number): number;
}

export function createChannelPacer(now: () => number): ChannelPacer {
  const next = new Map<string, number>();
  return {
    reserve(channel, intervalMs) {
      const t = now();
      const slot = Math.max(t, next.get(channel) ?? 0);
      next.set(channel, slot + intervalMs);
      // Forget channels quiet for a while, so that the map does not grow with every channel ever used.
      if (next.size > 1000) for (const [c, at] of next) if (at < t) next.delete(c);
      return slot - t;
    },
  };
}
