import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Redis } from 'ioredis';
import { connectRedis } from '../compose.js';
import type { Config } from '../config/load.js';
import type { ServiceName } from '../domain/services.js';
import {
  buildJobDeps,
  createKubeFromEnv,
  detectSimulated,
  kubeIdentityFromEnv,
  noCluster,
} from '../job-deps.js';
import { createQueues } from '../jobs/queues.js';
import { createKubeClient, kubeconfigIdentity } from '../kube/client.js';
import { createLogger } from '../log.js';
import { createFileStore } from '../store/file-store.js';
import { createKeys } from '../store/keys.js';
import type { Store } from '../store/port.js';
import { createRedisStore } from '../store/redis-store.js';
import { runChangeCommand, showChangesLedger } from './change-command.js';
import { createConsoleNotifier } from './console-notifier.js';
import { type LockTools, showLocks, unlockService } from './locks-command.js';
import type { CliArgs } from './main.js';
import { type CliIo, Exit, runJobCommand, triageCommand } from './run-command.js';
import { createTerminal } from './terminal.js';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Simulated results are kept apart from the real cluster's history: another prefix, another directory. */
const SANDBOX_SUFFIX = '-sandbox';

/**
 * The CLI twin of a slash command: the same grammar, the same job code, answers in the terminal.
 * Results go to the bot's Redis when one answers (shared history), else to local files.
 */
export async function runCli(args: CliArgs, config: Config, io: CliIo = createTerminal()): Promise<number> {
  const [verb, ...rest] = args.text.split(/\s+/).filter(Boolean);
  if ((verb === 'status' && rest.length === 0) || verb === 'unlock') {
    return withStore(config, io, args.sandbox, (opened) =>
      verb === 'status'
        ? showLocks(lockTools(opened), io)
        : unlockService(rest.join(' '), lockTools(opened), io),
    );
  }
  const triage = triageCommand(args.text, io, config.platform);
  if ('exit' in triage) return triage.exit;
  const command = triage.command;
  if (args.out !== undefined && (command.kind !== 'report' || args.out === '')) {
    io.err(
      command.kind === 'report'
        ? '--out takes a file name: `perfbot report --out perf-report.md`.\n'
        : '--out is for `perfbot report` (where its Markdown goes); charts go to --charts DIR.\n',
    );
    return Exit.usage;
  }
  if (command.kind === 'changes')
    return withStore(config, io, args.sandbox, ({ store }) =>
      showChangesLedger(store, command.component, io),
    );
  const proposes = command.kind === 'tune' || command.kind === 'rollback';
  const dryRun = command.kind === 'tune' && command.dryRun === true;
  if (proposes && !dryRun && !args.yes && !(args.input ?? process.stdin).isTTY) {
    // Nobody can answer "Apply this change? [y/N]": refuse at once rather than wait on a closed input.
    io.err(
      `perfbot ${command.kind} asks "Apply this change? [y/N]" on a terminal, and this input is not one: ` +
        'add --yes to apply without asking (scripts), or --dry-run to only see the card.\n',
    );
    return Exit.usage;
  }
  const log = createLogger(config.env.LOG_LEVEL === 'info' ? 'warn' : config.env.LOG_LEVEL, process.stderr);
  const store = await openStore(config, io, args.sandbox ? SANDBOX_SUFFIX : '');
  // Loaded only when asked for: a real-cluster command never loads the simulator (test/integration/sim-fence).
  // History and the report read only the store: they need no cluster, simulated or not.
  const storeOnly = command.kind === 'history' || command.kind === 'report';
  const platform =
    args.sandbox && !storeOnly
      ? await (await import('../sim/platform.js')).startSimulatedPlatform({ speed: 0.05 })
      : undefined;
  const abort = new AbortController();
  const stop = () => abort.abort();
  // Ctrl-C, a CI job's SIGTERM, a closed terminal or a reader gone (`| head`): stop the run, releasing its lock.
  for (const signal of STOP_SIGNALS) process.once(signal, stop);
  io.gone?.addEventListener('abort', stop);
  try {
    if (platform) io.err(`Using the LOCAL SIMULATED PLATFORM at ${platform.url} (not a real cluster).\n`);
    if (args.sandbox) {
      io.err(
        `Results taken with --sandbox are kept apart from the cluster's, in ${store.store.describe()}; ` +
          'read them with `perfbot history <service> --sandbox`.\n',
      );
    }
    const kube = platform
      ? createKubeClient({ kubeConfigYaml: platform.kubeconfig })
      : storeOnly
        ? noCluster()
        : createKubeFromEnv(config.env);
    const notifier = createConsoleNotifier(notifierOptions(args, io, command.kind === 'report'));
    const effective = platform ? { ...config, platform: platform.overlay(config.platform) } : config;
    const simulated = args.sandbox || (!storeOnly && (await detectSimulated(kube)));
    const deps = await buildJobDeps({
      config: effective,
      kube,
      store: store.store,
      notifier,
      log,
      simulated,
    });
    const code = proposes
      ? await runChangeCommand(command, deps, abort.signal, io, {
          yes: args.yes,
          identity: platform
            ? kubeconfigIdentity({ kubeConfigYaml: platform.kubeconfig })
            : kubeIdentityFromEnv(config.env),
          input: args.input ?? process.stdin,
        })
      : await runJobCommand(command, deps, abort.signal, { failOnMiss: args.failOnMiss });
    if (command.kind === 'history' && !args.sandbox) await pointAtSandbox(command.target, config, io);
    return code;
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, stop);
    io.gone?.removeEventListener('abort', stop);
    await platform?.close();
    await store.close();
  }
}

