import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { type BotApp, createBotApp } from '../../src/bot/app.js';
import { loadConfig } from '../../src/config/load.js';
import type { Origin } from '../../src/jobs/contracts.js';
import type { Dispatcher, JobView, QueuedCommand } from '../../src/jobs/dispatcher.js';
import { createLogger } from '../../src/log.js';
import type { InteractionRegistry } from '../../src/present/interaction.js';
import type { Notifier } from '../../src/present/notifier.js';
import { type SlashCommandFields, sendSlashCommand } from '../../src/sim/slack/requests.js';
import type { FakeSlack } from '../../src/sim/slack/server.js';
import type { AuditEntry, AuditLog } from '../../src/store/audit.js';
import { createFileJournal } from '../../src/store/file-journal.js';
import type { Journal } from '../../src/store/journal.js';

/** A journal of its own (files in a fresh directory), where the bot remembers the requests it handled. */
export function createTestJournal(): Journal {
  return createFileJournal(mkdtempSync(join(tmpdir(), 'perfbot-bot-journal-')));
}

export const SIGNING_SECRET = 'test-signing-secret-0123456789';

/** A collaborator of the bot, not the module under test: it records what it is asked to queue. */
export interface RecordingDispatcher extends Dispatcher {
  enqueued: { command: QueuedCommand; origin: Origin; jobId: string }[];
  cancels: { jobId: string; byUser: string }[];
  jobs: JobView[];
  /** The next enqueue throws this. */
  failNext?: Error;
}

export function createRecordingDispatcher(jobs: JobView[] = []): RecordingDispatcher {
  const dispatcher: RecordingDispatcher = {
    enqueued: [],
    cancels: [],
    jobs,
    async enqueue(command, origin, jobId) {
      if (dispatcher.failNext) {
        const error = dispatcher.failNext;
        delete dispatcher.failNext;
        throw error;
      }
      dispatcher.enqueued.push({ command, origin, jobId });
      return { jobId };
    },
    async cancel(jobId, byUser) {
      dispatcher.cancels.push({ jobId, byUser });
      const known = dispatcher.jobs.some((j) => j.id === jobId);
      return { cancelled: known, reason: known ? 'removed from the queue' : 'no such job' };
    },
    async get(jobId) {
      return dispatcher.jobs.find((j) => j.id === jobId);
    },
    async recent(limit) {
      return dispatcher.jobs.slice(0, limit);
    },
  };
  return dispatcher;
}

export interface MemoryAudit extends AuditLog {
  entries: AuditEntry[];
  waitForEntries(count: number, timeoutMs?: number): Promise<AuditEntry[]>;
}

export function createMemoryAudit(): MemoryAudit {
  const entries: AuditEntry[] = [];
  const events = new EventEmitter();
  return {
    entries,
    async append(entry) {
      entries.push({ ...entry, at: new Date().toISOString() });
      events.emit('append');
    },
    async read(limit) {
      return entries.slice(-limit).map((e) => ({ ...e, at: e.at ?? '' }));
    },
    waitForEntries(count, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (entries.length < count) return;
          cleanup();
          resolve(entries);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`audit: ${entries.length} of ${count} entries within ${timeoutMs} ms`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          events.off('append', check);
        };
        events.on('append', check);
        check();
      });
    },
  };
}

export interface TestBot {
  bot: BotApp;
  /** `http://127.0.0.1:<port>` */
  url: string;
  eventsUrl: string;
  dispatcher: RecordingDispatcher;
  audit: MemoryAudit;
  /** The bot's journal (replays; the root message's ts recorded for a queued job). */
  journal: Journal;
  registry: Registry;
  /** Sends a signed slash command whose response_url points at the fake Slack. */
  slash(text: string, fields?: Partial<SlashCommandFields>): ReturnType<typeof sendSlashCommand>;
  stop(): Promise<void>;
}

export interface TestBotOptions {
  slack: FakeSlack;
  /** perfbot.yaml text. */
  yaml?: string;
  socket?: boolean;
  dispatcher?: RecordingDispatcher;
  notifier?: Notifier;
  readiness?: () => Promise<boolean>;
  interactions?: InteractionRegistry;
  /** Where the bot remembers requests (replays); a fresh file journal by default. */
  journal?: Journal;
}

/** The real bot (Bolt, HTTP or Socket Mode) on port 0, talking to the fake Slack. */
export async function startTestBot(options: TestBotOptions): Promise<TestBot> {
  const { slack } = options;
  const config = loadConfig(
    {
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      ...(options.socket ? { SLACK_APP_TOKEN: slack.appToken } : {}),
      PORT: '0',
      PERFBOT_CONFIG: 'perfbot.yaml',
    },
    { readFile: () => options.yaml ?? '' },
  );
  const dispatcher = options.dispatcher ?? createRecordingDispatcher();
  const audit = createMemoryAudit();
  const journal = options.journal ?? createTestJournal();
  const registry = new Registry();
  const bot = createBotApp({
    config,
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    dispatcher,
    audit,
    journal,
    metricsRegistry: registry,
    ...(options.notifier ? { notifier: options.notifier } : {}),
    ...(options.readiness ? { readiness: options.readiness } : {}),
    ...(options.interactions ? { interactions: options.interactions } : {}),
  });
  const { port } = await bot.start();
  const url = `http://127.0.0.1:${port}`;
  const eventsUrl = `${url}/slack/events`;
  return {
    bot,
    url,
    eventsUrl,
    dispatcher,
    audit,
    journal,
    registry,
    slash: (text, fields = {}) =>
      sendSlashCommand(eventsUrl, SIGNING_SECRET, { text, response_url: slack.responseUrl(), ...fields }),
    stop: () => bot.stop(),
  };
}

/** The text of an ephemeral ack body, or '' when the ack was empty. */
export function ackText(json: unknown): string {
  const body = json as { response_type?: string; text?: string } | undefined;
  return body?.text ?? '';
}
