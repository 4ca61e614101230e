import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBotApp, resolveSlackMode } from '../../src/bot/app.js';
import { loadConfig } from '../../src/config/load.js';
import { pendingOrigin } from '../../src/jobs/root-message.js';
import { createLogger } from '../../src/log.js';
import { blockActionPayload, sendBlockAction, sendSlashCommand } from '../../src/sim/slack/requests.js';
import { type FakeSlack, startFakeSlack } from '../../src/sim/slack/server.js';
import { JournalStep } from '../../src/store/keys.js';
import {
  ackText,
  createMemoryAudit,
  createRecordingDispatcher,
  createTestJournal,
  SIGNING_SECRET,
  startTestBot,
  type TestBot,
} from '../helpers/slack.js';

const YAML = `
access:
  commands:
    tune: [U0ALICE]
    history: [U0ALICE, S0PERF]
`;

let slack: FakeSlack;
let t: TestBot;

beforeAll(async () => {
  slack = await startFakeSlack();
});
afterAll(async () => {
  await slack.close();
});
beforeEach(async () => {
  t = await startTestBot({ slack, yaml: YAML, readiness: async () => true });
});
afterEach(async () => {
  await t.stop();
});

describe('/perf baseline over HTTP', () => {
  it('acks a signed command at once, queues it with the thread ts pending, opens the thread naming the job, and records its ts', async () => {
    const res = await t.slash('baseline resources', { channel_id: 'C0HTTP1', user_id: 'U0BOB' });

    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(3000);
    expect(res.json).toMatchObject({ response_type: 'ephemeral' });
    expect(ackText(res.json)).toContain('Starting `baseline resources`');

    await t.audit.waitForEntries(1);
    const root = await slack.waitFor((s) => s.messagesIn('C0HTTP1')[0]);
    const [queued] = t.dispatcher.enqueued;
    expect(root.threadTs).toBeUndefined();
    expect(root.text).toBe('baseline resources: queued');
    // The first status already names the job: the bot never edits it again, so it cannot race the worker.
    expect(root.edits).toEqual([]);
    expect(queued?.jobId).toMatch(/^baseline-[0-9a-f]{8}$/);
    expect(JSON.stringify(root.blocks)).toContain(`job \`${queued?.jobId}\``);
    expect(JSON.stringify(root.blocks)).toContain('<@U0BOB>');
    expect(t.dispatcher.enqueued).toEqual([
      {
        command: { kind: 'baseline', target: 'resources', options: {} },
        // Queued before the root message is posted: the worker waits for its ts in the journal.
        origin: pendingOrigin('U0BOB', 'C0HTTP1', queued?.jobId ?? ''),
        jobId: queued?.jobId,
      },
    ]);
    expect(await t.journal.read(JournalStep.rootMessage(queued?.jobId ?? ''))).toBe(root.ts);
    const [entry] = t.audit.entries;
    expect(entry).toMatchObject({
      actor: 'U0BOB',
      action: 'command',
      outcome: 'ok',
      detail: { kind: 'baseline', jobId: queued?.jobId },
    });
  });

  it('passes options through to the queued command', async () => {
    await t.slash('baseline kafka --runs 2 --acks=1', { channel_id: 'C0HTTP2' });
    await t.audit.waitForEntries(1);
    expect(t.dispatcher.enqueued[0]?.command).toEqual({
      kind: 'baseline',
      target: 'kafka',
      options: { runs: 2, acks: '1' },
    });
  });

  it('tells the user when the bot is not in the channel, and cancels the job it had queued', async () => {
    slack.leaveChannel('C0OUTSIDE');
    const responseUrl = slack.responseUrl('outside');
    const res = await t.slash('baseline kafka', { channel_id: 'C0OUTSIDE', response_url: responseUrl });
    expect(res.status).toBe(200);
    const reply = await slack.waitFor((s) => s.state.responses.find((r) => r.id === 'outside'));
    expect(reply.body).toMatchObject({ response_type: 'ephemeral' });
    expect(String(reply.body.text)).toContain('invite the bot to the channel');
    const [queued] = t.dispatcher.enqueued;
    expect(t.dispatcher.cancels).toEqual([{ jobId: queued?.jobId, byUser: expect.any(String) }]);
    // The job, were it running already, stops at its first write to the thread.
    expect(await t.journal.read(JournalStep.rootMessage(queued?.jobId ?? ''))).toBe('not-posted');
    const [entry] = await t.audit.waitForEntries(1);
    expect(entry).toMatchObject({ outcome: 'failed', detail: { code: 'slack_api' } });
  });

  it('tells the user when the queue refuses the job', async () => {
    t.dispatcher.failNext = new Error('Connection is closed.');
    await t.slash('baseline trino', { channel_id: 'C0HTTP3', response_url: slack.responseUrl('queue-down') });
    const reply = await slack.waitFor((s) => s.state.responses.find((r) => r.id === 'queue-down'));
    expect(String(reply.body.text)).toContain('`baseline trino` could not start');
  });
});

