import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/clock.js';
import { awaitingRoot, pendingOrigin, recordRoot, resolveTs } from '../../../src/jobs/root-message.js';
import { line } from '../../../src/present/document.js';
import type { MessageRef, Notifier, ThreadRef } from '../../../src/present/notifier.js';
import { createFileJournal } from '../../../src/store/file-journal.js';

const journal = () => createFileJournal(mkdtempSync(join(tmpdir(), 'perfbot-root-')));

/** A clock whose delays pass at once, advancing its time; `onDelay` runs at each wait. */
function steppingClock(onDelay: (elapsed: number) => Promise<void> = async () => undefined): Clock {
  let t = 0;
  return {
    now: () => t,
    async delay(ms) {
      t += ms;
      await onDelay(t);
    },
  };
}

/** A notifier that records where each write went. */
function recordingNotifier() {
  const writes: string[] = [];
  const notifier: Notifier = {
    postRoot: async (channel) => ({ channel, ts: '9.000001' }),
    postInThread: async (t: ThreadRef) => {
      writes.push(`reply in ${t.threadTs}`);
      return { channel: t.channel, ts: '9.000002' };
    },
    update: async (r: MessageRef) => {
      writes.push(`edit of ${r.ts}`);
    },
    postCharts: async (t) => {
      writes.push(`chart in ${t.threadTs}`);
    },
    postEphemeral: async () => undefined,
  };
  return { notifier, writes };
}

describe('the root message, posted while its job may already run', () => {
  it('writes to the thread once the bot has recorded its ts, waiting for it until then', async () => {
    const j = journal();
    const origin = pendingOrigin('U1', 'C1', 'baseline-00000001');
    const clock = steppingClock(async (elapsed) => {
      if (elapsed === 200) await recordRoot(j, 'baseline-00000001', { channel: 'C1', ts: '1700.000100' });
    });
    const { notifier, writes } = recordingNotifier();
    const awaiting = awaitingRoot(notifier, j, clock);
    await awaiting.update({ channel: 'C1', ts: origin.statusTs }, { summary: line('running'), blocks: [] });
    await awaiting.postInThread(origin.thread, { summary: line('summary'), blocks: [] });
    expect(writes).toEqual(['edit of 1700.000100', 'reply in 1700.000100']);
    expect(clock.now()).toBe(200);
  });

  it('leaves a real ts alone, without reading the journal', async () => {
    expect(await resolveTs(journal(), steppingClock(), '1700.000200')).toBe('1700.000200');
  });

  it('cancels the job when the bot could not post the root message', async () => {
    const j = journal();
    await recordRoot(j, 'baseline-00000002', undefined);
    await expect(
      resolveTs(j, steppingClock(), pendingOrigin('U1', 'C1', 'baseline-00000002').statusTs),
    ).rejects.toMatchObject({
      code: 'cancelled',
    });
  });

  it('waits a bounded time, then fails with a sentence', async () => {
    const clock = steppingClock();
    const pending = pendingOrigin('U1', 'C1', 'baseline-00000003').statusTs;
    await expect(resolveTs(journal(), clock, pending, 1_000)).rejects.toMatchObject({
      code: 'slack_api',
      userMessage: expect.stringMatching(/not started in time/),
    });
    expect(clock.now()).toBeGreaterThanOrEqual(1_000);
    expect(clock.now()).toBeLessThan(1_100);
  });
});
