import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BottleneckAnswerSchema } from '../../src/bottlenecks/answer.js';
import { planOf } from '../../src/changes/plan.js';
import { BottleneckAction, fixCommand } from '../../src/present/bottlenecks.js';
import { blockActionPayload, sendBlockAction } from '../../src/sim/slack/requests.js';
import type { SlackMessage } from '../../src/sim/slack/state.js';
import { buttonsOf, CHANNEL, slash, waitForCard } from '../helpers/changes.js';
import { FAST, type Stack, startStack } from '../helpers/stack.js';

// `/perf bottlenecks` through Slack (issue #17): a signed slash command to the real Bolt app, a real
// worker on real Redis, the simulated platform through the real Kubernetes client, made to show the
// issue's set of problems (`--scenario bottlenecks`) or none. Alice may tune; anyone may ask.
const YAML = {
  ...FAST,
  access: { commands: { tune: ['U0ALICE'] }, approvers: ['U0BOB'] },
  bottlenecks: { timeoutSeconds: 2 },
};

const textOf = (m: Pick<SlackMessage, 'text' | 'blocks'>) =>
  `${m.text ?? ''}\n${JSON.stringify(m.blocks ?? [])}`;

/** `/perf <text>`, then its thread once its status says done or failed, and how long that took. */
async function ask(stack: Stack, text: string, user = 'U0EVE') {
  const before = new Set(stack.slack.messagesIn(CHANNEL).map((m) => m.ts));
  const started = Date.now();
  await slash(stack, text, user);
  const root = await stack.slack.waitFor((s) =>
    s.messagesIn(CHANNEL).find((m) => m.threadTs === undefined && !before.has(m.ts)),
  );
  const thread = await stack.slack.waitFor((s) => {
    const t = s.thread(CHANNEL, root.ts);
    return /: (done|failed)/.test(t.root?.text ?? '') ? t : undefined;
  }, 30_000);
  const answer = thread.replies.find((m) => /Bottlenecks/.test(textOf(m)));
  if (!answer) throw new Error(`no answer in the thread: ${JSON.stringify(thread.replies.map(textOf))}`);
  return { root: thread.root, answer, ms: Date.now() - started };
}

/** A signed click carrying `value` on the message `on`, by `user`: the body perfbot answered with. */
let clicks = 0;
async function clickValue(stack: Stack, on: SlackMessage, value: string, user: string) {
  const id = `bnclick${++clicks}`;
  const item = (JSON.parse(value) as { item?: number }).item ?? 0;
  const payload = blockActionPayload({
    actionId: `${BottleneckAction.proposeFix}:${item}`,
    value,
    userId: user,
    channelId: CHANNEL,
    messageTs: on.ts,
    ...(on.threadTs === undefined ? {} : { threadTs: on.threadTs }),
    responseUrl: stack.slack.responseUrl(id),
  });
  expect((await sendBlockAction(stack.events, stack.secret, payload)).status).toBe(200);
  const body = await stack.slack.waitFor((s) => s.state.responses.find((r) => r.id === id)?.body, 15_000);
  return { body, text: `${String(body.text ?? '')}\n${JSON.stringify(body.blocks ?? [])}` };
}

/** The stored answer a message's buttons point at, and each button's finding. */
async function storedAnswer(stack: Stack, message: SlackMessage) {
  const buttons = buttonsOf(message).filter((b) => b.action_id?.startsWith(BottleneckAction.proposeFix));
  const values = buttons.map((b) => JSON.parse(b.value ?? '{}') as { recordId: string; item: number });
  const id = values[0]?.recordId ?? '';
  const answer = BottleneckAnswerSchema.parse(await stack.store.bottlenecks.get(id));
  return { answer, buttons, values };
}