describe('request signing (verified by Bolt)', () => {
  const cases = [
    ['unsigned', { unsigned: true }],
    ['signed with the wrong secret', { signature: 'v0=0123456789abcdef' }],
    ['stale (timestamp over 5 minutes old)', { timestampSec: Math.floor(Date.now() / 1000) - 6 * 60 }],
    // Bolt checks staleness only: a request dated ahead is refused before it (issue 18, item 7).
    ['dated 301 s ahead', { timestampSec: Math.floor(Date.now() / 1000) + 301 }],
    ['dated a day ahead', { timestampSec: Math.floor(Date.now() / 1000) + 86_400 }],
    ['dated 150 s ahead', { timestampSec: Math.floor(Date.now() / 1000) + 150 }],
    ['dated 150 s behind', { timestampSec: Math.floor(Date.now() / 1000) - 150 }],
  ] as const;

  it.each(cases)('refuses a request that is %s and queues nothing', async (_name, options) => {
    const fields = { text: 'baseline kafka', channel_id: 'C0SIGN', response_url: slack.responseUrl() };
    const res = await sendSlashCommand(t.eventsUrl, SIGNING_SECRET, fields, options);
    expect(res.status).toBe(401);
    expect(t.dispatcher.enqueued).toEqual([]);
    expect(slack.messagesIn('C0SIGN')).toEqual([]);
  });

  it.each([30, -30])('accepts a request dated %i s from now (clock drift)', async (skew) => {
    const timestampSec = Math.floor(Date.now() / 1000) + skew;
    const fields = { text: 'help', channel_id: 'C0SKEW', response_url: slack.responseUrl() };
    const res = await sendSlashCommand(t.eventsUrl, SIGNING_SECRET, fields, { timestampSec });
    expect(res.status).toBe(200);
    expect(ackText(res.json)).toContain('/perf baseline');
  });
});

describe('button clicks (block_actions)', () => {
  it('delivers a signed click to an action listener, and refuses an unsigned one', async () => {
    const clicks: { user: string; value: string }[] = [];
    t.bot.app.action('perf_test_click', async ({ ack, body, action }) => {
      clicks.push({ user: body.user.id, value: 'value' in action ? String(action.value) : '' });
      await ack();
    });
    const payload = blockActionPayload({ actionId: 'perf_test_click', value: 'chg-1', userId: 'U0APPROVER' });
    expect((await sendBlockAction(t.eventsUrl, SIGNING_SECRET, payload, { unsigned: true })).status).toBe(
      401,
    );
    expect(clicks).toEqual([]);
    const res = await sendBlockAction(t.eventsUrl, SIGNING_SECRET, payload);
    expect(res.status).toBe(200);
    expect(clicks).toEqual([{ user: 'U0APPROVER', value: 'chg-1' }]);
  });
});

