import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createSlackWebClient } from '../../src/bot/slack-notifier.js';
import { type FakeSlack, startFakeSlack } from '../../src/sim/slack/server.js';

let slack: FakeSlack;

beforeAll(async () => {
  slack = await startFakeSlack();
});
afterAll(async () => {
  await slack.close();
});

/** A raw Web API call, form-encoded as @slack/web-api sends it. */
async function call(method: string, params: Record<string, string>, token: string | null = slack.botToken) {
  const res = await fetch(`${slack.apiUrl}${method}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    },
    body: new URLSearchParams(params).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('fake Slack Web API', () => {
  it('answers auth.test with the bot identity', async () => {
    const { body } = await call('auth.test', {});
    expect(body).toMatchObject({ ok: true, user_id: 'U0PERFBOT', bot_id: 'B0PERFBOT', team_id: 'T0FAKE' });
  });

  it('refuses a missing or wrong token as Slack does (HTTP 200, ok false)', async () => {
    expect(await call('chat.postMessage', { channel: 'C0F1', text: 'x' }, null)).toEqual({
      status: 200,
      body: { ok: false, error: 'not_authed' },
    });
    expect((await call('chat.postMessage', { channel: 'C0F1', text: 'x' }, 'xoxb-nope')).body).toEqual({
      ok: false,
      error: 'invalid_auth',
    });
  });

  it('gives increasing, unique ts values shaped like Slack ones', async () => {
    const a = (await call('chat.postMessage', { channel: 'C0F2', text: 'a' })).body.ts as string;
    const b = (await call('chat.postMessage', { channel: 'C0F2', text: 'b' })).body.ts as string;
    expect(a).toMatch(/^\d{10}\.\d{6}$/);
    expect(b > a).toBe(true);
  });

  it('accepts a JSON body too', async () => {
    const res = await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        authorization: `Bearer ${slack.botToken}`,
      },
      body: JSON.stringify({ channel: 'C0F3', text: 'json', blocks: [{ type: 'divider' }] }),
    });
    expect(await res.json()).toMatchObject({ ok: true, channel: 'C0F3' });
    expect(slack.messagesIn('C0F3')[0]?.blocks).toEqual([{ type: 'divider' }]);
  });

  it.each([
    ['a missing channel', { text: 'x' }, 'channel_not_found'],
    ['no text and no blocks', { channel: 'C0F4' }, 'no_text'],
    ['text over 40,000 characters', { channel: 'C0F4', text: 'x'.repeat(40_001) }, 'msg_too_long'],
    [
      'a section over 3000 characters',
      {
        channel: 'C0F4',
        text: 'x',
        blocks: JSON.stringify([{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }]),
      },
      'invalid_blocks',
    ],
    [
      'a header over 150 characters',
      {
        channel: 'C0F4',
        text: 'x',
        blocks: JSON.stringify([{ type: 'header', text: { type: 'plain_text', text: 'x'.repeat(151) } }]),
      },
      'invalid_blocks',
    ],
    [
      'duplicate action ids',
      {
        channel: 'C0F4',
        text: 'x',
        blocks: JSON.stringify([
          {
            type: 'actions',
            elements: [
              { type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'A' } },
              { type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'B' } },
            ],
          },
        ]),
      },
      'invalid_blocks',
    ],
    [
      'a reply to an unknown thread',
      { channel: 'C0F4', text: 'x', thread_ts: '1.000001' },
      'thread_not_found',
    ],
  ])('refuses chat.postMessage with %s', async (_name, params, error) => {
    expect((await call('chat.postMessage', params)).body).toMatchObject({ ok: false, error });
  });

  it('refuses chat.update of an unknown message and without ts', async () => {
    expect((await call('chat.update', { channel: 'C0F5', ts: '1.000001', text: 'x' })).body.error).toBe(
      'message_not_found',
    );
    expect((await call('chat.update', { channel: 'C0F5', text: 'x' })).body.error).toBe('invalid_arguments');
  });

  it('fails the next call on demand, then answers normally', async () => {
    slack.failNext('chat.postMessage', 'channel_not_found');
    expect((await call('chat.postMessage', { channel: 'C0F6', text: 'x' })).body.error).toBe(
      'channel_not_found',
    );
    expect((await call('chat.postMessage', { channel: 'C0F6', text: 'x' })).body.ok).toBe(true);
  });

  it('answers 429 with Retry-After when rate-limiting', async () => {
    slack.rateLimit('chat.update', { retryAfterSec: 7, times: 1 });
    const res = await fetch(`${slack.apiUrl}chat.update`, {
      method: 'POST',
      headers: { authorization: `Bearer ${slack.botToken}` },
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
  });

  it('returns an absolute upload URL on itself and refuses to share a file never uploaded', async () => {
    const { body } = await call('files.getUploadURLExternal', { filename: 'a.png', length: '3' });
    expect(body.upload_url).toBe(`${slack.url}/upload/${body.file_id}`);
    const files = JSON.stringify([{ id: body.file_id, title: 'A' }]);
    expect((await call('files.completeUploadExternal', { files, channel_id: 'C0F7' })).body.error).toBe(
      'file_not_found',
    );
    expect((await call('files.getUploadURLExternal', { filename: 'a.png' })).body.error).toBe(
      'invalid_arguments',
    );
  });

  it('lists user group members and publishes a Home tab', async () => {
    slack.setUserGroup('S0F', ['U1', 'U2']);
    expect((await call('usergroups.users.list', { usergroup: 'S0F' })).body).toMatchObject({
      ok: true,
      users: ['U1', 'U2'],
    });
    expect((await call('usergroups.users.list', { usergroup: 'S0NONE' })).body.error).toBe('no_such_subteam');
    const view = JSON.stringify({
      type: 'home',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hi' } }],
    });
    expect((await call('views.publish', { user_id: 'U1', view })).body.ok).toBe(true);
    expect(slack.state.homeViews.get('U1')).toMatchObject({ type: 'home' });
  });

  it('accepts a response_url five times, like Slack', async () => {
    const url = slack.responseUrl('five');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: `r${i}` }),
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 404]);
  });

  it('works with the real WebClient (form encoding, JSON-encoded blocks)', async () => {
    const client = createSlackWebClient(slack.botToken, slack.apiUrl);
    const posted = await client.chat.postMessage({
      channel: 'C0F8',
      text: 'hi',
      blocks: [{ type: 'divider' }],
    });
    expect(slack.message('C0F8', posted.ts ?? '')?.blocks).toEqual([{ type: 'divider' }]);
  });
});

describe('fake Slack Socket Mode', () => {
  it('opens a connection only with the app token, says hello, and records acks', async () => {
    expect((await call('apps.connections.open', {})).body.error).toBe('invalid_auth');
    const { body } = await call('apps.connections.open', {}, slack.appToken);
    expect(body.url).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:${slack.port}/socket`));

    const ws = new WebSocket(body.url as string);
    const hello = await new Promise<Record<string, unknown>>((resolve) =>
      ws.once('message', (d) => resolve(JSON.parse(String(d)))),
    );
    expect(hello).toMatchObject({ type: 'hello', num_connections: 1 });
    await slack.socket.waitForConnection();

    const envelope = new Promise<Record<string, unknown>>((resolve) =>
      ws.once('message', (d) => resolve(JSON.parse(String(d)))),
    );
    const id = slack.socket.send('slash_commands', { command: '/perf', text: 'help' });
    expect(await envelope).toMatchObject({
      envelope_id: id,
      type: 'slash_commands',
      accepts_response_payload: true,
    });
    ws.send(JSON.stringify({ envelope_id: id, payload: { text: 'ok' } }));
    expect(await slack.socket.waitForAck(id)).toEqual({ envelopeId: id, payload: { text: 'ok' } });
    ws.close();
    await slack.waitFor((s) => s.socket.connections === 0);
  });
});
