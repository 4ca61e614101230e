import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readField } from '../../src/changes/fields.js';
import { planOf } from '../../src/changes/plan.js';
import {
  answer,
  buttonsOf,
  CHANNEL,
  click,
  slash,
  waitForCard,
  waitForRecord,
  waitForReply,
  writes,
} from '../helpers/changes.js';
import { FAST, type Stack, startStack } from '../helpers/stack.js';

// The tuning flow through Slack: signed slash commands and clicks to the real Bolt app, the Slack
// stand-in, a real worker on real Redis, and the simulated cluster through the real Kubernetes client
// (its `java` is the machine's JDK). Alice may tune; Bob, Carol and Dave may approve.
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    yaml: {
      ...FAST,
      access: {
        commands: { tune: ['U0ALICE'], rollback: ['U0ALICE'] },
        // Alice is an approver too: she still may not approve what she asked for.
        approvers: ['U0ALICE', 'U0BOB', 'U0CAROL', 'U0DAVE'],
      },
      tuning: { rolloutPollMs: 50, rolloutTimeoutSeconds: 30 },
    },
  });
});
afterAll(async () => {
  await stack?.close();
});

const superset = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'superset', name: 'superset' };
const dsApi = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  namespace: 'dolphinscheduler',
  name: 'dolphinscheduler-api',
};
const envOf = async (ref: typeof superset, container: string, name: string) =>
  readField(await stack.kube.getObject(ref), [
    'spec',
    'template',
    'spec',
    'containers',
    { name: container },
    'env',
    { name },
    'value',
  ]);
const seen = () => stack.slack.messagesIn(CHANNEL).length;