describe('usage errors, authorization, commands answered by the bot', () => {
  it.each([
    ['baselin kafka', 'Did you mean `/perf baseline kafka`?'],
    ['baseline ; rm -rf /', 'perfbot takes no shell syntax'],
    ['baseline kafka --runs 11', 'Did you mean `/perf baseline kafka --runs 10`?'],
  ])('answers %j ephemerally with what was wrong, and queues nothing', async (text, expected) => {
    const res = await t.slash(text, { channel_id: 'C0USAGE' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ response_type: 'ephemeral' });
    expect(ackText(res.json)).toContain(expected);
    expect(ackText(res.json)).toContain('Usage:');
    expect(t.dispatcher.enqueued).toEqual([]);
    expect(slack.messagesIn('C0USAGE')).toEqual([]);
  });

  it('refuses an unauthorized user ephemerally, names who may, and audits the refusal', async () => {
    slack.setUserGroup('S0PERF', ['U0CAROL']);
    await t.slash('history kafka', { user_id: 'U0MALLORY', response_url: slack.responseUrl('mallory') });
    const reply = await slack.waitFor((s) => s.state.responses.find((r) => r.id === 'mallory'));
    expect(String(reply.body.text)).toContain('You may not run `/perf history`');
    expect(String(reply.body.text)).toContain('<@U0ALICE>');
    const [entry] = await t.audit.waitForEntries(1);
    expect(entry).toMatchObject({
      actor: 'U0MALLORY',
      action: 'command',
      outcome: 'refused',
      detail: { kind: 'history' },
    });
    expect(t.dispatcher.enqueued).toEqual([]);
  });

  it('resolves user groups only when the rule names one, and lets members in', async () => {
    slack.setUserGroup('S0PERF', ['U0CAROL']);
    await t.slash('history kafka', { user_id: 'U0CAROL', channel_id: 'C0GROUP' });
    await t.audit.waitForEntries(1);
    expect(t.dispatcher.enqueued[0]?.command).toEqual({ kind: 'history', target: 'kafka' });
    expect(slack.callsTo('usergroups.users.list').map((c) => c.params.usergroup)).toContain('S0PERF');

    const before = slack.callsTo('usergroups.users.list').length;
    await t.slash('history kafka', { user_id: 'U0ALICE', channel_id: 'C0GROUP2' });
    await t.audit.waitForEntries(2);
    expect(slack.callsTo('usergroups.users.list').length).toBe(before);
  });

  it('refuses a user outside the group through response_url', async () => {
    slack.setUserGroup('S0PERF', ['U0CAROL']);
    await t.slash('history kafka', { user_id: 'U0DAVE', response_url: slack.responseUrl('dave') });
    const reply = await slack.waitFor((s) => s.state.responses.find((r) => r.id === 'dave'));
    expect(String(reply.body.text)).toContain('You may not run `/perf history`');
    await t.audit.waitForEntries(1);
    expect(t.dispatcher.enqueued).toEqual([]);
  });

  it('answers help in the ack, with its <placeholders> escaped so that Slack does not read them as links', async () => {
    const res = await t.slash('help history');
    expect(ackText(res.json)).toContain('/perf history &lt;service&gt; [metric] [--limit N]');
  });

  it('answers status and cancel through response_url', async () => {
    t.dispatcher.jobs.push({
      id: 'baseline-0000aaa9',
      name: 'baseline',
      state: 'active',
      summary: 'baseline kafka',
      requestedBy: 'U0BOB',
      progress: 'run 1/3',
    });
    await t.slash('status', { response_url: slack.responseUrl('status') });
    const status = await slack.waitFor((s) => s.state.responses.find((r) => r.id === 'status'));
    expect(String(status.body.text)).toContain('`baseline-0000aaa9` baseline kafka: active · run 1/3');

    await t.slash('cancel baseline-0000aaa9', {
      user_id: 'U0BOB',
      response_url: slack.responseUrl('cancel'),
    });
    const cancel = await slack.waitFor((s) => s.state.responses.find((r) => r.id === 'cancel'));
    expect(String(cancel.body.text)).toContain('Cancelled job `baseline-0000aaa9`');
    expect(t.dispatcher.cancels).toEqual([{ jobId: 'baseline-0000aaa9', byUser: 'U0BOB' }]);
  });

  it('refuses to cancel a job someone else asked for, unless access.cancelAnyJob says so, and audits it', async () => {
    t.dispatcher.jobs.push({
      id: 'baseline-0000aaa7',
      name: 'baseline',
      state: 'active',
      summary: 'baseline kafka',
      requestedBy: 'U0BOB',
      progress: null,
    });
    await t.slash('cancel baseline-0000aaa7', { user_id: 'U0EVE', response_url: slack.responseUrl('eve') });
    const refused = await slack.waitFor((s) => s.state.responses.find((r) => r.id === 'eve'));
    expect(String(refused.body.text)).toContain('Only <@U0BOB>');
    expect(t.dispatcher.cancels).toEqual([]);
    const [entry] = await t.audit.waitForEntries(1);
    expect(entry).toMatchObject({ actor: 'U0EVE', action: 'cancel', outcome: 'refused' });
  });
});

