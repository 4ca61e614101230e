import { webApi } from '@slack/bolt';
import { PerfError } from '../errors.js';

/** Slack's Web API errors as `slack_api` PerfErrors: whether to retry, and what the user should do. */
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
  if (coded.code === webApi.ErrorCode.RateLimitedError) return rateLimited(method, error);
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

/**
 * A 429 the WebClient did not wait out (`rejectRateLimitedCalls`): retryable, and `retryAfterMs`
 * in its context says when Slack will take the call again.
 */
function rateLimited(method: string, error: unknown): PerfError {
  const seconds = Number((error as { retryAfter?: unknown }).retryAfter);
  const retryAfterMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000;
  const wait = Math.ceil(retryAfterMs / 1000);
  return new PerfError('slack_api', `${method} failed: rate limited for ${wait} s`, {
    userMessage: `Slack is rate-limiting perfbot in this channel (${method}): try again in ${wait} s.`,
    retryable: true,
    cause: error,
    context: { method, slackError: 'ratelimited', retryAfterMs },
  });
}

/** How long Slack asked to wait, when `error` is a rate limit (see `rateLimited`). */
export function retryAfterMsOf(error: unknown): number | undefined {
  if (!(error instanceof PerfError)) return undefined;
  const ms = error.context.retryAfterMs;
  return typeof ms === 'number' ? ms : undefined;
}
