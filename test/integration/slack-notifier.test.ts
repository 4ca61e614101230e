import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSlackGroupResolver,
  createSlackNotifier,
  createSlackWebClient,
} from '../../src/bot/slack-notifier.js';
import { PerfError } from '../../src/errors.js';
import { bold, type Doc, line } from '../../src/present/document.js';
import type { Notifier } from '../../src/present/notifier.js';
import { type FakeSlack, startFakeSlack } from '../../src/sim/slack/server.js';

let slack: FakeSlack;
let notifier: Notifier;

beforeAll(async () => {
  slack = await startFakeSlack();
  notifier = createSlackNotifier(createSlackWebClient(slack.botToken, slack.apiUrl));
});
afterAll(async () => {
  await slack.close();
});

/** A document that is only its summary: Slack gets it as `text`, with no blocks. */
const said = (text: string): Doc => ({ summary: line(text), blocks: [] });

// A tiny valid PNG header is enough: Slack stores bytes, it does not decode them.
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);

describe('Slack notifier against the fake Slack', () => {
  it('posts a root, replies in its thread and edits the root', async () => {
    const root = await notifier.postRoot('C0N1', {
      summary: line('baseline kafka: queued'),
      blocks: [{ kind: 'paragraph', lines: [line(bold('queued'))] }],
    });
    const reply = await notifier.postInThread({ channel: 'C0N1', threadTs: root.ts }, said('results'));
    await notifier.update(root, said('baseline kafka: done'));

    expect(root.channel).toBe('C0N1');
    expect(reply.ts > root.ts).toBe(true);
    const thread = slack.thread('C0N1', root.ts);
    expect(thread.root?.text).toBe('baseline kafka: done');
    expect(thread.root?.edits.map((e) => e.text)).toEqual(['baseline kafka: queued']);
    expect(thread.replies.map((m) => m.text)).toEqual(['results']);
  });

  it('uploads a PNG chart into the thread (getUploadURLExternal → upload → completeUploadExternal)', async () => {
    const root = await notifier.postRoot('C0N2', said('root'));
    await notifier.postInThread({ channel: 'C0N2', threadTs: root.ts }, said('summary'));
    await notifier.postCharts({ channel: 'C0N2', threadTs: root.ts }, [
      {
        kind: 'png',
        png: PNG,
        filename: 'kafka-throughput.png',
        title: 'Kafka throughput',
        altText: 'median 120k msgs/s, target 100k',
      },
    ]);

    const methods = slack.calls.map((c) => c.method);
    const start = methods.indexOf('files.getUploadURLExternal');
    expect(methods.slice(start, start + 3)).toEqual([
      'files.getUploadURLExternal',
      'upload',
      'files.completeUploadExternal',
    ]);
    const thread = slack.thread('C0N2', root.ts);
    expect(thread.timeline.map((i) => i.kind)).toEqual(['message', 'file']);
    const [file] = thread.files;
    expect(file).toMatchObject({
      filename: 'kafka-throughput.png',
      title: 'Kafka throughput',
      altText: 'median 120k msgs/s, target 100k',
    });
    expect(file?.bytes && Uint8Array.from(file.bytes)).toEqual(PNG);
  });

  it("uploads a result's charts in one files upload: one completeUploadExternal, the files in order", async () => {
    const root = await notifier.postRoot('C0N4', said('root'));
    const before = slack.calls.length;
    const names = ['a-throughput.png', 'b-latency.png', 'c-bandwidth.png'];
    await notifier.postCharts(
      { channel: 'C0N4', threadTs: root.ts },
      names.map((filename) => ({
        kind: 'png' as const,
        png: PNG,
        filename,
        title: filename,
        altText: filename,
      })),
    );
    const methods = slack.calls.slice(before).map((c) => c.method);
    expect(methods.filter((m) => m === 'files.getUploadURLExternal')).toHaveLength(3);
    expect(methods.filter((m) => m === 'upload')).toHaveLength(3);
    expect(methods.filter((m) => m === 'files.completeUploadExternal')).toHaveLength(1);
    expect(slack.thread('C0N4', root.ts).files.map((f) => f.filename)).toEqual(names);
  });

  it('links a QuickChart URL as an image block in the thread', async () => {
    const root = await notifier.postRoot('C0N3', said('root'));
    await notifier.postCharts({ channel: 'C0N3', threadTs: root.ts }, [
      { kind: 'url', url: 'https://charts.internal/chart?c=1', title: 'Trino latency', altText: 'p95 1.8 s' },
    ]);
    const [reply] = slack.thread('C0N3', root.ts).replies;
    expect(reply?.blocks?.[0]).toMatchObject({
      type: 'image',
      image_url: 'https://charts.internal/chart?c=1',
      alt_text: 'p95 1.8 s',
    });
    expect(reply?.text).toContain('Trino latency');
  });

  it('posts an ephemeral message', async () => {
    await notifier.postEphemeral('C0N4', 'U0ALICE', said('only you'));
    expect(slack.state.ephemerals.at(-1)).toMatchObject({
      channel: 'C0N4',
      user: 'U0ALICE',
      text: 'only you',
    });
  });

  it('waits out a 429 with Retry-After and retries by itself', async () => {
    slack.rateLimit('chat.postMessage', { retryAfterSec: 1, times: 1 });
    const started = Date.now();
    const root = await notifier.postRoot('C0N5', said('after the limit'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    const attempts = slack.callsTo('chat.postMessage').filter((c) => c.params.channel === 'C0N5');
    expect(attempts.map((c) => c.status)).toEqual([429, 200]);
    expect(slack.message('C0N5', root.ts)?.text).toBe('after the limit');
  });

  it('turns not_in_channel into a slack_api PerfError that says to invite the bot', async () => {
    slack.failNext('chat.postMessage', 'not_in_channel');
    const error = await notifier.postRoot('C0N6', said('x')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PerfError);
    expect(error).toMatchObject({
      code: 'slack_api',
      retryable: false,
      context: { slackError: 'not_in_channel' },
    });
    expect((error as PerfError).userMessage).toContain('invite the bot to the channel');
  });

  it('reports blocks over Block Kit limits as invalid_blocks', async () => {
    // The renderer keeps every limit it can count; two buttons with one action id it cannot fix.
    const button = { actionId: 'perf:same', label: 'Go', value: '{}' };
    const doc: Doc = { summary: line('twins'), blocks: [{ kind: 'actions', buttons: [button, button] }] };
    const error = await notifier.postRoot('C0N7', doc).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'slack_api', context: { slackError: 'invalid_blocks' } });
  });

  it('reports a wrong token as invalid_auth, naming SLACK_BOT_TOKEN', async () => {
    const wrong = createSlackNotifier(createSlackWebClient('xoxb-wrong', slack.apiUrl));
    const error = await wrong.postRoot('C0N8', said('x')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'slack_api', context: { slackError: 'invalid_auth' } });
    expect((error as PerfError).userMessage).toContain('SLACK_BOT_TOKEN');
  });

  it('marks a network failure as retryable', async () => {
    const closed = await startFakeSlack();
    await closed.close();
    const offline = createSlackNotifier(
      createSlackWebClient(slack.botToken, closed.apiUrl, undefined, { retryConfig: { retries: 0 } }),
    );
    const error = await offline.postRoot('C0N9', said('x')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'slack_api', retryable: true });
  });
});

