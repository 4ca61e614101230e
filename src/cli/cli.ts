import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { connectRedis } from '../compose.js';
import type { Config } from '../config/load.js';
import { buildJobDeps, createKubeFromEnv, detectSimulated, noCluster } from '../job-deps.js';
import { createKubeClient } from '../kube/client.js';
import { createLogger } from '../log.js';
import { createFileStore } from '../store/file-store.js';
import type { Store } from '../store/port.js';
import { createRedisStore } from '../store/redis-store.js';
import { createConsoleNotifier } from './console-notifier.js';
import type { CliArgs } from './main.js';
import { type CliIo, runJobCommand, triageCommand } from './run-command.js';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

const stdio: CliIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/**
 * The CLI twin of a slash command: the same grammar, the same job code, answers in the terminal.
 * Results go to the bot's Redis when one answers (shared history), else to local files.
 */
export async function runCli(args: CliArgs, config: Config, io: CliIo = stdio): Promise<number> {
  const triage = triageCommand(args.text, io, config.platform);
  if ('exit' in triage) return triage.exit;
  const log = createLogger(config.env.LOG_LEVEL === 'info' ? 'warn' : config.env.LOG_LEVEL, process.stderr);
  // Simulated results are kept apart from the real cluster's history.
  const store = await openStore(config, io, args.sandbox ? '-sandbox' : '');
  // Loaded only when asked for: a real-cluster command never loads the simulator (test/integration/sim-fence).
  const platform = args.sandbox
    ? await (await import('../sim/platform.js')).startSimulatedPlatform({ speed: 0.05 })
    : undefined;
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  // Ctrl-C, a CI job's SIGTERM or a closed terminal: stop the run cleanly, releasing its lock.
  for (const signal of STOP_SIGNALS) process.once(signal, onSigint);
  try {
    if (platform) io.err(`Using the LOCAL SIMULATED PLATFORM at ${platform.url} (not a real cluster).\n`);
    // History reads only the result store: it needs no cluster.
    const kube = platform
      ? createKubeClient({ kubeConfigYaml: platform.kubeconfig })
      : triage.command.kind === 'history'
        ? noCluster()
        : createKubeFromEnv(config.env);
    const notifier = createConsoleNotifier({ chartDir: args.chartDir, write: io.out });
    const effective = platform ? { ...config, platform: platform.overlay(config.platform) } : config;
    const simulated = platform !== undefined || (await detectSimulated(kube));
    const deps = await buildJobDeps({
      config: effective,
      kube,
      store: store.store,
      notifier,
      log,
      simulated,
    });
    return await runJobCommand(triage.command, deps, abort.signal, { failOnMiss: args.failOnMiss });
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, onSigint);
    await platform?.close();
    await store.close();
  }
}

async function openStore(
  config: Config,
  io: CliIo,
  suffix: string,
): Promise<{ store: Store; close(): Promise<void> }> {
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
  return { store, close: async () => void (await connection.quit()) };
}
