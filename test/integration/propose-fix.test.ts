import { afterAll, describe, expect, it } from 'vitest';
import { createProposeFixActions, fixJobId } from '../../src/bot/actions/propose-fix.js';
import type { BottleneckAnswer } from '../../src/bottlenecks/answer.js';
import { createConsoleNotifier } from '../../src/cli/console-notifier.js';
import { PlatformConfigSchema } from '../../src/config/platform.js';
import { createLogger } from '../../src/log.js';
import { handleInteraction } from '../../src/present/interaction.js';
import { createRedisStore } from '../../src/store/redis-store.js';
import { connectTestRedis, dropPrefix, uniquePrefix } from '../helpers/redis.js';
import { createMemoryAudit, createRecordingDispatcher } from '../helpers/slack.js';

// The Propose fix handler (issue #17) on answers stored in real Redis: what is proposed comes from the
// stored finding, the clicker is authorized as `/perf tune` (a group in `access.commands.tune`), and
// an answer whose evidence is over an hour old proposes nothing.
const prefix = uniquePrefix('fix');
const redis = connectTestRedis();
const store = createRedisStore({ redis, prefix, keepResults: 5 });
afterAll(async () => {
  await dropPrefix(redis, prefix);
  await redis.quit();
});

const NOW = Date.parse('2026-12-01T12:00:00.000Z');
const answer = (id: string, at: string): BottleneckAnswer => ({
  id,
  requestedBy: 'U0EVE',
  thread: { channel: 'C0ONCALL', threadTs: '1764590400.000100' },
  at,
  tookMs: 900,
  checked: ['pg_stat_activity, pg_stat_database (PostgreSQL)'],
  findings: [
    {
      rule: 'postgres.connections',
      severity: 'warning',
      score: 0.14,
      subject: 'postgres',
      statement: '94 of max_connections 100 in use (94%)',
      evidence: ['pg_stat_activity'],
      fix: { component: 'postgres', knobSet: 'pool', settings: { max_connections: '150' } },
    },
  ],
});

function handler() {
  const dispatcher = createRecordingDispatcher();
  const audit = createMemoryAudit();
  const printed: string[] = [];
  const registry = createProposeFixActions({
    platform: PlatformConfigSchema.parse({ access: { commands: { tune: ['S0ONCALL'] } } }),
    answers: store.bottlenecks,
    changes: store.changes,
    audit,
    dispatcher,
    notifier: createConsoleNotifier({ chartDir: '/nonexistent', write: (t) => void printed.push(t) }),
    resolveUserGroups: async (user) => (user === 'U0CAROL' ? ['S0ONCALL'] : []),
    now: () => NOW,
    log: createLogger('silent'),
  });
  const click = (user: string, value: object) =>
    handleInteraction(registry, 'perf:propose-fix:0', { id: user, source: 'slack' }, JSON.stringify(value));
  return { dispatcher, audit, click };
}

describe('Propose fix', () => {
  it('queues the tune the stored finding names, in its thread, for a member of a group allowed to tune', async () => {
    await store.bottlenecks.save(answer('bottlenecks-0000fix1', '2026-12-01T11:58:00.000Z'));
    const { dispatcher, audit, click } = handler();
    await click('U0CAROL', { recordId: 'bottlenecks-0000fix1', version: 1, item: 0 });
    expect(dispatcher.enqueued).toEqual([
      {
        command: { kind: 'tune', component: 'postgres', knob: 'pool', settings: { max_connections: '150' } },
        origin: expect.objectContaining({
          userId: 'U0CAROL',
          source: 'slack',
          thread: { channel: 'C0ONCALL', threadTs: '1764590400.000100' },
        }),
        jobId: fixJobId('bottlenecks-0000fix1', 0),
      },
    ]);
    expect(audit.entries).toContainEqual(
      expect.objectContaining({ actor: 'U0CAROL', action: 'bottlenecks.propose_fix', outcome: 'ok' }),
    );
    // Someone outside the group: refused, nothing more queued.
    await expect(
      click('U0EVE', { recordId: 'bottlenecks-0000fix1', version: 1, item: 0 }),
    ).rejects.toMatchObject({
      code: 'not_authorized',
      userMessage: expect.stringMatching(/You may not run `\/perf tune`/),
    });
    expect(dispatcher.enqueued).toHaveLength(1);
  });

  it('refuses findings read over an hour ago, and a value that names no finding', async () => {
    await store.bottlenecks.save(answer('bottlenecks-0000fix2', '2026-12-01T10:30:00.000Z'));
    const { dispatcher, click } = handler();
    await expect(
      click('U0CAROL', { recordId: 'bottlenecks-0000fix2', version: 1, item: 0 }),
    ).rejects.toMatchObject({
      code: 'conflict',
      userMessage: expect.stringMatching(
        /read at 2026-12-01T10:30:00.000Z, over 60 minutes ago.*\/perf bottlenecks/,
      ),
    });
    await expect(
      click('U0CAROL', { recordId: 'bottlenecks-0000fix2', version: 1, item: 7 }),
    ).rejects.toMatchObject({
      code: 'usage',
    });
    await expect(click('U0CAROL', { recordId: 'bottlenecks-0000fix2', version: 1 })).rejects.toMatchObject({
      code: 'usage',
    });
    expect(dispatcher.enqueued).toEqual([]);
  });
});
