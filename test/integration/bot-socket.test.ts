import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBotApp } from '../../src/bot/app.js';
import { loadConfig } from '../../src/config/load.js';
import { pendingTs } from '../../src/jobs/root-message.js';
import { createLogger } from '../../src/log.js';
import { blockActionPayload, slashCommandBody } from '../../src/sim/slack/requests.js';
import { type FakeSlack, startFakeSlack } from '../../src/sim/slack/server.js';
import { JournalStep } from '../../src/store/keys.js';
import { closedPort } from '../helpers/net.js';
import {
  createMemoryAudit,
  createRecordingDispatcher,
  createTestJournal,
  startTestBot,
  type TestBot,
} from '../helpers/slack.js';

let slack: FakeSlack;
let t: TestBot;

beforeAll(async () => {
  slack = await startFakeSlack();
  t = await startTestBot({ slack, socket: true });
});
afterAll(async () => {
  await t.stop();
  await slack.close();
});

describe('Socket Mode', () => {
  it('connects to the WebSocket URL from apps.connections.open with the app token', async () => {
    expect(t.bot.mode).toBe('socket');
    expect(slack.socket.connections).toBe(1);
    expect(slack.callsTo('apps.connections.open')).toHaveLength(1);
  });

  it('acks a slash command envelope with the ephemeral answer', async () => {
    const id = slack.socket.send(
      'slash_commands',
      slashCommandBody({ text: 'baselin kafka', response_url: slack.responseUrl() }),
    );
    const ack = await slack.socket.waitForAck(id);
    expect(ack.payload).toMatchObject({ response_type: 'ephemeral' });
    expect(String(ack.payload?.text)).toContain('Did you mean `/perf baseline kafka`?');
  });

  it('acks /perf baseline, queues the job, then opens the thread and records its ts', async () => {
    const fields = slashCommandBody({
      text: 'baseline resources',
      channel_id: 'C0SOCK',
      response_url: slack.responseUrl(),
    });
    const id = slack.socket.send('slash_commands', fields);
    const ack = await slack.socket.waitForAck(id);
    expect(String(ack.payload?.text)).toContain('Starting `baseline resources`');
    await t.audit.waitForEntries(1);
    const root = await slack.waitFor((s) => s.messagesIn('C0SOCK')[0]);
    const [queued] = t.dispatcher.enqueued;
    expect(queued?.origin.thread).toEqual({ channel: 'C0SOCK', threadTs: pendingTs(queued?.jobId ?? '') });
    expect(await t.journal.read(JournalStep.rootMessage(queued?.jobId ?? ''))).toBe(root.ts);
  });

  it('acks an interactive envelope (a button click) through an action listener', async () => {
    const seen: string[] = [];
    t.bot.app.action('perf_socket_click', async ({ ack, body }) => {
      seen.push(body.user.id);
      await ack();
    });
    const id = slack.socket.send(
      'interactive',
      blockActionPayload({ actionId: 'perf_socket_click', userId: 'U0CLICK' }),
    );
    await slack.socket.waitForAck(id);
    expect(seen).toEqual(['U0CLICK']);
  });

  it('runs a command sent again with the same trigger id once (a replay has no signature here)', async () => {
    const fields = slashCommandBody({
      text: 'history kafka',
      channel_id: 'C0SOCKRE',
      response_url: slack.responseUrl(),
    });
    const before = t.dispatcher.enqueued.length;
    const first = slack.socket.send('slash_commands', fields);
    expect(String((await slack.socket.waitForAck(first)).payload?.text)).toContain('Starting');
    const again = slack.socket.send('slash_commands', fields);
    expect((await slack.socket.waitForAck(again)).payload?.text).toBeUndefined();
    await slack.waitFor((s) => s.messagesIn('C0SOCKRE')[0]);
    expect(t.dispatcher.enqueued.length).toBe(before + 1);
    expect(slack.messagesIn('C0SOCKRE')).toHaveLength(1);
  });

  it('serves /healthz on its own port', async () => {
    const res = await fetch(`${t.url}/healthz`);
    expect(res.status).toBe(200);
  });
});

describe('health while Slack is away (issue 18, item 12)', () => {
  it('answers /healthz as soon as the process is up, and /readyz only once Slack is connected', async () => {
    const port = await closedPort();
    // apps.connections.open answers 429 for a while: the bot cannot connect yet.
    slack.rateLimit('apps.connections.open', { retryAfterSec: 3, times: 1 });
    const config = loadConfig({
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_APP_TOKEN: slack.appToken,
      SLACK_API_URL: slack.apiUrl,
      PORT: String(port),
    });
    const bot = createBotApp({
      config,
      logger: createLogger('silent'),
      dispatcher: createRecordingDispatcher(),
      audit: createMemoryAudit(),
      journal: createTestJournal(),
    });
    const starting = bot.start();
    try {
      let health: Response | undefined;
      for (let i = 0; i < 100 && health === undefined; i++) {
        health = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
        if (health === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(health?.status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(503);
      expect(await starting).toEqual({ port });
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    } finally {
      await starting.catch(() => undefined);
      await bot.stop();
    }
  });
});
