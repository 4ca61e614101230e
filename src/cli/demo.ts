import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Config } from '../config/load.js';
import { createKubeClient } from '../kube/client.js';
import { createLogger } from '../log.js';
import { startPerfbot } from '../main.js';
import type { SlackBlock } from '../present/slack/message.js';
import { startSimulatedPlatform } from '../sim/platform.js';
import { messageToText } from '../sim/slack/display.js';
import { blockActionPayload, sendBlockAction, sendSlashCommand } from '../sim/slack/requests.js';
import { type FakeSlack, type SlackFile, startFakeSlack } from '../sim/slack/server.js';

const CHANNEL = 'C0DEMO';
const USER = 'U0DEMO';
/** The demo's two other approvers: a high-risk change needs two, neither the requester (you). */
const APPROVERS = { alice: 'U0ALICE', bob: 'U0BOB' } as const;
const CLICK = /^(approve|reject)\s+(chg-[0-9a-f]{8})(?:\s+as\s+(alice|bob|me))?$/i;
const FINAL = /: (done|failed|cancelled)\b/;

export interface DemoIo {
  input: NodeJS.ReadableStream;
  out: (text: string) => void;
  chartDir: string;
}

/**
 * `perfbot demo`: the LOCAL SIMULATED PLATFORM, a local Slack stand-in, the bot and a worker, all real
 * code over real sockets, with a console: each line is sent to the bot as a signed `/perf` command and
 * the thread it gets is printed as it grows (charts saved as PNG files).
 */
export async function runDemo(
  port: number | undefined,
  config: Config,
  io: DemoIo = defaultIo(),
): Promise<number> {
  io.out(
    'perfbot demo: LOCAL SIMULATED PLATFORM (no real cluster) and a local Slack stand-in (no real Slack).\n',
  );
  const platform = await startSimulatedPlatform({ speed: 0.05 });
  const slack = await startFakeSlack();
  const secret = randomBytes(16).toString('hex');
  const demoConfig: Config = {
    ...config,
    env: {
      ...config.env,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: secret,
      SLACK_API_URL: slack.apiUrl,
      PORT: port ?? 0,
      PERFBOT_REDIS_PREFIX: `${config.env.PERFBOT_REDIS_PREFIX}-demo`,
    },
    platform: {
      ...platform.overlay(config.platform),
      slack: { ...config.platform.slack, mode: 'http' },
      // You may propose and roll back; Alice and Bob approve (a high-risk change needs both).
      access: {
        ...config.platform.access,
        commands: { ...config.platform.access.commands, tune: [USER], rollback: [USER] },
        approvers: [USER, APPROVERS.alice, APPROVERS.bob],
      },
    },
  };
  delete demoConfig.env.SLACK_APP_TOKEN;
  const log = createLogger(config.env.LOG_LEVEL === 'info' ? 'warn' : config.env.LOG_LEVEL, process.stderr);
  const kube = createKubeClient({ kubeConfigYaml: platform.kubeconfig });
  const running = await startPerfbot({ mode: 'all', config: demoConfig, kube, simulated: true, log }).catch(
    async (error: unknown) => {
      await Promise.all([slack.close(), platform.close()]);
      throw error;
    },
  );
  const events = `http://127.0.0.1:${running.port}/slack/events`;
  io.out(`simulated cluster: ${platform.url}   bot: ${events}\n`);
  io.out(
    'Type a command (e.g. `/perf baseline resources`, `/perf help`), also while a job runs (`/perf status`, ' +
      '`/perf cancel <job-id>`); `exit` or Ctrl-D quits.\n' +
      'A change (`/perf tune superset cache redis=redis-master.redis.svc.cluster.local:6380`) is approved by a ' +
      'click: `approve <change-id> [as alice|bob|me]` (Alice by default), `reject <change-id>`.\n',
  );
  const following = new Set<Promise<void>>();
  try {
    const lines = createInterface({ input: io.input, terminal: false });
    for await (const raw of lines) {
      const line = raw.trim();
      if (line === 'exit' || line === 'quit') break;
      if (line === '') continue;
      const click = CLICK.exec(line);
      if (click) {
        const thread = await clickCard(click, events, secret, slack, io);
        if (thread === undefined) continue;
        const follow = followChange(thread, slack, io).finally(() => following.delete(follow));
        following.add(follow);
        continue;
      }
      // One command is sent at a time; the threads it opens are followed while the next ones run,
      // so that `/perf status` and `/perf cancel <job-id>` reach a job that is still running.
      const rootTs = await sendLine(line.replace(/^\/perf\b\s*/, ''), events, secret, slack, io);
      if (rootTs === undefined) continue;
      const follow = followThread(rootTs, slack, io).finally(() => following.delete(follow));
      following.add(follow);
    }
    if (following.size > 0)
      io.out(`waiting for ${following.size} running job(s) to end (Ctrl-C stops now)\n`);
    await Promise.all(following);
  } finally {
    await running.close(5_000);
    await Promise.all([slack.close(), platform.close()]);
  }
  return 0;
}

