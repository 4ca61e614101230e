import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HTTPReceiver } from '@slack/bolt';
import type { Logger } from '../log.js';
import { Route } from './ids.js';

/**
 * How far a request's `X-Slack-Request-Timestamp` may be from our clock, either way, in seconds.
 * Bolt refuses a request signed over 5 minutes ago but accepts one dated in the future (a signature
 * made ahead of time stays good until then); Slack stamps a request as it sends it, so two minutes
 * covers clock drift and slow networks.
 */
export const MAX_CLOCK_SKEW_S = 120;

/** The header Bolt verifies the signature with (`v0:<timestamp>:<body>`). */
const TIMESTAMP_HEADER = 'x-slack-request-timestamp';

export interface ClockCheckOptions {
  log: Logger;
  /** Milliseconds since the epoch. */
  now?: () => number;
  maxSkewS?: number;
}

/**
 * Refuses (401, as Bolt refuses a stale one) a signed Slack request dated more than `maxSkewS`
 * from now, before Bolt reads it. Only the date is checked here; the signature stays Bolt's to
 * verify, and a request without a readable timestamp is left to Bolt to refuse.
 *
 * @example refuseSkewedRequests(receiver, { log })
 */
export function refuseSkewedRequests(receiver: HTTPReceiver, options: ClockCheckOptions): void {
  const now = options.now ?? Date.now;
  const maxSkewS = options.maxSkewS ?? MAX_CLOCK_SKEW_S;
  const next = receiver.requestListener;
  receiver.requestListener = (req: IncomingMessage, res: ServerResponse) => {
    const skewS = skewOf(req, now);
    if (skewS === undefined || Math.abs(skewS) <= maxSkewS) return next(req, res);
    options.log.warn({ skewS, maxSkewS }, 'refused a Slack request dated too far from now');
    res.writeHead(401).end();
  };
}

/** Seconds the request's timestamp is ahead of now (negative: behind), for a Slack event POST. */
function skewOf(req: IncomingMessage, now: () => number): number | undefined {
  if (req.method !== 'POST') return undefined;
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path !== Route.slackEvents) return undefined;
  const header = req.headers[TIMESTAMP_HEADER];
  const timestampS = Number(Array.isArray(header) ? header[0] : header);
  if (header === undefined || !Number.isFinite(timestampS)) return undefined;
  return Math.round(timestampS - now() / 1000);
}