describe('status edits under rate limits', () => {
  const edits = () =>
    createSlackWebClient(slack.botToken, slack.apiUrl, undefined, {
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    });

  it('drops a best-effort edit at once on a 429, saying how long Slack asked to wait', async () => {
    const waits: number[] = [];
    const notifier = createSlackNotifier(createSlackWebClient(slack.botToken, slack.apiUrl), {
      edits: edits(),
      delay: async (ms) => void waits.push(ms),
    });
    const root = await notifier.postRoot('C0RL1', said('queued'));
    slack.rateLimit('chat.update', { retryAfterSec: 30, times: 1 });
    const error = await notifier.update(root, said('running'), { bestEffort: true }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'slack_api', retryable: true, context: { retryAfterMs: 30_000 } });
    expect(waits).toEqual([]);
    expect(slack.message('C0RL1', root.ts)?.text).toBe('queued');
  });

  it('waits out Retry-After for a final edit within its budget, then gives up', async () => {
    const waits: number[] = [];
    const notifier = createSlackNotifier(createSlackWebClient(slack.botToken, slack.apiUrl), {
      edits: edits(),
      statusWaitMs: 5_000,
      delay: async (ms) => void waits.push(ms),
    });
    const root = await notifier.postRoot('C0RL2', said('queued'));
    slack.rateLimit('chat.update', { retryAfterSec: 2, times: 2 });
    await notifier.update(root, said('done'));
    expect(waits).toEqual([2000, 2000]);
    expect(slack.message('C0RL2', root.ts)?.text).toBe('done');

    slack.rateLimit('chat.update', { retryAfterSec: 60, times: 1 });
    const error = await notifier.update(root, said('done again')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'slack_api', retryable: true });
    slack.rateLimit('chat.update', { retryAfterSec: 60, times: 0 });
  });
});

describe('user group resolver', () => {
  it('lists the groups a user belongs to, with one call per group per TTL', async () => {
    slack.setUserGroup('S0A', ['U0ALICE', 'U0BOB']);
    slack.setUserGroup('S0B', ['U0BOB']);
    let now = 0;
    const client = createSlackWebClient(slack.botToken, slack.apiUrl);
    const resolve = createSlackGroupResolver(client, ['S0A', 'S0B'], { ttlMs: 60_000, now: () => now });
    const before = slack.callsTo('usergroups.users.list').length;
    expect(await resolve('U0BOB')).toEqual(['S0A', 'S0B']);
    expect(await resolve('U0ALICE')).toEqual(['S0A']);
    expect(slack.callsTo('usergroups.users.list').length - before).toBe(2);
    now = 61_000;
    expect(await resolve('U0CAROL')).toEqual([]);
    expect(slack.callsTo('usergroups.users.list').length - before).toBe(4);
  });
});