describe('/perf tune through Slack', () => {
  it('proposes a low-risk change, refuses the wrong approver, applies on the right one, verifies, and rolls back', async () => {
    const before = await envOf(superset, 'superset', 'REDIS_PORT');
    const at = seen();
    await slash(stack, 'tune superset cache redis=cache.redis.svc.cluster.local:6380', 'U0ALICE');
    const { card, record } = await waitForCard(stack, at);
    expect(record).toMatchObject({ state: 'proposed', requestedBy: 'U0ALICE', service: 'superset' });
    expect(record.card).toMatchObject({ channel: CHANNEL, ts: card.ts });
    expect(buttonsOf(card).map((b) => b.action_id)).toEqual(['perf:approve', 'perf:reject']);
    expect(writes(stack, 'superset')).toHaveLength(0);

    // Eve may not approve: told so, privately, with who may; audited; nothing changes.
    const eve = await click(stack, card, 'perf:approve', 'U0EVE');
    expect(eve.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(eve.text).toMatch(/You may not approve changes.*U0BOB/s);
    const audit = await stack.store.audit.read(50);
    expect(audit).toContainEqual(
      expect.objectContaining({ actor: 'U0EVE', action: 'change.approve', outcome: 'refused' }),
    );
    // Alice asked for it and `requesterMayApprove` is off.
    const alice = await click(stack, card, 'perf:approve', 'U0ALICE');
    expect(alice.text).toMatch(/someone else must approve it/);
    expect((await stack.store.changes.get(record.id))?.state).toBe('proposed');

    // Bob approves: the card is replaced in place, the change is applied and verified.
    const bob = await click(stack, card, 'perf:approve', 'U0BOB');
    expect(bob.body).toMatchObject({ replace_original: true });
    const applied = await waitForRecord(stack, record.id, (r) => r?.state === 'applied');
    expect(applied.approvals.map((a) => a.by)).toEqual(['U0BOB']);
    expect(applied.outcome?.summary).toMatch(/applied and verified/);
    expect(await envOf(superset, 'superset', 'REDIS_PORT')).toBe('6380');
    expect(writes(stack, 'superset')).toHaveLength(1);
    const outcome = await waitForReply(stack, /Applied and verified: superset cache.*\/perf validate/s);
    expect(outcome.threadTs).toBe(card.threadTs);
    // The card was edited in place once the change ended: no buttons left.
    const edited = stack.slack.messagesIn(CHANNEL).find((m) => m.ts === card.ts);
    expect(edited && buttonsOf(edited)).toEqual([]);

    // The ledger says who asked, who approved, what and how it ended.
    const ledger = await slash(stack, 'changes superset', 'U0EVE');
    expect(await answer(stack, ledger.id)).toMatch(new RegExp(record.id));

    // Rollback: a new proposal with the same rules, which restores the snapshot.
    const at2 = seen();
    await slash(stack, `rollback ${record.id}`, 'U0ALICE');
    const back = await waitForCard(stack, at2);
    expect(planOf(back.record).rollbackOf).toBe(record.id);
    await click(stack, back.card, 'perf:approve', 'U0CAROL');
    await waitForRecord(stack, back.record.id, (r) => r?.state === 'applied');
    expect(await envOf(superset, 'superset', 'REDIS_PORT')).toBe(before);
    // The original is moved right after its rollback is recorded applied.
    await waitForRecord(stack, record.id, (r) => r?.state === 'rolled_back');
  }, 60_000);

  it("refuses the runbook's DolphinScheduler options with the JVM's three reasons, and offers no Approve", async () => {
    const runbook =
      '-Xms1g -Xmx1g -XX:+UseG1GC -XX:MaxGCPauseMillis=200 -XX:G1NewCollectionPercentage=30 ' +
      '-XX:G1MaxNewGenPercent=40 -XX:+PrintGCDetails -XX:+PrintGCDateStamps -Xloggc:/opt/dolphinscheduler/logs/gc.log';
    const at = seen();
    const before = writes(stack, 'dolphinscheduler-api').length;
    await slash(stack, `tune dolphinscheduler jvm options="${runbook}"`, 'U0ALICE');
    const card = await stack.slack.waitFor(
      (s) =>
        s
          .messagesIn(CHANNEL)
          .slice(at)
          .find((m) => m.threadTs !== undefined && /G1MaxNewGenPercent/.test(JSON.stringify(m.blocks))),
      30_000,
    );
    const text = JSON.stringify(card.blocks);
    for (const option of ['G1NewCollectionPercentage=30', 'G1MaxNewGenPercent=40', 'PrintGCDateStamps'])
      expect(text).toContain(option);
    expect(text).toContain('G1MaxNewSizePercent');
    expect(buttonsOf(card).map((b) => b.action_id)).toEqual(['perf:reject']);
    // The thread's status says why; nothing is written, and no click can approve it.
    const root = await stack.slack.waitFor((s) =>
      s.messagesIn(CHANNEL).find((m) => m.ts === card.threadTs && /failed/.test(m.text ?? '')),
    );
    expect(root.text).toMatch(/refused by its checks/);
    expect(writes(stack, 'dolphinscheduler-api')).toHaveLength(before);
    const id = /chg-[0-9a-f]{8}/.exec(JSON.stringify(card.blocks))?.[0] ?? '';
    const forged = {
      ...card,
      blocks: [
        {
          type: 'actions',
          elements: [{ action_id: 'perf:approve', value: JSON.stringify({ recordId: id, version: 1 }) }],
        },
      ],
    };
    const refused = await click(stack, forged, 'perf:approve', 'U0BOB');
    expect(refused.text).toMatch(/checks refused this change/);
    expect((await stack.store.changes.get(id))?.state).toBe('proposed');
  }, 60_000);

  it('shows a dry run without buttons and changes nothing', async () => {
    const at = seen();
    const count = (await stack.store.changes.list()).length;
    await slash(stack, 'tune superset cache redis=other.redis.svc.cluster.local:6379 --dry-run', 'U0ALICE');
    const card = await stack.slack.waitFor(
      (s) =>
        s
          .messagesIn(CHANNEL)
          .slice(at)
          .find((m) => m.threadTs !== undefined && /dry run/i.test(`${m.text}${JSON.stringify(m.blocks)}`)),
      30_000,
    );
    expect(buttonsOf(card)).toEqual([]);
    expect((await stack.store.changes.list()).length).toBe(count);
    expect(await envOf(superset, 'superset', 'REDIS_HOST')).not.toBe('other.redis.svc.cluster.local');
  }, 60_000);

  it('needs two approvers other than the requester for a high-risk change: one click is not enough', async () => {
    const at = seen();
    await slash(stack, 'tune dolphinscheduler jvm heap=1536m', 'U0ALICE');
    const { card, record } = await waitForCard(stack, at);
    expect(planOf(record).risk).toBe('high');
    const requester = await click(stack, card, 'perf:approve', 'U0ALICE');
    expect(requester.text).toMatch(/two approvers other than you/);
    const first = await click(stack, card, 'perf:approve', 'U0BOB');
    expect(first.body).toMatchObject({ replace_original: true });
    const one = await waitForRecord(stack, record.id, (r) => (r?.approvals.length ?? 0) === 1);
    expect(one.state).toBe('proposed');
    const again = await click(stack, card, 'perf:approve', 'U0BOB');
    expect(again.text).toMatch(/approved already/);
    expect(writes(stack, 'dolphinscheduler-api').length).toBe(0);
    await click(stack, card, 'perf:approve', 'U0DAVE');
    const applied = await waitForRecord(stack, record.id, (r) => r?.state === 'applied');
    expect(applied.approvals.map((a) => a.by)).toEqual(['U0BOB', 'U0DAVE']);
    expect(await envOf(dsApi, 'dolphinscheduler-api', 'JAVA_OPTS')).toMatch(/-Xmx1536m/);
  }, 60_000);
});
