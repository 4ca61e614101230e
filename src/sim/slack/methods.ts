import { BLOCK_LIMITS, checkBlocks } from './blocks.js';
import type { FakeSlackState, SlackFile } from './state.js';

/**
 * The Web API methods perfbot calls, answered as Slack answers them (reference/slack.md): a logical
 * error is HTTP 200 with `{ ok: false, error }`.
 */
export type Params = Record<string, unknown>;
export type Reply = Record<string, unknown> & { ok: boolean };

export interface MethodContext {
  state: FakeSlackState;
  /** `http://127.0.0.1:<port>`: where upload URLs and the Socket Mode URL point. */
  origin: string;
  identity: { teamId: string; botUserId: string; botId: string; appId: string };
}

type Method = (params: Params, ctx: MethodContext) => Reply;

const err = (error: string, extra: Params = {}): Reply => ({ ok: false, error, ...extra });
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const CHANNEL_ID = /^[CDG][A-Z0-9]{2,}$/;

/** Channel checks shared by every method that writes to a channel. */
function channelError(channel: string | undefined, ctx: MethodContext): Reply | undefined {
  if (channel === undefined || !CHANNEL_ID.test(channel)) return err('channel_not_found');
  if (ctx.state.outsideChannels.has(channel)) return err('not_in_channel');
  return undefined;
}

/** Text and blocks of a message: `no_text`, `msg_too_long`, `invalid_blocks`. */
function contentError(params: Params): Reply | undefined {
  const text = str(params.text);
  if (text === undefined && params.blocks === undefined) return err('no_text');
  if (text !== undefined && text.length > BLOCK_LIMITS.messageText) return err('msg_too_long');
  if (params.blocks === undefined) return undefined;
  const problems = checkBlocks(params.blocks);
  if (problems.length === 0) return undefined;
  return err('invalid_blocks', {
    errors: problems,
    response_metadata: { messages: problems.map((p) => `[ERROR] ${p}`) },
  });
}

const blocksOf = (params: Params) => (Array.isArray(params.blocks) ? params.blocks : undefined);

const postMessage: Method = (params, ctx) => {
  const channel = str(params.channel);
  const problem = channelError(channel, ctx) ?? contentError(params);
  if (problem || channel === undefined) return problem ?? err('channel_not_found');
  const threadTs = str(params.thread_ts);
  if (threadTs !== undefined && !ctx.state.message(channel, threadTs)) return err('thread_not_found');
  const ts = ctx.state.nextTs();
  const message = {
    channel,
    ts,
    threadTs,
    user: ctx.identity.botUserId,
    text: str(params.text),
    blocks: blocksOf(params),
    edits: [],
  };
  ctx.state.messages.push(message);
  return {
    ok: true,
    channel,
    ts,
    message: { type: 'message', user: message.user, text: message.text, ts, thread_ts: threadTs },
  };
};

const update: Method = (params, ctx) => {
  const channel = str(params.channel);
  const ts = str(params.ts);
  if (channel === undefined || !CHANNEL_ID.test(channel)) return err('channel_not_found');
  if (ts === undefined) return err('invalid_arguments');
  const problem = contentError(params);
  if (problem) return problem;
  const message = ctx.state.message(channel, ts);
  if (message === undefined) return err('message_not_found');
  message.edits.push({ text: message.text, blocks: message.blocks });
  message.text = str(params.text);
  message.blocks = blocksOf(params) ?? message.blocks;
  return { ok: true, channel, ts, text: message.text, message: { text: message.text, user: message.user } };
};

const postEphemeral: Method = (params, ctx) => {
  const channel = str(params.channel);
  const user = str(params.user);
  const problem = channelError(channel, ctx) ?? contentError(params);
  if (problem || channel === undefined) return problem ?? err('channel_not_found');
  if (user === undefined) return err('invalid_arguments');
  ctx.state.ephemerals.push({ channel, user, text: str(params.text), blocks: blocksOf(params) });
  return { ok: true, message_ts: ctx.state.nextTs() };
};

const getUploadUrl: Method = (params, ctx) => {
  const filename = str(params.filename);
  const length = Number(params.length);
  if (filename === undefined || !Number.isInteger(length) || length <= 0) return err('invalid_arguments');
  const id = ctx.state.nextFileId();
  const altText = str(params.alt_txt) ?? str(params.alt_text);
  const file: SlackFile = {
    id,
    filename,
    title: undefined,
    altText,
    length,
    bytes: undefined,
    channel: undefined,
    threadTs: undefined,
    ts: undefined,
  };
  ctx.state.files.push(file);
  return { ok: true, upload_url: `${ctx.origin}/upload/${id}`, file_id: id };
};

const completeUpload: Method = (params, ctx) => {
  const list = Array.isArray(params.files) ? (params.files as Params[]) : undefined;
  if (list === undefined || list.length === 0) return err('invalid_arguments');
  const channel = str(params.channel_id);
  const threadTs = str(params.thread_ts);
  if (channel !== undefined) {
    const problem = channelError(channel, ctx);
    if (problem) return problem;
  }
  const files = list.map((f) => ctx.state.files.find((x) => x.id === f.id));
  if (files.some((f) => f === undefined || f.bytes === undefined)) return err('file_not_found');
  const shared = files as SlackFile[];
  shared.forEach((file, i) => {
    file.title = str(list[i]?.title) ?? file.filename;
    file.channel = channel;
    file.threadTs = threadTs;
    file.ts = channel === undefined ? undefined : ctx.state.nextTs();
  });
  return {
    ok: true,
    files: shared.map((f) => ({ id: f.id, name: f.filename, title: f.title, size: f.bytes?.length })),
  };
};

const usergroupUsers: Method = (params, ctx) => {
  const group = str(params.usergroup);
  if (group === undefined) return err('invalid_arguments');
  const users = ctx.state.userGroups.get(group);
  return users === undefined ? err('no_such_subteam') : { ok: true, users };
};

const viewsPublish: Method = (params, ctx) => {
  const user = str(params.user_id);
  const view = params.view as Params | undefined;
  if (user === undefined || typeof view !== 'object' || view === null || view.type !== 'home')
    return err('invalid_arguments');
  const problems = checkBlocks(view.blocks, BLOCK_LIMITS.surfaceBlocks);
  if (problems.length > 0) return err('invalid_blocks', { errors: problems });
  ctx.state.homeViews.set(user, view);
  return { ok: true, view: { id: `V0FAKE${ctx.state.homeViews.size}`, ...view } };
};

const authTest: Method = (_params, ctx) => ({
  ok: true,
  url: 'https://fake-slack.example/',
  team: 'Fake Slack',
  user: 'perfbot',
  team_id: ctx.identity.teamId,
  user_id: ctx.identity.botUserId,
  bot_id: ctx.identity.botId,
  is_enterprise_install: false,
});

const connectionsOpen: Method = (_params, ctx) => ({
  ok: true,
  url: `${ctx.origin.replace(/^http/, 'ws')}/socket?ticket=${ctx.state.nextTs()}`,
});

export const METHODS: Readonly<Record<string, Method>> = {
  'auth.test': authTest,
  'chat.postMessage': postMessage,
  'chat.update': update,
  'chat.postEphemeral': postEphemeral,
  'files.getUploadURLExternal': getUploadUrl,
  'files.completeUploadExternal': completeUpload,
  'usergroups.users.list': usergroupUsers,
  'views.publish': viewsPublish,
  'apps.connections.open': connectionsOpen,
};

/** Methods called with the app-level token (xapp-…); all others take the bot token. */
export const APP_TOKEN_METHODS: ReadonlySet<string> = new Set(['apps.connections.open']);
