import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, type Receiver, SocketModeReceiver, type webApi } from '@slack/bolt';
import { Registry } from 'prom-client';
import type { Config } from '../config/load.js';
import { asPerfError, PerfError } from '../errors.js';
import { createChangeActions } from '../jobs/changes/actions.js';
import type { Dispatcher } from '../jobs/dispatcher.js';
import type { KubePort } from '../kube/port.js';
import type { Logger } from '../log.js';
import type { InteractionRegistry } from '../present/interaction.js';
import type { Notifier } from '../present/notifier.js';
import type { AuditLog } from '../store/audit.js';
import type { BottleneckAnswers } from '../store/bottleneck-answers.js';
import type { ChangeRecords } from '../store/changes.js';
import type { Journal } from '../store/journal.js';
import type { Results } from '../store/port.js';
import { registerInteractions } from './actions/interactions.js';
import { createProposeFixActions } from './actions/propose-fix.js';
import { createStartApply } from './actions/start-apply.js';
import { createValidationActions } from './actions/validation-actions.js';
import { groupIdsIn } from './authorize.js';
import { createPerfCommand } from './commands/perf.js';
import { createCommandMetrics, createHealthRoutes, startHealthServer } from './http.js';
import { Route, SLASH_COMMAND } from './ids.js';
import { refuseSkewedRequests } from './request-clock.js';
import { createRequestGuard, SIGNATURE_PROPERTY } from './request-guard.js';
import {
  createSlackGroupResolver,
  createSlackLogger,
  createSlackNotifier,
  withSlash,
} from './slack-notifier.js';

/** The root logger, as `logger` or `log` (the name the perf listener's deps use). */
export type BotLogger = { logger: Logger; log?: Logger } | { log: Logger; logger?: Logger };

export type BotAppDeps = BotAppServices & BotLogger;

export interface BotAppServices {
  config: Config;
  dispatcher: Dispatcher;
  audit: AuditLog;
  /** Remembers the Slack requests handled, for Bolt's replay window (a replay runs nothing). */
  journal: Journal;
  /** Defaults to the Slack notifier over the app's own WebClient. */
  notifier?: Notifier;
  /** Defaults to `usergroups.users.list` for the groups named in `access` (cached a minute). */
  resolveUserGroups?: (userId: string) => Promise<string[]>;
  /** Where `/metrics` reads from; a fresh registry when absent. */
  metricsRegistry?: Registry;
  /** `/readyz`: true when the bot's dependencies (Redis) answer. */
  readiness?: () => Promise<boolean>;
  /** Handlers of `perf:` buttons; a click on any other is refused to the person who clicked. */
  interactions?: InteractionRegistry;
  /**
   * The change records: with them the bot answers `/perf changes`, lists changes in `/perf status`,
   * and handles Approve / Reject (`jobs/changes/actions.ts`).
   */
  changes?: ChangeRecords;
  /** The cluster an Approve click re-reads (the stale-card check), built on the first click. */
  kube?: () => Promise<KubePort>;
  /** The stored results: with them (and the changes) the bot handles a validation's Roll back / Run more. */
  results?: Results;
  /** The stored `/perf bottlenecks` answers: with them the bot handles Propose fix clicks. */
  bottlenecks?: BottleneckAnswers;
}

export interface BotApp {
  app: App;
  mode: SlackMode;
  /** Checks the token (`auth.test`), then listens on PORT (HTTP) or connects (Socket Mode). */
  start(): Promise<{ port?: number }>;
  stop(): Promise<void>;
}

export type SlackMode = 'http' | 'socket';

/**
 * The bot's short retry budget: a user is waiting. A 429 is not waited out (the WebClient would
 * pause every call of the bot for Retry-After, then back off on top): it fails at once, and the
 * user hears that Slack is rate-limiting the channel.
 */
const BOT_RETRY: webApi.RetryOptions = { retries: 3, factor: 2, minTimeout: 250, maxTimeout: 4000 };

/**
 * The Bolt app: `/perf` plus `/healthz`, `/readyz`, `/metrics`. HTTP mode (signed requests on
 * `/slack/events`, verified by Bolt) or Socket Mode, per `slack.mode` in perfbot.yaml (`auto`:
 * Socket Mode when SLACK_APP_TOKEN is set). SLACK_API_URL points the Web API elsewhere (tests).
 *
 * @example const bot = createBotApp({ config, logger, dispatcher, audit }); await bot.start()
 */