/** The report's charts go beside its file (`--out`, else the current directory); others' to --charts. */
function notifierOptions(args: CliArgs, io: CliIo, report: boolean) {
  if (!report) return { chartDir: args.chartDir, write: io.out };
  const out = args.out;
  return { chartDir: out ? dirname(out) : '.', write: io.out, ...(out ? { fileOut: out } : {}) };
}

/** After `history <service>`: results taken with --sandbox are elsewhere; say so when there are some. */
async function pointAtSandbox(service: ServiceName, config: Config, io: CliIo): Promise<void> {
  const quiet: CliIo = { out: () => undefined, err: () => undefined };
  await withStore(config, quiet, true, async ({ store }) => {
    const count = (await store.results.history(service, 100)).length;
    if (count > 0) {
      io.err(
        `${count} result(s) of ${service} taken with --sandbox are kept apart, in ${store.describe()}: ` +
          `\`perfbot history ${service} --sandbox\` shows them.\n`,
      );
    }
    return 0;
  });
}

interface OpenedStore {
  store: Store;
  redis?: Redis;
  prefix?: string;
  close(): Promise<void>;
}

function lockTools(opened: OpenedStore): LockTools {
  const { redis, prefix } = opened;
  const tools: LockTools = { store: opened.store, now: Date.now };
  if (redis === undefined || prefix === undefined) return tools;
  // Worker jobs live in the real prefix's queue (a sandbox store holds only CLI runs' locks).
  const bullPrefix = createKeys(prefix.replace(new RegExp(`${SANDBOX_SUFFIX}$`), '')).bullPrefix();
  tools.jobState = async (jobId) => {
    const queues = createQueues(redis, bullPrefix);
    try {
      const job = await queues.queue.getJob(jobId);
      return job ? await job.getState() : undefined;
    } finally {
      await queues.close();
    }
  };
  return tools;
}

async function withStore(
  config: Config,
  io: CliIo,
  sandbox: boolean,
  body: (opened: OpenedStore) => Promise<number>,
): Promise<number> {
  const opened = await openStore(config, io, sandbox ? SANDBOX_SUFFIX : '');
  try {
    return await body(opened);
  } finally {
    await opened.close();
  }
}

async function openStore(config: Config, io: CliIo, suffix: string): Promise<OpenedStore> {
  let redis: Redis | undefined;
  try {
    redis = await connectRedis(config.env.REDIS_URL, { timeoutMs: 1000 });
  } catch {
    const dir = `${config.env.PERFBOT_HOME ?? join(homedir(), '.perfbot')}${suffix}`;
    io.err(`No Redis answers at REDIS_URL: results are kept in ${dir}\n`);
    return { store: createFileStore(dir, config.platform.store.keepResults), close: async () => undefined };
  }
  const prefix = `${config.env.PERFBOT_REDIS_PREFIX}${suffix}`;
  const store = createRedisStore({ redis, prefix, keepResults: config.platform.store.keepResults });
  const connection = redis;
  return { store, redis, prefix, close: async () => void (await connection.quit()) };
}
