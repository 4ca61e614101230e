import { type Logger as BoltLogger, LogLevel, type types, webApi } from '@slack/bolt';
import { PerfError } from '../errors.js';
import type { ChartOutput, Message, MessageRef, Notifier, ThreadRef } from '../jobs/notifier.js';
import type { Logger } from '../log.js';

type WebClient = webApi.WebClient;

/**
 * The Notifier over Slack's Web API: a thread's root, its replies, edits of the status message and
 * charts (upload v2, or an image block for a QuickChart URL). A 429 is waited out and retried by the
 * WebClient itself (Retry-After); everything else that fails becomes a `slack_api` PerfError.
 *
 * @example const notifier = createSlackNotifier(createSlackWebClient(env.SLACK_BOT_TOKEN, env.SLACK_API_URL, log))
 */
export function createSlackNotifier(client: WebClient): Notifier {
  const call = async <T>(method: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw toSlackError(method, error);
    }
  };
  const postInThread = async (thread: ThreadRef, message: Message): Promise<MessageRef> => {
    const args = { channel: thread.channel, thread_ts: thread.threadTs, ...content(message) };
    const res = await call('chat.postMessage', () => client.chat.postMessage(args));
    return { channel: res.channel ?? thread.channel, ts: requireTs(res.ts, 'chat.postMessage') };
  };
  return {
    postInThread,
    async postRoot(channel, message) {
      const res = await call('chat.postMessage', () =>
        client.chat.postMessage({ channel, ...content(message) }),
      );
      return { channel: res.channel ?? channel, ts: requireTs(res.ts, 'chat.postMessage') };
    },
    async update(ref: MessageRef, message) {
      await call('chat.update', () =>
        client.chat.update({ channel: ref.channel, ts: ref.ts, ...content(message) }),
      );
    },
    async postChart(thread: ThreadRef, chart: ChartOutput) {
      if (chart.kind === 'png') {
        await call('files.uploadV2', () =>
          client.filesUploadV2({
            channel_id: thread.channel,
            thread_ts: thread.threadTs,
            file: Buffer.from(chart.png),
            filename: chart.filename,
            title: chart.title,
            alt_text: chart.altText,
          }),
        );
        return;
      }
      const image = { type: 'image', image_url: chart.url, alt_text: chart.altText.slice(0, 2000) };
      const blocks = [{ ...image, title: { type: 'plain_text', text: chart.title.slice(0, 2000) } }];
      await postInThread(thread, { text: `${chart.title}: ${chart.altText}`.slice(0, 3900), blocks });
    },
    async postEphemeral(channel, user, message) {
      await call('chat.postEphemeral', () =>
        client.chat.postEphemeral({ channel, user, ...content(message) }),
      );
    },
  };
}

/** `text` always (notification and accessibility fallback); blocks as built by `bot/views`. */
function content(message: Message): { text: string; blocks?: types.KnownBlock[] } {
  if (message.blocks === undefined) return { text: message.text };
  // Views build Block Kit as plain JSON; Slack (and the fake Slack in tests) validates it.
  return { text: message.text, blocks: [...message.blocks] as unknown as types.KnownBlock[] };
}

function requireTs(ts: string | undefined, method: string): string {
  if (ts === undefined) throw new PerfError('slack_api', `${method} returned no ts`, { retryable: true });
  return ts;
}

const RETRYABLE = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

const ADVICE: Readonly<Record<string, string>> = {
  not_in_channel:
    'perfbot is not in this channel: invite the bot to the channel (`/invite @perfbot`) and try again.',
  channel_not_found:
    'Slack cannot find this channel for perfbot: for a private channel or a DM, invite the bot to the channel first.',
  is_archived: 'the channel is archived: run the command in an active channel.',
  invalid_auth: "Slack refused perfbot's token: check SLACK_BOT_TOKEN (the app's Bot User OAuth Token).",
  not_authed: 'perfbot sent no token to Slack: set SLACK_BOT_TOKEN.',
  token_revoked: "perfbot's Slack token was revoked: reinstall the app and update SLACK_BOT_TOKEN.",
  account_inactive: "perfbot's Slack token belongs to a deactivated app: reinstall it.",
  msg_too_long: 'the message was too long for Slack; this is a perfbot bug worth reporting.',
  invalid_blocks: "the message's blocks broke a Block Kit limit; this is a perfbot bug worth reporting.",
  ratelimited: 'Slack is rate-limiting perfbot; it will try again shortly.',
};

