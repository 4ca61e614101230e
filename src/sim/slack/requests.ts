import { createHmac, randomBytes } from 'node:crypto';

/**
 * Requests as Slack sends them to an app in HTTP mode (reference/slack.md), for tests, the local
 * demo console and the benchmarks. The signature computed here stands in for Slack's; the app side
 * verifies it with Bolt, never with this code.
 */

/** `v0=` + HMAC-SHA256(signing secret, `v0:<timestamp>:<raw body>`) in hex. */
export function signSlackRequest(
  signingSecret: string,
  rawBody: string,
  timestampSec: number,
): { 'x-slack-request-timestamp': string; 'x-slack-signature': string } {
  const hex = createHmac('sha256', signingSecret).update(`v0:${timestampSec}:${rawBody}`).digest('hex');
  return { 'x-slack-request-timestamp': String(timestampSec), 'x-slack-signature': `v0=${hex}` };
}

/** Slack gives every slash command and click a trigger id of its own (`<n>.<n>.<hex>`). */
let triggers = 0;
const newTriggerId = () => `${Date.now()}.${++triggers}.${randomBytes(8).toString('hex')}`;

const UNUSED_RESPONSE_URL = 'http://127.0.0.1:9/commands/T0FAKE/1/unused';

/** The form fields of a slash command request, in Slack's order (a type, so it is a plain record). */
export type SlashCommandFields = {
  token: string;
  team_id: string;
  team_domain: string;
  enterprise_id: string;
  channel_id: string;
  channel_name: string;
  user_id: string;
  user_name: string;
  command: string;
  text: string;
  api_app_id: string;
  is_enterprise_install: string;
  response_url: string;
  trigger_id: string;
};

/** @example slashCommandBody({ text: 'baseline kafka', response_url: slack.responseUrl() }) */
export function slashCommandBody(overrides: Partial<SlashCommandFields> = {}): SlashCommandFields {
  return {
    // Deprecated verification token: still sent by Slack, ignored by Bolt when signing is used.
    token: 'deprecated-verification-token',
    team_id: 'T0FAKE',
    team_domain: 'fake',
    enterprise_id: '',
    channel_id: 'C0PERF',
    channel_name: 'perf',
    user_id: 'U0ALICE',
    user_name: 'alice',
    command: '/perf',
    text: '',
    api_app_id: 'A0PERFBOT',
    is_enterprise_install: 'false',
    // Never Slack's own host: a stand-in request must not reach Slack. Pass FakeSlack.responseUrl()
    // to see what the app answers through it; this default is refused at once (nothing listens).
    response_url: UNUSED_RESPONSE_URL,
    trigger_id: newTriggerId(),
    ...overrides,
  };
}

export interface SignOptions {
  /** Unix seconds; defaults to now. A value over 5 minutes old is how a replay looks. */
  timestampSec?: number;
  /** Sends this signature instead of the right one. */
  signature?: string;
  /** Sends no signature headers at all. */
  unsigned?: boolean;
}

export interface SlackPostResult {
  status: number;
  /** The response body as text (empty for a bare ack). */
  body: string;
  /** The body parsed as JSON, when it is JSON. */
  json: unknown;
  /** Round trip in milliseconds. */
  ms: number;
}

export async function sendSlashCommand(
  url: string,
  signingSecret: string,
  fields: Partial<SlashCommandFields>,
  options: SignOptions = {},
): Promise<SlackPostResult> {
  const body = new URLSearchParams({ ...slashCommandBody(fields) }).toString();
  return postSigned(url, signingSecret, body, options);
}

/** A button click (`block_actions`): one form field, `payload`, holding JSON. */
export async function sendBlockAction(
  url: string,
  signingSecret: string,
  payload: Record<string, unknown>,
  options: SignOptions = {},
): Promise<SlackPostResult> {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return postSigned(url, signingSecret, body, options);
}

export interface BlockActionOptions {
  actionId: string;
  value?: string;
  userId?: string;
  channelId?: string;
  messageTs?: string;
  threadTs?: string;
  responseUrl?: string;
  blocks?: unknown[];
}

/** A `block_actions` payload for one button, shaped as Slack sends it. */
export function blockActionPayload(o: BlockActionOptions): Record<string, unknown> {
  const channel = o.channelId ?? 'C0PERF';
  const messageTs = o.messageTs ?? '1700000000.000200';
  return {
    type: 'block_actions',
    user: { id: o.userId ?? 'U0ALICE', username: 'alice', team_id: 'T0FAKE' },
    api_app_id: 'A0PERFBOT',
    token: 'deprecated-verification-token',
    team: { id: 'T0FAKE', domain: 'fake' },
    channel: { id: channel, name: 'perf' },
    container: { type: 'message', message_ts: messageTs, channel_id: channel, is_ephemeral: false },
    message: { type: 'message', ts: messageTs, thread_ts: o.threadTs, blocks: o.blocks ?? [] },
    response_url: o.responseUrl ?? UNUSED_RESPONSE_URL,
    trigger_id: newTriggerId(),
    actions: [
      {
        type: 'button',
        action_id: o.actionId,
        block_id: 'perf',
        value: o.value ?? '',
        text: { type: 'plain_text', text: 'button' },
        action_ts: '1700000000.000300',
      },
    ],
  };
}

async function postSigned(
  url: string,
  secret: string,
  body: string,
  options: SignOptions,
): Promise<SlackPostResult> {
  const timestampSec = options.timestampSec ?? Math.floor(Date.now() / 1000);
  const signed = signSlackRequest(secret, body, timestampSec);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (!options.unsigned) {
    headers['x-slack-request-timestamp'] = signed['x-slack-request-timestamp'];
    headers['x-slack-signature'] = options.signature ?? signed['x-slack-signature'];
  }
  const started = performance.now();
  const res = await fetch(url, { method: 'POST', headers, body });
  const text = await res.text();
  const ms = performance.now() - started;
  return { status: res.status, body: text, json: parseJson(text), ms };
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}