export function createBotApp(deps: BotAppDeps): BotApp {
  const { env, platform } = deps.config;
  const mode = resolveSlackMode(deps.config);
  const token = required(env.SLACK_BOT_TOKEN, 'SLACK_BOT_TOKEN', "the app's Bot User OAuth Token (xoxb-…)");
  const root = deps.logger ?? (deps.log as Logger);
  const log = root.child({ component: 'bot', mode });
  const slackLogger = createSlackLogger(root, 'bolt');
  const slackApiUrl = env.SLACK_API_URL === undefined ? {} : { slackApiUrl: withSlash(env.SLACK_API_URL) };
  const registry = deps.metricsRegistry ?? new Registry();
  // Socket Mode: ready once connected to Slack (and the dependencies answer); alive from the start.
  let connected = mode === 'http';
  const readiness = async () => connected && (deps.readiness === undefined || (await deps.readiness()));
  const routes = createHealthRoutes({ registry, log, readiness });
  const receiver = createReceiver(deps.config, mode, routes, slackLogger, slackApiUrl);
  if (receiver instanceof HTTPReceiver) refuseSkewedRequests(receiver, { log });
  const app = new App({
    receiver,
    token,
    logger: slackLogger,
    clientOptions: { ...slackApiUrl, retryConfig: BOT_RETRY, timeout: 10_000, rejectRateLimitedCalls: true },
    // auth.test runs in start(), where a bad token fails loudly, not in the constructor.
    deferInitialization: true,
    convoStore: false,
  });
  const notifier = deps.notifier ?? createSlackNotifier(app.client);
  const resolveUserGroups =
    deps.resolveUserGroups ?? createSlackGroupResolver(app.client, groupIdsIn(platform.access));
  const metrics = createCommandMetrics(registry);
  const perf = createPerfCommand({
    platform,
    notifier,
    dispatcher: deps.dispatcher,
    audit: deps.audit,
    journal: deps.journal,
    log,
    resolveUserGroups,
    metrics,
    ...(deps.changes ? { changes: deps.changes } : {}),
  });
  const changeActions =
    deps.changes && deps.kube
      ? createChangeActions({
          platform,
          changes: deps.changes,
          audit: deps.audit,
          notifier,
          kube: deps.kube,
          resolveUserGroups,
          startApply: createStartApply(deps.dispatcher, notifier, log),
          now: Date.now,
          log,
        })
      : new Map();
  const validationActions =
    deps.changes && deps.results
      ? createValidationActions({
          platform,
          results: deps.results,
          changes: deps.changes,
          audit: deps.audit,
          dispatcher: deps.dispatcher,
          notifier,
          resolveUserGroups,
          log,
        })
      : new Map();
  const fixActions = deps.bottlenecks
    ? createProposeFixActions({
        platform,
        answers: deps.bottlenecks,
        ...(deps.changes ? { changes: deps.changes } : {}),
        audit: deps.audit,
        dispatcher: deps.dispatcher,
        notifier,
        resolveUserGroups,
        now: Date.now,
        log,
      })
    : new Map();
  const interactions: InteractionRegistry = new Map([
    ...changeActions,
    ...validationActions,
    ...fixActions,
    ...(deps.interactions ?? []),
  ]);
  // The workspaces served: `slack.teams`, else the bot token's own (auth.test, in start()).
  let teams: ReadonlySet<string> = new Set(platform.slack.teams);
  app.use(createRequestGuard({ journal: deps.journal, audit: deps.audit, log, allowedTeams: () => teams }));
  app.command(SLASH_COMMAND, perf);
  registerInteractions(app, interactions, log);
  app.error(async (error) => {
    const cause = (error as { original?: unknown }).original ?? error;
    const perfError = asPerfError(cause);
    log.error({ err: perfError, code: perfError.code }, 'unhandled error in a Slack listener');
  });

  let health: Awaited<ReturnType<typeof startHealthServer>> | undefined;
  return {
    app,
    mode,
    async start() {
      // Socket Mode: health first, so /healthz (liveness) answers while Slack is still away (and
      // /readyz says not yet); in HTTP mode they are routes of Bolt's own server.
      if (mode === 'socket') health = await startHealthServer(env.PORT, routes);
      try {
        await app.init();
        if (teams.size === 0) teams = await ownWorkspace(app);
        log.info({ teams: [...teams] }, 'serving requests from these Slack workspaces only');
        if (mode === 'socket') {
          await app.start();
          connected = true;
          log.info({ port: health?.port }, 'connected to Slack (Socket Mode)');
          return { port: health?.port as number };
        }
      } catch (error) {
        await health?.close();
        health = undefined;
        throw error;
      }
      const server = (await app.start(env.PORT)) as Server;
      const port = (server.address() as AddressInfo).port;
      log.info({ port, endpoint: Route.slackEvents }, 'listening for Slack requests');
      return { port };
    },
    async stop() {
      connected = mode === 'http';
      await app.stop();
      await health?.close();
      health = undefined;
    },
  };
}

/** The bot token's workspace (and its Enterprise Grid organization, when it has one). */
async function ownWorkspace(app: App): Promise<ReadonlySet<string>> {
  const auth = await app.client.auth.test();
  const ids = [auth.team_id, auth.enterprise_id].filter(
    (id): id is string => typeof id === 'string' && id !== '',
  );
  return new Set(ids);
}

/** `auto` means Socket Mode when an app-level token is configured, HTTP otherwise. */
export function resolveSlackMode(config: Config): SlackMode {
  const mode = config.platform.slack.mode;
  if (mode !== 'auto') return mode;
  return config.env.SLACK_APP_TOKEN === undefined ? 'http' : 'socket';
}

function createReceiver(
  config: Config,
  mode: SlackMode,
  routes: ReturnType<typeof createHealthRoutes>,
  logger: ReturnType<typeof createSlackLogger>,
  clientOptions: { slackApiUrl?: string },
): Receiver {
  const { env } = config;
  if (mode === 'socket') {
    const appToken = required(
      env.SLACK_APP_TOKEN,
      'SLACK_APP_TOKEN',
      'an app-level token (xapp-…) with connections:write',
    );
    return new SocketModeReceiver({ appToken, logger, installerOptions: { clientOptions } });
  }
  const signingSecret = required(
    env.SLACK_SIGNING_SECRET,
    'SLACK_SIGNING_SECRET',
    "the app's Signing Secret (Basic Information)",
  );
  return new HTTPReceiver({
    signingSecret,
    endpoints: Route.slackEvents,
    customRoutes: routes,
    // The signature identifies the request exactly: a replay of the same bytes carries the same one.
    customPropertiesExtractor: (req) => ({ [SIGNATURE_PROPERTY]: req.headers['x-slack-signature'] }),
    logger,
    port: env.PORT,
  });
}

function required(value: string | undefined, name: string, what: string): string {
  if (value !== undefined) return value;
  const message = `${name} is not set: perfbot needs ${what} to talk to Slack.`;
  throw new PerfError('config', message, { userMessage: message });
}