/** Maps a WebClient failure to a `slack_api` PerfError whose userMessage names Slack's error. */
export function toSlackError(method: string, error: unknown): PerfError {
  if (error instanceof PerfError) return error;
  const coded = error as { code?: string; data?: { error?: string; needed?: string }; statusCode?: number };
  if (coded.code === webApi.ErrorCode.PlatformError) {
    const slackError = coded.data?.error ?? 'unknown_error';
    const advice =
      slackError === 'missing_scope'
        ? `the Slack app lacks the scope \`${coded.data?.needed ?? '?'}\`: add it to manifest.yml and reinstall the app.`
        : (ADVICE[slackError] ?? `Slack answered \`${slackError}\` to ${method}.`);
    return new PerfError('slack_api', `${method} failed: ${slackError}`, {
      userMessage: `Slack error \`${slackError}\`: ${advice}`,
      retryable: RETRYABLE.has(slackError),
      cause: error,
      context: { method, slackError },
    });
  }
  const status = coded.statusCode;
  const message = error instanceof Error ? error.message : String(error);
  return new PerfError('slack_api', `${method} failed: ${message}`, {
    userMessage: `perfbot could not reach Slack (${method}${status ? `, HTTP ${status}` : ''}); it is safe to try again.`,
    // Network errors, 5xx and rate limits are transient; another 4xx is not.
    retryable: status === undefined || status >= 500 || status === 429,
    cause: error,
    context: { method, ...(status ? { status } : {}) },
  });
}

export interface SlackWebClientOptions {
  /** p-retry options; defaults to five retries in about five minutes (429s wait out Retry-After). */
  retryConfig?: webApi.RetryOptions;
  /** Per request, milliseconds; 0 = none. */
  timeoutMs?: number;
}

/** A WebClient for processes without Bolt (workers): same retries, pino logging, optional base URL. */
export function createSlackWebClient(
  token: string,
  slackApiUrl?: string,
  logger?: Logger,
  options: SlackWebClientOptions = {},
): WebClient {
  return new webApi.WebClient(token, {
    ...(slackApiUrl === undefined ? {} : { slackApiUrl: withSlash(slackApiUrl) }),
    ...(logger === undefined ? { logLevel: LogLevel.ERROR } : { logger: createSlackLogger(logger) }),
    retryConfig: options.retryConfig ?? webApi.retryPolicies.fiveRetriesInFiveMinutes,
    timeout: options.timeoutMs ?? 30_000,
  });
}

/** `@slack/web-api` appends method names to the base URL: it must end with `/`. */
export const withSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);

/**
 * The Slack packages' logger interface over pino, so that Bolt, the WebClient and Socket Mode log
 * as perfbot does (and through its redaction). pino's level stays the one in charge.
 */
export function createSlackLogger(log: Logger, name = 'slack'): BoltLogger {
  const child = log.child({ component: name });
  const text = (parts: unknown[]) => parts.map((p) => (typeof p === 'string' ? p : safeJson(p))).join(' ');
  const levels: Record<string, LogLevel> = {
    trace: LogLevel.DEBUG,
    debug: LogLevel.DEBUG,
    info: LogLevel.INFO,
    warn: LogLevel.WARN,
  };
  return {
    debug: (...msg: unknown[]) => child.debug(text(msg)),
    info: (...msg: unknown[]) => child.info(text(msg)),
    warn: (...msg: unknown[]) => child.warn(text(msg)),
    error: (...msg: unknown[]) => child.error(text(msg)),
    setLevel: () => undefined,
    getLevel: () => levels[child.level] ?? LogLevel.ERROR,
    setName: () => undefined,
  };
}

function safeJson(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/**
 * Slack has no "groups of a user" method: the groups named in the access rules are listed with
 * `usergroups.users.list` (scope usergroups:read) and cached for `ttlMs`.
 */
export function createSlackGroupResolver(
  client: WebClient,
  groupIds: readonly string[],
  options: { ttlMs?: number; now?: () => number } = {},
): (userId: string) => Promise<string[]> {
  const ttl = options.ttlMs ?? 60_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { at: number; users: Promise<Set<string>> }>();
  const members = (group: string) => {
    const hit = cache.get(group);
    if (hit && now() - hit.at < ttl) return hit.users;
    const users = client.usergroups.users
      .list({ usergroup: group })
      .then((res) => new Set(res.users ?? []))
      .catch((error: unknown) => {
        cache.delete(group);
        throw toSlackError('usergroups.users.list', error);
      });
    cache.set(group, { at: now(), users });
    return users;
  };
  return async (userId) => {
    const sets = await Promise.all(groupIds.map(async (g) => [g, await members(g)] as const));
    return sets.filter(([, users]) => users.has(userId)).map(([g]) => g);
  };
}