describe('health and metrics on the same port', () => {
  it('serves /healthz, /readyz and /metrics', async () => {
    const health = await fetch(`${t.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);

    await t.slash('baselin kafka');
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toContain('perfbot_commands_total{kind="unknown",outcome="usage"} 1');
    expect(metrics).toMatch(/perfbot_slack_ack_seconds_count 1/);
  });

  it('reports not ready when the readiness check fails', async () => {
    const notReady = await startTestBot({ slack, readiness: async () => false });
    try {
      const res = await fetch(`${notReady.url}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ ready: false });
    } finally {
      await notReady.stop();
    }
  });
});

describe('configuration', () => {
  it('picks the mode from slack.mode, and auto means Socket Mode only with an app token', async () => {
    const config = (env: Record<string, string>, yaml = '') =>
      loadConfig({ ...env, PERFBOT_CONFIG: 'p.yaml' }, { readFile: () => yaml });
    expect(resolveSlackMode(config({}))).toBe('http');
    expect(resolveSlackMode(config({ SLACK_APP_TOKEN: 'xapp-1' }))).toBe('socket');
    expect(resolveSlackMode(config({ SLACK_APP_TOKEN: 'xapp-1' }, 'slack: { mode: http }'))).toBe('http');
  });

  it('stops at start-up, naming the variable, when a secret is missing', async () => {
    const deps = {
      logger: createLogger('silent'),
      dispatcher: createRecordingDispatcher(),
      audit: createMemoryAudit(),
      journal: createTestJournal(),
    };
    const noSecret = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1' });
    expect(() => createBotApp({ ...deps, config: noSecret })).toThrow(/SLACK_SIGNING_SECRET is not set/);
    const noToken = loadConfig({ SLACK_SIGNING_SECRET: 's' });
    expect(() => createBotApp({ ...deps, config: noToken })).toThrow(/SLACK_BOT_TOKEN is not set/);
  });

  it('refuses to start with a token Slack rejects (auth.test)', async () => {
    const config = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-wrong',
      SLACK_SIGNING_SECRET: 's',
      SLACK_API_URL: slack.apiUrl,
      PORT: '0',
    });
    const bot = createBotApp({
      config,
      logger: createLogger('silent'),
      dispatcher: createRecordingDispatcher(),
      audit: createMemoryAudit(),
      journal: createTestJournal(),
    });
    await expect(bot.start()).rejects.toThrow(/invalid_auth/);
  });
});

describe('load caps', () => {
  it('refuses ephemerally a Kafka run over services.kafka.maxBytesPerRun, and queues nothing', async () => {
    const res = await t.slash('baseline kafka --records 50000000 --record-size 1048576');
    expect(res.status).toBe(200);
    expect(ackText(res.json)).toContain('services.kafka.maxBytesPerRun');
    expect(t.dispatcher.enqueued).toEqual([]);
  });
});

