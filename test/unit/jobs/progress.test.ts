import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/clock.js';
import type { Progress } from '../../../src/jobs/contracts.js';
import { createPacedProgress } from '../../../src/jobs/progress.js';

/** A clock whose delays resolve only when the test advances time. */
function manualClock() {
  let now = 0;
  const waiting: { at: number; resolve: () => void }[] = [];
  const clock: Clock = {
    now: () => now,
    delay: (ms) => new Promise<void>((resolve) => waiting.push({ at: now + ms, resolve })),
  };
  const advance = async (ms: number) => {
    now += ms;
    for (const w of waiting.filter((w) => w.at <= now)) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve();
    }
    await new Promise((r) => setImmediate(r));
  };
  return { clock, advance };
}

/** Paced at one update a second over a manual clock; what it sends is recorded in `sent`. */
function pacedAt1000ms() {
  const { clock, advance } = manualClock();
  const sent: number[] = [];
  const paced = createPacedProgress(
    async (u) => void sent.push(u.pct),
    clock,
    1000,
    () => undefined,
  );
  return { advance, sent, paced };
}

const p = (pct: number): Progress => ({ step: 'run', message: `at ${pct}`, pct });

describe('createPacedProgress', () => {
  it('sends the first update at once and coalesces bursts to the newest one per interval', async () => {
    const { advance, sent, paced } = pacedAt1000ms();
    paced.push(p(1));
    paced.push(p(2));
    paced.push(p(3));
    await advance(0);
    expect(sent).toEqual([1]);
    await advance(1000);
    expect(sent).toEqual([1, 3]);
  });

  it('stop drops the pending update: nothing is sent once the result is due', async () => {
    const { advance, sent, paced } = pacedAt1000ms();
    paced.push(p(1));
    paced.push(p(50));
    await paced.stop();
    expect(sent).toEqual([1]);
    paced.push(p(90));
    await advance(5000);
    expect(sent).toEqual([1]);
  });

  it('stop waits for the edit in flight, never for a paced slot', async () => {
    const { clock, advance } = manualClock();
    const sent: number[] = [];
    const release: (() => void)[] = [];
    let slots = 0;
    const paced = createPacedProgress(
      (u) => new Promise<void>((resolve) => release.push(() => resolve(void sent.push(u.pct)))),
      clock,
      1000,
      () => undefined,
      // After the first, the channel is booked for 10 s by other jobs.
      () => (slots++ === 0 ? 0 : 10_000),
    );
    paced.push(p(1));
    let stopped = false;
    const stopping = paced.stop().then(() => {
      stopped = true;
    });
    await advance(0);
    expect(stopped).toBe(false);
    release[0]?.();
    await stopping;
    expect(sent).toEqual([1]);

    const again = createPacedProgress(
      async (u) => void sent.push(u.pct),
      clock,
      1000,
      () => undefined,
      () => (slots++ === 1 ? 0 : 10_000),
    );
    again.push(p(2));
    await advance(1000);
    again.push(p(3));
    await again.stop();
    await advance(20_000);
    expect(sent).toEqual([1, 2]);
  });

  it('reports a failed send to onError, drops it and keeps going', async () => {
    const { clock, advance } = manualClock();
    const errors: unknown[] = [];
    const sent: number[] = [];
    const paced = createPacedProgress(
      async (u) => (u.pct === 1 ? Promise.reject(new Error('ratelimited')) : void sent.push(u.pct)),
      clock,
      0,
      (e) => errors.push(e),
    );
    paced.push(p(1));
    await advance(0);
    paced.push(p(2));
    await advance(0);
    expect(errors).toHaveLength(1);
    expect(sent).toEqual([2]);
  });
});

describe('createChannelPacer', () => {
  it('spaces the slots of one channel across jobs, booking none ahead, and leaves other channels alone', async () => {
    const { createChannelPacer } = await import('../../../src/jobs/progress.js');
    let now = 1000;
    const pacer = createChannelPacer(() => now);
    expect(pacer.reserve('C1', 1000)).toBe(0);
    // Two more jobs wait for the same free slot; neither books it, so a job that ends meanwhile costs the others nothing.
    expect(pacer.reserve('C1', 1000)).toBe(1000);
    expect(pacer.reserve('C1', 1000)).toBe(1000);
    expect(pacer.reserve('C2', 1000)).toBe(0);
    now = 2000;
    expect(pacer.reserve('C1', 1000)).toBe(0);
    expect(pacer.reserve('C1', 1000)).toBe(1000);
  });

  it('a job stopped while it waits for its slot wakes at once and sends nothing', async () => {
    const { systemClock } = await import('../../../src/clock.js');
    const sleeps: { signal: AbortSignal | undefined; done: Promise<void> }[] = [];
    const clock: Clock = {
      now: () => Date.now(),
      delay: (ms, signal) => {
        const done = systemClock.delay(ms, signal);
        sleeps.push({ signal, done });
        return done;
      },
    };
    const sent: number[] = [];
    const paced = createPacedProgress(
      async (u) => void sent.push(u.pct),
      clock,
      0,
      () => undefined,
      () => 3_600_000,
    );
    paced.push(p(1));
    await paced.stop();
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]?.signal?.aborted).toBe(true);
    // The hour-long sleep ended with the stop (else this await would outlast the test's timeout).
    await sleeps[0]?.done;
    expect(sent).toEqual([]);
  });
});

describe('createChannelPacer, rate limits', () => {
  it('keeps a rate-limited channel quiet for Retry-After', async () => {
    const { createChannelPacer } = await import('../../../src/jobs/progress.js');
    const now = 1000;
    const pacer = createChannelPacer(() => now);
    pacer.backOff('C1', 30_000);
    expect(pacer.reserve('C1', 1000)).toBe(30_000);
    expect(pacer.reserve('C2', 1000)).toBe(0);
  });
});