let lineCount = 0;

/**
 * Sends one line as a signed `/perf` command and prints the answer only its sender sees; resolves
 * with the root of the thread it opened, if it opened one.
 */
async function sendLine(
  text: string,
  events: string,
  secret: string,
  slack: FakeSlack,
  io: DemoIo,
): Promise<string | undefined> {
  const rootsBefore = roots(slack).length;
  const responseId = `demo-${++lineCount}`;
  const reply = await sendSlashCommand(events, secret, {
    text,
    user_id: USER,
    channel_id: CHANNEL,
    response_url: slack.responseUrl(responseId),
  });
  if (reply.status !== 200) {
    io.out(`the bot answered HTTP ${reply.status}\n`);
    return undefined;
  }
  const ephemeral = reply.json as { text?: string; blocks?: SlackBlock[] } | undefined;
  if (ephemeral?.text) io.out(`(only you can see this)\n${show(ephemeral)}\n`);
  // A thread opens for a job; answers that need Redis (status, cancel) come through response_url.
  const next = await slack
    .waitFor((s) => roots(s)[rootsBefore] ?? s.state.responses.find((r) => r.id === responseId), 3_000)
    .catch(() => undefined);
  if (next && 'body' in next) {
    io.out(`(only you can see this)\n${show(next.body as { text?: string; blocks?: SlackBlock[] })}\n`);
    return undefined;
  }
  return next?.ts;
}

let clickCount = 0;

/**
 * `approve chg-… [as alice|bob|me]` / `reject chg-…`: a signed click on the newest card of that change,
 * as Slack sends it; prints what only the clicker sees, or the card as the click left it.
 */
async function clickCard(
  [, verb = '', id = '', who]: RegExpExecArray,
  events: string,
  secret: string,
  slack: FakeSlack,
  io: DemoIo,
): Promise<{ ts: string; shown: number } | undefined> {
  const actionId = verb.toLowerCase() === 'approve' ? 'perf:approve' : 'perf:reject';
  const user =
    who === undefined
      ? APPROVERS.alice
      : who.toLowerCase() === 'me'
        ? USER
        : APPROVERS[who.toLowerCase() as 'alice' | 'bob'];
  const card = slack
    .messagesIn(CHANNEL)
    .filter((m) => buttonsOf(m).some((b) => b.action_id === actionId && b.value?.includes(`"${id}"`)))
    .at(-1);
  const button = card && buttonsOf(card).find((b) => b.action_id === actionId);
  if (!card || !button?.value) {
    io.out(`no card of ${id} with a ${verb} button in this demo's channel\n`);
    return undefined;
  }
  const threadTs = card.threadTs ?? card.ts;
  const shown = slack.thread(CHANNEL, threadTs).timeline.length;
  const responseId = `demo-click-${++clickCount}`;
  const payload = blockActionPayload({
    actionId,
    value: button.value,
    userId: user,
    channelId: CHANNEL,
    messageTs: card.ts,
    ...(card.threadTs === undefined ? {} : { threadTs: card.threadTs }),
    responseUrl: slack.responseUrl(responseId),
  });
  const reply = await sendBlockAction(events, secret, payload);
  if (reply.status !== 200) {
    io.out(`the bot answered HTTP ${reply.status}\n`);
    return undefined;
  }
  const body = await slack
    .waitFor((s) => s.state.responses.find((r) => r.id === responseId)?.body, 15_000)
    .catch(() => undefined);
  if (!body) return undefined;
  const message = body as { text?: string; blocks?: SlackBlock[]; response_type?: string };
  const refused = message.response_type === 'ephemeral';
  const text = show(message);
  io.out(`${refused ? '(only the clicker can see this)\n' : '[card updated]\n'}${text}\n`);
  // An approval that completes the card starts the apply: its progress and outcome come in the thread.
  const applying = !refused && actionId === 'perf:approve' && /approved by/.test(text);
  return applying ? { ts: threadTs, shown } : undefined;
}

