import { Agent, request } from 'node:http';
import { type SlashCommandFields, signSlackRequest, slashCommandBody } from '../../src/sim/slack/requests.js';
import { nowMs } from './stats.js';

export interface LoadResult {
  rate: number;
  seconds: number;
  sent: number;
  /** Latencies of the 2xx answers: from the send to the whole response, ms. */
  latenciesMs: number[];
  /** Non-2xx answers, timeouts and socket errors. */
  errors: number;
  /** Largest delay between a request's scheduled time and its send (the generator's own lag), ms. */
  maxSendLagMs: number;
}

/**
 * Open-loop load: request i is sent at t0 + i/rate (never earlier), whatever the earlier ones are
 * doing: no request waits for another's reply, so a slow server cannot slow the generator down.
 * Latency runs from the actual send; how late the generator sent is kept as `maxSendLagMs`.
 */
export async function openLoop(
  rate: number,
  seconds: number,
  send: (i: number) => Promise<number>,
): Promise<LoadResult> {
  const total = Math.round(rate * seconds);
  const latenciesMs: number[] = [];
  let errors = 0;
  let maxSendLagMs = 0;
  const inFlight: Promise<void>[] = [];
  const t0 = nowMs() + 20;
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - nowMs();
    if (wait > 0) await new Promise((done) => setTimeout(done, wait));
    const sentAt = nowMs();
    maxSendLagMs = Math.max(maxSendLagMs, sentAt - due);
    const ended = (status: number) => {
      if (status >= 200 && status < 300) latenciesMs.push(nowMs() - sentAt);
      else errors++;
    };
    inFlight.push(send(i).then(ended, () => ended(0)));
  }
  await Promise.all(inFlight);
  return { rate, seconds, sent: total, latenciesMs, errors, maxSendLagMs };
}

/** Slack opens connections as it likes; a keep-alive pool is the kinder assumption for both sides. */
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

/**
 * Posts a slash command signed as Slack signs it and resolves with the HTTP status once the whole
 * response has arrived; rejects on a socket error or after `timeoutMs`.
 */
export function postSlashCommand(
  url: string,
  secret: string,
  fields: Partial<SlashCommandFields>,
  timeoutMs = 10_000,
): Promise<number> {
  const body = new URLSearchParams({ ...slashCommandBody(fields) }).toString();
  const signed = signSlackRequest(secret, body, Math.floor(Date.now() / 1000));
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        timeout: timeoutMs,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
          ...signed,
        },
      },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
        res.once('error', reject);
      },
    );
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.once('error', reject);
    req.end(body);
  });
}

/** Closes the pooled sockets so that the process can exit. */
export function closeAgent(): void {
  agent.destroy();
}

/** Closed loop: `concurrency` senders, each waiting for its answer before the next; returns the errors. */
export async function closedLoop(
  n: number,
  concurrency: number,
  send: (i: number) => Promise<number>,
): Promise<number> {
  let next = 0;
  let errors = 0;
  const sender = async () => {
    while (next < n) {
      const i = next++;
      const status = await send(i).catch(() => 0);
      if (status < 200 || status >= 300) errors++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, sender));
  return errors;
}
