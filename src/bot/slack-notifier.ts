import type { types, webApi } from '@slack/bolt';
import { PerfError } from '../errors.js';
import type { Doc } from '../present/document.js';
import type { ChartOutput, MessageRef, Notifier, ThreadRef, UpdateOptions } from '../present/notifier.js';
import type { SlackMessage } from '../present/slack/message.js';
import { renderSlack } from '../present/slack/render.js';
import { retryAfterMsOf, toSlackError } from './slack-errors.js';

export {
  createSlackLogger,
  createSlackWebClient,
  type SlackWebClientOptions,
  withSlash,
} from './slack-client.js';
export { toSlackError } from './slack-errors.js';
export { createSlackGroupResolver } from './slack-groups.js';

type WebClient = webApi.WebClient;

export interface SlackNotifierOptions {
  /**
   * The client for status edits: one that neither retries nor waits out a 429 by itself
   * (`retryConfig: { retries: 0 }, rejectRateLimitedCalls: true`), so that a progress edit fails at
   * once and a final status edit waits only as long as Slack asks. Defaults to `client`.
   */
  edits?: WebClient;
  /** How long a final status edit may spend waiting out Retry-After before it gives up (ms). */
  statusWaitMs?: number;
  delay?: (ms: number) => Promise<void>;
}

/** Attempts of a status edit that fails with a 5xx or a network error (a rate limit waits instead). */
const EDIT_ATTEMPTS = 3;

/**
 * The Notifier over Slack's Web API: documents rendered as Block Kit (`present/slack/`), posted as a
 * thread's root, its replies and edits of the status message; charts (upload v2, or an image block for a QuickChart URL). A 429 is waited out and retried by the
 * WebClient itself (Retry-After); everything else that fails becomes a `slack_api` PerfError.
 *
 * @example const notifier = createSlackNotifier(createSlackWebClient(env.SLACK_BOT_TOKEN, env.SLACK_API_URL, log))
 */
export function createSlackNotifier(client: WebClient, options: SlackNotifierOptions = {}): Notifier {
  const edit = createEditor(options.edits ?? client, options);
  const postInThread = async (thread: ThreadRef, doc: Doc): Promise<MessageRef> =>
    postMessage(client, thread, renderSlack(doc));
  return {
    postInThread,
    async postRoot(channel, doc) {
      const res = await call('chat.postMessage', () =>
        client.chat.postMessage({ channel, ...content(renderSlack(doc)) }),
      );
      return { channel: res.channel ?? channel, ts: requireTs(res.ts, 'chat.postMessage') };
    },
    update: (ref: MessageRef, doc: Doc, updateOptions?: UpdateOptions) =>
      edit(ref, renderSlack(doc), updateOptions?.bestEffort === true),
    postCharts: (thread: ThreadRef, charts: readonly ChartOutput[]) => postCharts(client, thread, charts),
    async postEphemeral(channel, user, doc) {
      await call('chat.postEphemeral', () =>
        client.chat.postEphemeral({ channel, user, ...content(renderSlack(doc)) }),
      );
    },
  };
}

async function postMessage(client: WebClient, thread: ThreadRef, message: SlackMessage): Promise<MessageRef> {
  const args = { channel: thread.channel, thread_ts: thread.threadTs, ...content(message) };
  const res = await call('chat.postMessage', () => client.chat.postMessage(args));
  return { channel: res.channel ?? thread.channel, ts: requireTs(res.ts, 'chat.postMessage') };
}

/**
 * `chat.update`: a best-effort edit is one try; a final one waits out Retry-After within
 * `statusWaitMs` and retries a 5xx a couple of times, then throws (a retried job sets it again).
 */
function createEditor(client: WebClient, options: SlackNotifierOptions) {
  const budgetMs = options.statusWaitMs ?? 30_000;
  const delay = options.delay ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  return async (ref: MessageRef, message: SlackMessage, bestEffort: boolean): Promise<void> => {
    const once = () =>
      call('chat.update', () =>
        client.chat.update({ channel: ref.channel, ts: ref.ts, ...content(message) }),
      );
    if (bestEffort) return void (await once());
    let waited = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        return void (await once());
      } catch (error) {
        const retryAfterMs = retryAfterMsOf(error);
        const retryable = error instanceof PerfError && error.retryable;
        if (retryAfterMs !== undefined && waited + retryAfterMs <= budgetMs) {
          waited += retryAfterMs;
          await delay(retryAfterMs);
        } else if (retryAfterMs === undefined && retryable && attempt < EDIT_ATTEMPTS) {
          await delay(250 * attempt);
        } else {
          throw error;
        }
      }
    }
  };
}

/** Runs one Web API call; its failure becomes a `slack_api` PerfError naming the method. */
async function call<T>(method: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toSlackError(method, error);
  }
}

/** Files one message may carry (files.completeUploadExternal), and image blocks one chart message holds. */
const CHARTS_PER_MESSAGE = 10;

/**
 * PNGs are uploaded into the thread by one files upload v2 per ten (its files' upload URLs and bytes
 * go in parallel, then one completeUploadExternal shares them in order); QuickChart URLs are posted
 * as image blocks, ten to a message.
 */
async function postCharts(
  client: WebClient,
  thread: ThreadRef,
  charts: readonly ChartOutput[],
): Promise<void> {
  const pngs = charts.filter((c): c is Extract<ChartOutput, { kind: 'png' }> => c.kind === 'png');
  const urls = charts.filter((c): c is Extract<ChartOutput, { kind: 'url' }> => c.kind === 'url');
  for (const batch of chunk(pngs, CHARTS_PER_MESSAGE)) {
    await call('files.uploadV2', () =>
      client.filesUploadV2({
        channel_id: thread.channel,
        thread_ts: thread.threadTs,
        file_uploads: batch.map((chart) => ({
          file: Buffer.from(chart.png),
          filename: chart.filename,
          title: chart.title,
          alt_text: chart.altText,
        })),
      }),
    );
  }
  for (const batch of chunk(urls, CHARTS_PER_MESSAGE)) {
    const blocks = batch.map((chart) => ({
      type: 'image',
      image_url: chart.url,
      alt_text: chart.altText.slice(0, 2000),
      title: { type: 'plain_text', text: chart.title.slice(0, 2000) },
    }));
    const text = batch.map((chart) => `${chart.title}: ${chart.altText}`).join('\n');
    await postMessage(client, thread, { text: text.slice(0, 3900), blocks });
  }
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** `text` always (notification and accessibility fallback); blocks as rendered by `present/slack/`. */
export function content(message: SlackMessage): { text: string; blocks?: types.KnownBlock[] } {
  if (message.blocks === undefined) return { text: message.text };
  // The renderer builds Block Kit as plain JSON; Slack (and the fake Slack in tests) validates it.
  return { text: message.text, blocks: [...message.blocks] as unknown as types.KnownBlock[] };
}

function requireTs(ts: string | undefined, method: string): string {
  if (ts === undefined) throw new PerfError('slack_api', `${method} returned no ts`, { retryable: true });
  return ts;
}
