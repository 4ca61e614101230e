import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readField } from '../../src/changes/fields.js';
import { blockActionPayload, sendBlockAction } from '../../src/sim/slack/requests.js';
import {
  answer,
  buttonsOf,
  CHANNEL,
  click,
  slash,
  waitForCard,
  waitForRecord,
  writes,
} from '../helpers/changes.js';
import { FAST, type Stack, startStack } from '../helpers/stack.js';

// The tuning flow's refusals and races through Slack, the worker and the simulated cluster.
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    yaml: {
      ...FAST,
      access: { commands: { tune: ['U0ALICE'] }, approvers: ['U0BOB', 'U0CAROL'] },
      tuning: { rolloutPollMs: 50, rolloutTimeoutSeconds: 30 },
    },
  });
});
afterAll(async () => {
  await stack?.close();
});

const superset = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'superset', name: 'superset' };
const portPath = [
  'spec',
  'template',
  'spec',
  'containers',
  { name: 'superset' },
  'env',
  { name: 'REDIS_PORT' },
  'value',
];
const seen = () => stack.slack.messagesIn(CHANNEL).length;
const specAndData = (o: Record<string, unknown>) => ({ spec: o.spec ?? null, data: o.data ?? null });

/** Proposes pointing Superset at another Redis port; resolves with the card and its record. */
async function propose(port: number) {
  const at = seen();
  await slash(stack, `tune superset cache redis=cache.redis.svc.cluster.local:${port}`, 'U0ALICE');
  return waitForCard(stack, at);
}