describe('/perf bottlenecks on a platform showing the known problems', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ yaml: YAML, scenario: 'bottlenecks' });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('answers in the thread within seconds, every problem found and ranked, each with its evidence and the right fix', async () => {
    // A baseline holding postgres's measure lock does not hold up a check that only reads.
    const lock = await stack.store.locks.acquireMeasure('postgres', 'baseline-0badc0de', 60_000);
    expect(lock.acquired).toBe(true);
    const { root, answer: message, ms } = await ask(stack, 'bottlenecks');
    if (lock.acquired) await stack.store.locks.release('measure', 'postgres', lock.token);
    expect(root?.text).toMatch(/bottlenecks: done/);
    // The issue asks for an answer within 5 s; the bound leaves room for a machine shared by other runs.
    expect(ms).toBeLessThan(10_000);

    const { answer, buttons, values } = await storedAnswer(stack, message);
    const text = textOf(message);
    const at = (rule: string, subject: RegExp) => {
      const index = answer.findings.findIndex((f) => f.rule === rule && subject.test(f.subject));
      expect({ rule, found: index >= 0 }).toEqual({ rule, found: true });
      const f = answer.findings[index];
      // Shown with its rank and its evidence.
      expect(text).toContain(`${index + 1}. ${f?.subject}`);
      for (const e of f?.evidence ?? []) expect(text).toContain(e.slice(0, 40));
      return { index, finding: f };
    };
    const throttled = at('cpu.throttled', /^data-platform\/trino-coordinator-\S+ trino-coordinator$/);
    expect(throttled.finding?.statement).toMatch(
      /throttled in 40% of its periods while using [\d,]+m of its/,
    );
    expect(throttled.finding?.evidence[0]).toMatch(/cAdvisor metrics \(nodes\/proxy\)/);
    at('pod.memory', /^ml-platform\/ray-head-\S+ ray-head$/);
    const oom = at('pod.oom_killed', /^redis\/redis-master-0 redis$/);
    const connections = at('postgres.connections', /^postgres$/);
    const pool = at('pool.over_database', /^dolphinscheduler Hikari pool$/);
    at('postgres.idle_in_transaction', /^postgres$/);
    at('storage.filling', /^minio\/minio-0 \/data$/);
    at('kafka.lag', /^group orders-enricher$/);
    const heap = at('jvm.heap_over_limit', /^dolphinscheduler\/dolphinscheduler-api$/);

    // The right fix where a knob addresses it, derived from the evidence.
    expect(connections.finding?.fix).toEqual({
      component: 'postgres',
      knobSet: 'pool',
      settings: { max_connections: '150' },
    });
    expect(pool.finding?.fix).toEqual({
      component: 'dolphinscheduler',
      knobSet: 'pool',
      settings: { maximum_pool_size: '80' },
    });
    expect(oom.finding?.fix).toEqual({
      component: 'redis',
      knobSet: 'cache',
      settings: { maxmemory: '768mb' },
    });
    expect(heap.finding?.fix).toEqual({
      component: 'dolphinscheduler',
      knobSet: 'jvm',
      settings: { heap: '1536m' },
    });
    // One Propose fix per finding with a fix, labelled with it, pointing at it by index only.
    const withFix = answer.findings.flatMap((f, i) => (f.fix ? [i] : []));
    expect(values.map((v) => v.item)).toEqual(withFix);
    buttons.forEach((b, n) => {
      const f = answer.findings[values[n]?.item ?? -1];
      expect(JSON.stringify(b)).toContain(
        fixCommand(f?.fix ?? { component: 'redis', knobSet: '?', settings: {} }),
      );
      expect(Object.keys(JSON.parse(b.value ?? '{}')).sort()).toEqual(['item', 'recordId', 'version']);
    });
    // Ranked: severity first.
    const rank = { critical: 0, warning: 1, info: 2 } as const;
    const order = answer.findings.map((f) => rank[f.severity]);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(answer.findings.filter((f) => f.rule === 'source')).toEqual([]);
    // It measured nothing and holds no lock.
    expect(await stack.store.locks.list()).toEqual([]);
  }, 60_000);

  it('opens the tune card for the finding from the stored answer, for those who may tune only; stale and forged references are refused privately', async () => {
    const { answer: message } = await ask(stack, 'bottlenecks');
    const { answer, buttons, values } = await storedAnswer(stack, message);
    const poolAt = answer.findings.findIndex((f) => f.rule === 'pool.over_database');
    const button = buttons[values.findIndex((v) => v.item === poolAt)];
    if (!button?.value) throw new Error('no Propose fix for the Hikari pool');

    // Eve may not tune: told privately who may, audited, nothing queued.
    const eve = await clickValue(stack, message, button.value, 'U0EVE');
    expect(eve.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(eve.text).toMatch(/You may not run `\/perf tune`.*U0ALICE/s);
    expect(await stack.store.audit.read(50)).toContainEqual(
      expect.objectContaining({ actor: 'U0EVE', action: 'bottlenecks.propose_fix', outcome: 'refused' }),
    );

    // A forged value: a finding without a fix, an answer that was never stored.
    const idleAt = answer.findings.findIndex((f) => f.rule === 'postgres.idle_in_transaction');
    const noFix = await clickValue(
      stack,
      message,
      JSON.stringify({ recordId: answer.id, version: 1, item: idleAt }),
      'U0ALICE',
    );
    expect(noFix.body).toMatchObject({ response_type: 'ephemeral' });
    expect(noFix.text).toMatch(/names no finding with a fix/);
    const unknown = await clickValue(
      stack,
      message,
      JSON.stringify({ recordId: 'bottlenecks-00000000', version: 1, item: 0 }),
      'U0ALICE',
    );
    expect(unknown.text).toMatch(/no longer known.*\/perf bottlenecks/s);

    // Alice: the answer stays (with who opened what), and the tune card follows in its thread.
    const seen = stack.slack.messagesIn(CHANNEL).length;
    const alice = await clickValue(stack, message, button.value, 'U0ALICE');
    expect(alice.body).toMatchObject({ replace_original: true });
    expect(alice.text).toMatch(
      new RegExp(
        `opened fix ${poolAt + 1}: .*/perf tune dolphinscheduler pool maximum_pool_size\\W*=80`,
        's',
      ),
    );
    const { card, record } = await waitForCard(stack, seen);
    expect(card.threadTs).toBe(message.threadTs);
    expect(record).toMatchObject({ state: 'proposed', requestedBy: 'U0ALICE', service: 'dolphinscheduler' });
    expect(planOf(record)).toMatchObject({ component: 'dolphinscheduler', knobSet: 'pool' });
    expect(textOf(card)).toContain('SPRING_DATASOURCE_HIKARI_MAXIMUM_POOL_SIZE');
    expect(buttonsOf(card).map((b) => b.action_id)).toEqual(['perf:approve', 'perf:reject']);

    // A second click opens nothing more.
    const again = await clickValue(stack, message, button.value, 'U0ALICE');
    expect(again.body).toMatchObject({ response_type: 'ephemeral' });
    expect(again.text).toMatch(new RegExp(`already proposed as ${record.id}`));
    expect((await stack.store.changes.list('dolphinscheduler')).map((c) => c.id)).toEqual([record.id]);
  }, 60_000);

  it('says "could not read" for a source that times out, and still judges the others', async () => {
    const faults = `${stack.platform.url}/sandbox/faults`;
    const set = await fetch(faults, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'exec.slow', spec: { delayMs: 6000 } }),
    });
    expect(set.status).toBe(201);
    try {
      const { root, answer: message, ms } = await ask(stack, 'bottlenecks kafka');
      expect(root?.text).toMatch(/bottlenecks kafka: done/);
      expect(ms).toBeLessThan(10_000);
      const text = textOf(message);
      expect(text).toMatch(/could not read kafka: timed out after 2 s/);
      expect(text).toMatch(/could not read network: timed out after 2 s/);
      // The API answered: the pods are still judged.
      expect(text).toMatch(/OOMKilled/);
    } finally {
      await fetch(faults, { method: 'DELETE' });
    }
  }, 60_000);
});

describe('/perf bottlenecks on a healthy platform', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ yaml: YAML });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('answers "no findings" with what was checked, and offers no button', async () => {
    const { root, answer } = await ask(stack, 'bottlenecks');
    expect(root?.text).toMatch(/bottlenecks: done.*no findings/s);
    const text = textOf(answer);
    expect(text).toMatch(/No findings/);
    for (const source of [
      'nodes (core/v1)',
      'cAdvisor metrics (nodes/proxy)',
      'df of /data (exec)',
      'ping between brokers in kafka (exec)',
      'system.runtime.queries (Trino)',
      'pg_stat_activity, pg_stat_database (PostgreSQL)',
    ])
      expect(text).toContain(source);
    expect(buttonsOf(answer)).toEqual([]);
  }, 60_000);
});