describe('what a reply echoes of the user', () => {
  it('refuses a 1 MB command unread, with a short reply that says how long it was', async () => {
    const huge = `baseline ${'k'.repeat(1024 * 1024)}`;
    const res = await t.slash(huge, { channel_id: 'C0HUGE' });
    expect(res.status).toBe(200);
    expect(res.body.length).toBeLessThan(4000);
    expect(ackText(res.json)).toContain('that command is 1,048,585 characters long');
    expect(t.dispatcher.enqueued).toEqual([]);
  });

  it('cuts a long token it echoes, and says it was cut', async () => {
    const res = await t.slash(`baseline kafka --${'x'.repeat(900)}`, { channel_id: 'C0LONG' });
    const text = ackText(res.json);
    expect(text).toContain('unknown option `--xxxx');
    expect(text).toMatch(/…` \(cut: \d[\d,]* characters\)/);
    expect(text.length).toBeLessThan(2000);
  });
});

describe('replayed requests (issue 18, item 6)', () => {
  it('runs a byte-identical signed command once: one job, one root message, the replay acked empty', async () => {
    const timestampSec = Math.floor(Date.now() / 1000);
    const fields = {
      text: 'baseline kafka',
      channel_id: 'C0REPLAY',
      response_url: slack.responseUrl(),
      trigger_id: '1700000000.1.0a1b2c3d',
    };
    const first = await sendSlashCommand(t.eventsUrl, SIGNING_SECRET, fields, { timestampSec });
    const replay = await sendSlashCommand(t.eventsUrl, SIGNING_SECRET, fields, { timestampSec });
    expect(first.status).toBe(200);
    expect(ackText(first.json)).toContain('Starting `baseline kafka`');
    expect(replay.status).toBe(200);
    expect(replay.body).toBe('');
    await t.audit.waitForEntries(1);
    await slack.waitFor((s) => s.messagesIn('C0REPLAY')[0]);
    // The same command typed again is a new request (a new signature): it runs.
    await t.slash('baseline kafka', { channel_id: 'C0REPLAY' });
    await t.audit.waitForEntries(2);
    expect(t.dispatcher.enqueued).toHaveLength(2);
    expect(slack.messagesIn('C0REPLAY').filter((m) => m.threadTs === undefined)).toHaveLength(2);
    expect(new Set(t.dispatcher.enqueued.map((e) => e.jobId)).size).toBe(2);
  });

  it('handles a replayed click once', async () => {
    const clicks: string[] = [];
    t.bot.app.action('perf_test_replay', async ({ ack, body }) => {
      clicks.push(body.user.id);
      await ack();
    });
    const payload = blockActionPayload({ actionId: 'perf_test_replay', userId: 'U0APPROVER' });
    const timestampSec = Math.floor(Date.now() / 1000);
    expect((await sendBlockAction(t.eventsUrl, SIGNING_SECRET, payload, { timestampSec })).status).toBe(200);
    expect((await sendBlockAction(t.eventsUrl, SIGNING_SECRET, payload, { timestampSec })).status).toBe(200);
    expect(clicks).toEqual(['U0APPROVER']);
  });
});

describe('workspaces served (issue 18, item 8)', () => {
  it('refuses and audits a signed command from another workspace, even from an allowed user', async () => {
    const res = await t.slash('baseline kafka', {
      team_id: 'T0OTHER',
      user_id: 'U0ALICE',
      channel_id: 'C0FOREIGN',
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ response_type: 'ephemeral' });
    expect(ackText(res.json)).toContain('perfbot does not serve this Slack workspace (T0OTHER)');
    const [entry] = await t.audit.waitForEntries(1);
    expect(entry).toMatchObject({
      actor: 'U0ALICE',
      action: 'command',
      outcome: 'refused',
      detail: { teams: 'T0OTHER' },
    });
    expect(t.dispatcher.enqueued).toEqual([]);
    expect(slack.messagesIn('C0FOREIGN')).toEqual([]);
  });

  it('refuses a click from a user of another workspace', async () => {
    const clicks: string[] = [];
    t.bot.app.action('perf_test_foreign', async ({ ack, body }) => {
      clicks.push(body.user.id);
      await ack();
    });
    const payload = blockActionPayload({ actionId: 'perf_test_foreign', userId: 'U0ALICE' });
    (payload.user as { team_id: string }).team_id = 'T0OTHER';
    expect((await sendBlockAction(t.eventsUrl, SIGNING_SECRET, payload)).status).toBe(200);
    const [entry] = await t.audit.waitForEntries(1);
    expect(entry).toMatchObject({ action: 'click', outcome: 'refused', detail: { teams: 'T0FAKE,T0OTHER' } });
    expect(clicks).toEqual([]);
  });

  it('serves the workspaces slack.teams names, and audits the team of a command it ran', async () => {
    const other = await startTestBot({ slack, yaml: 'slack: { teams: [T0SECOND, E0ORG] }' });
    try {
      const own = await other.slash('baseline kafka', { team_id: 'T0FAKE', channel_id: 'C0TEAMS' });
      expect(ackText(own.json)).toContain('does not serve this Slack workspace (T0FAKE)');
      await other.slash('baseline kafka', { team_id: 'T0SECOND', channel_id: 'C0TEAMS' });
      await other.slash('baseline kafka', {
        team_id: 'T0THIRD',
        enterprise_id: 'E0ORG',
        channel_id: 'C0TEAMS',
      });
      await other.audit.waitForEntries(3);
      expect(other.dispatcher.enqueued).toHaveLength(2);
      expect(other.audit.entries.filter((e) => e.outcome === 'ok').map((e) => e.detail?.team)).toEqual(
        expect.arrayContaining(['T0SECOND', 'T0THIRD']),
      );
    } finally {
      await other.stop();
    }
  });
});