describe('tuning races and refusals through Slack', () => {
  it('applies once when twenty Approve clicks arrive at once; the others hear who approved it', async () => {
    const { card, record } = await propose(6390);
    const before = writes(stack, 'superset').length;
    const button = buttonsOf(card).find((b) => b.action_id === 'perf:approve');
    const clicks = Array.from({ length: 20 }, (_, i) =>
      sendBlockAction(
        stack.events,
        stack.secret,
        blockActionPayload({
          actionId: 'perf:approve',
          value: button?.value ?? '',
          userId: i % 2 === 0 ? 'U0BOB' : 'U0CAROL',
          channelId: CHANNEL,
          messageTs: card.ts,
          responseUrl: stack.slack.responseUrl(`race${i}`),
        }),
      ),
    );
    for (const res of await Promise.all(clicks)) expect(res.status).toBe(200);
    const bodies = await stack.slack.waitFor((s) => {
      const got = s.state.responses.filter((r) => r.id.startsWith('race'));
      return got.length === 20 ? got.map((r) => r.body) : undefined;
    }, 20_000);
    const applied = await waitForRecord(stack, record.id, (r) => r?.state === 'applied');
    expect(applied.approvals).toHaveLength(1);
    expect(writes(stack, 'superset').length - before).toBe(1);
    expect(bodies.filter((b) => b.replace_original === true)).toHaveLength(1);
    const losers = bodies.filter((b) => b.response_type === 'ephemeral').map((b) => String(b.text));
    expect(losers).toHaveLength(19);
    for (const text of losers) expect(text).toMatch(/Already approved by|approved already/);
    expect(readField(await stack.kube.getObject(superset), portPath)).toBe('6390');
  }, 60_000);

  it('refuses a stale card: the object was changed after the card, so the proposal expires', async () => {
    const { card, record } = await propose(6391);
    await stack.kube.patchObject(
      superset,
      {
        spec: {
          template: {
            spec: { containers: [{ name: 'superset', env: [{ name: 'REDIS_PORT', value: '7000' }] }] },
          },
        },
      },
      { type: 'strategic' },
    );
    const before = writes(stack, 'superset').length;
    const refused = await click(stack, card, 'perf:approve', 'U0BOB');
    expect(refused.body).toMatchObject({ response_type: 'ephemeral' });
    expect(refused.text).toMatch(/changed since this card.*REDIS_PORT.*tune superset cache/s);
    expect((await stack.store.changes.get(record.id))?.state).toBe('expired');
    expect(writes(stack, 'superset').length).toBe(before);
    // Its card lost its buttons.
    const edited = stack.slack.messagesIn(CHANNEL).find((m) => m.ts === card.ts);
    expect(edited && buttonsOf(edited)).toEqual([]);
  }, 60_000);

  it('refuses a click after the approval window, and the proposal expires', async () => {
    const { card, record } = await propose(6392);
    // The window closed a minute ago (moved through the store's own compare-and-set).
    const moved = await stack.store.changes.transition(record.id, {
      expectedVersion: record.version,
      to: 'proposed',
      actor: 'test',
      at: new Date().toISOString(),
      patch: { expiresAt: new Date(Date.now() - 60_000).toISOString() },
    });
    expect(moved.ok).toBe(true);
    const refused = await click(stack, card, 'perf:approve', 'U0BOB');
    expect(refused.text).toMatch(/expired.*tune superset cache/s);
    expect((await stack.store.changes.get(record.id))?.state).toBe('expired');
  }, 60_000);

  it('restores the snapshot by itself when the rollout fails: the spec equals it, the thread says why', async () => {
    const snapshot = specAndData(await stack.kube.getObject(superset));
    const { card, record } = await propose(6393);
    stack.platform.sandbox.faults.set('rollout.fail', { name: 'superset', times: 1 });
    await click(stack, card, 'perf:approve', 'U0BOB');
    const ended = await waitForRecord(stack, record.id, (r) => r?.state === 'rolled_back');
    expect(ended.outcome?.summary).toMatch(/ProgressDeadlineExceeded/);
    expect(specAndData(await stack.kube.getObject(superset))).toEqual(snapshot);
    await stack.slack.waitFor((s) =>
      s
        .messagesIn(CHANNEL)
        .find((m) => m.threadTs === card.threadTs && /failed and restored/.test(m.text ?? '')),
    );
  }, 60_000);

  it('refuses a proposal on a busy component, saying who holds it', async () => {
    const lock = await stack.store.locks.acquireMeasure('superset', 'baseline-0badf00d', 60_000);
    if (!lock.acquired) throw new Error('lock not taken');
    try {
      const at = seen();
      const count = (await stack.store.changes.list()).length;
      await slash(stack, 'tune superset cache', 'U0ALICE');
      const status = await stack.slack.waitFor((s) =>
        s
          .messagesIn(CHANNEL)
          .slice(at)
          .find((m) => /busy.*baseline-0badf00d/.test(m.text ?? '')),
      );
      expect(status.text).toMatch(/superset is busy: it is being measured by job baseline-0badf00d/);
      expect((await stack.store.changes.list()).length).toBe(count);
    } finally {
      await stack.store.locks.release('measure', 'superset', lock.token);
    }
  }, 60_000);

  it("answers an unknown knob set with the component's knob sets and their keys", async () => {
    const at = seen();
    await slash(stack, 'tune superset jvm', 'U0ALICE');
    const said = await stack.slack.waitFor((s) =>
      s
        .messagesIn(CHANNEL)
        .slice(at)
        .find((m) => /no knob set/.test(m.text ?? '')),
    );
    expect(said.text).toMatch(/superset has no knob set `jvm`\. Its knob sets: `cache` \(.*keys: redis\)/);
  }, 60_000);

  it('lists changes in flight and recent ones in /perf status', async () => {
    const { record } = await propose(6395);
    const status = await slash(stack, 'status', 'U0EVE');
    const text = await answer(stack, status.id);
    expect(text).toContain(record.id);
  }, 60_000);

  it('lets the requester or an approver reject a proposal; the card says so', async () => {
    const { card, record } = await propose(6394);
    const rejected = await click(stack, card, 'perf:reject', 'U0ALICE');
    expect(rejected.body).toMatchObject({ replace_original: true });
    expect((await stack.store.changes.get(record.id))?.state).toBe('rejected');
    const late = await click(stack, card, 'perf:approve', 'U0BOB');
    expect(late.text).toMatch(/rejected: nothing to approve/);
  }, 60_000);
});