const OUTCOME = /Applied and verified|Restored by itself|Failed:|Not applied/;

/** Prints a change's thread from `shown` on, until its outcome is posted (or two minutes pass). */
async function followChange(
  thread: { ts: string; shown: number },
  slack: FakeSlack,
  io: DemoIo,
): Promise<void> {
  let shown = thread.shown;
  const started = Date.now();
  while (Date.now() - started < 120_000) {
    const timeline = slack.thread(CHANNEL, thread.ts).timeline;
    for (const item of timeline.slice(shown)) {
      if (item.kind !== 'message') continue;
      const text = show(item.message);
      io.out(`${text}\n`);
      if (OUTCOME.test(text)) return;
    }
    shown = timeline.length;
    await slack
      .waitFor((s) => s.thread(CHANNEL, thread.ts).timeline.length > shown, 30_000)
      .catch(() => undefined);
  }
}

type DemoButton = { action_id: string; value?: string };
const buttonsOf = (m: { blocks?: unknown[] | undefined }): DemoButton[] =>
  (m.blocks ?? []).flatMap((b) => {
    const block = b as { type?: string; elements?: DemoButton[] };
    return block.type === 'actions' ? (block.elements ?? []) : [];
  });

const roots = (slack: FakeSlack) => slack.messagesIn(CHANNEL).filter((m) => m.threadTs === undefined);

/** Prints the thread as it grows, until its status message says done, failed or cancelled. */
async function followThread(rootTs: string, slack: FakeSlack, io: DemoIo): Promise<void> {
  let status = '';
  let shown = 0;
  for (;;) {
    const thread = slack.thread(CHANNEL, rootTs);
    const text = thread.root?.text ?? '';
    if (text !== status) {
      status = text;
      io.out(`[status] ${text}\n`);
    }
    for (const item of thread.timeline.slice(shown)) {
      io.out(item.kind === 'message' ? `${show(item.message)}\n` : await saveChart(item.file, io.chartDir));
    }
    shown = thread.timeline.length;
    if (FINAL.test(status) && thread.timeline.length === shown) return;
    await slack.waitFor((s) => changed(s, rootTs, status, shown), 60_000).catch(() => undefined);
  }
}

function changed(slack: FakeSlack, rootTs: string, status: string, shown: number): boolean {
  const thread = slack.thread(CHANNEL, rootTs);
  return (thread.root?.text ?? '') !== status || thread.timeline.length > shown;
}

function show(message: { text?: string | undefined; blocks?: unknown[] | undefined }): string {
  return messageToText({
    text: message.text ?? '',
    ...(message.blocks ? { blocks: message.blocks as SlackBlock[] } : {}),
  });
}

async function saveChart(file: SlackFile, dir: string): Promise<string> {
  if (!file.bytes) return `[chart] ${file.title ?? file.filename} (no bytes)\n`;
  await mkdir(dir, { recursive: true });
  const path = resolve(join(dir, file.filename));
  await writeFile(path, file.bytes);
  return `[chart] ${file.title ?? file.filename}: ${path}\n  ${file.altText ?? ''}\n`;
}

function defaultIo(): DemoIo {
  return { input: process.stdin, out: (t) => process.stdout.write(t), chartDir: 'perfbot-charts' };
}
