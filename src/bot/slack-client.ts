import { type Logger as BoltLogger, LogLevel, webApi } from '@slack/bolt';
import type { Logger } from '../log.js';

/** Slack Web API clients and logging for perfbot: base URL from config, retries, pino underneath. */
export interface SlackWebClientOptions {
  /** p-retry options; defaults to five retries in about five minutes (429s wait out Retry-After). */
  retryConfig?: webApi.RetryOptions;
  /** Per request, milliseconds; 0 = none. */
  timeoutMs?: number;
  /**
   * A 429 fails at once (a `slack_api` PerfError with `retryAfterMs`) instead of being waited out.
   * The WebClient waits out a 429 by pausing every call it makes, then adds its own backoff: five
   * 429s in a row are minutes of silence.
   */
  rejectRateLimitedCalls?: boolean;
}

/** A WebClient for processes without Bolt (workers): same retries, pino logging, optional base URL. */
export function createSlackWebClient(
  token: string,
  slackApiUrl?: string,
  logger?: Logger,
  options: SlackWebClientOptions = {},
): webApi.WebClient {
  return new webApi.WebClient(token, {
    ...(slackApiUrl === undefined ? {} : { slackApiUrl: withSlash(slackApiUrl) }),
    ...(logger === undefined ? { logLevel: LogLevel.ERROR } : { logger: createSlackLogger(logger) }),
    retryConfig: options.retryConfig ?? webApi.retryPolicies.fiveRetriesInFiveMinutes,
    timeout: options.timeoutMs ?? 30_000,
    rejectRateLimitedCalls: options.rejectRateLimitedCalls ?? false,
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
