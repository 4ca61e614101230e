import { parseArgs } from 'node:util';
import { type Config, loadConfig } from '../config/load.js';
import { SERVICE_NAMES } from '../domain/services.js';
import { asPerfError } from '../errors.js';

const USAGE = `perfbot: performance work on a Kubernetes data platform, from Slack or this terminal.

Processes:
  perfbot start                 bot + worker against your cluster and Slack when configured; otherwise
                                the local demo on the SIMULATED platform (perfbot demo)
  perfbot bot | worker | all    the Slack bot, a job worker, or both in one process (need Redis)
  perfbot sandbox [--kubeconfig FILE] [--port N]
                                start the local simulated platform and write a kubeconfig for it
  perfbot demo [--port N]       simulated platform + bot + worker + a local Slack stand-in, with a console
  perfbot config schema | check FILE
                                perfbot.yaml's JSON Schema, or validate a file as start-up does

Commands (the CLI twin of /perf; add --sandbox to run against the simulated platform,
--charts DIR for where PNG charts go, --fail-on-miss to exit 4 when a target is missed):
  perfbot baseline <${[...SERVICE_NAMES, 'all'].join('|')}> [--runs N] …
  perfbot history <service> [--limit N]
  perfbot help [command]

Environment: KUBECONFIG, REDIS_URL, PERFBOT_CONFIG (perfbot.yaml), SLACK_BOT_TOKEN,
SLACK_SIGNING_SECRET, SLACK_APP_TOKEN, SLACK_API_URL, PORT, PERFBOT_REDIS_PREFIX, PERFBOT_HOME.
`;

/** Entry point of the `perfbot` executable; resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === '--help' || verb === '-h') {
    process.stdout.write(USAGE);
    return verb === undefined ? 2 : 0;
  }
  try {
    const config = loadConfig(process.env);
    switch (verb) {
      case 'bot':
      case 'worker':
      case 'all':
        return await (await import('../main.js')).runProcess(verb, config);
      case 'start':
        return await runStart(config);
      case 'sandbox':
        return await (await import('./sandbox-command.js')).runSandboxCommand(rest, config);
      case 'config':
        return await (await import('./config-command.js')).runConfigCommand(rest);
      case 'demo':
        return await (await import('./demo.js')).runDemo(parsePort(rest), config);
      default:
        // Loaded for CLI commands only: `perfbot bot` must not load the job runner (probes, kube client).
        return await (await import('./cli.js')).runCli(splitCliFlags(argv), config);
    }
  } catch (error) {
    process.stderr.write(`${asPerfError(error).userMessage}\n`);
    return 1;
  }
}

function parsePort(args: readonly string[]): number | undefined {
  const { values } = parseArgs({ args: [...args], options: { port: { type: 'string' } }, strict: true });
  return values.port === undefined ? undefined : Number(values.port);
}

export interface CliArgs {
  text: string;
  sandbox: boolean;
  chartDir: string;
  /** Exit 4 when a target is missed (for CI gates). */
  failOnMiss: boolean;
}

/** Takes the CLI's own flags out; the rest is the command text, parsed by the bot's grammar. */
export function splitCliFlags(argv: readonly string[]): CliArgs {
  const words: string[] = [];
  let sandbox = false;
  let chartDir = 'perfbot-charts';
  let failOnMiss = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--sandbox') sandbox = true;
    else if (arg === '--fail-on-miss') failOnMiss = true;
    else if (arg === '--charts') chartDir = argv[++i] ?? chartDir;
    else if (arg.startsWith('--charts=')) chartDir = arg.slice('--charts='.length);
    else words.push(arg);
  }
  // Joined as typed in Slack, so that the CLI reads exactly what `/perf` would (and refuses the same).
  return { text: words.join(' '), sandbox, chartDir, failOnMiss };
}

/**
 * `perfbot start` (the README's quick start): the real thing when a cluster and Slack are
 * configured, else the local demo on the simulated platform, saying so.
 */
export async function runStart(config: Config): Promise<number> {
  const env = config.env;
  const cluster = Boolean(env.KUBECONFIG || env.KUBERNETES_SERVICE_HOST);
  const slack = Boolean(env.SLACK_BOT_TOKEN && (env.SLACK_SIGNING_SECRET || env.SLACK_APP_TOKEN));
  if (cluster && slack) return (await import('../main.js')).runProcess('all', config);
  process.stderr.write(
    `${cluster ? 'Slack is not configured (SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET or SLACK_APP_TOKEN)' : 'No cluster configured (KUBECONFIG unset, not in a cluster)'}: ` +
      'starting `perfbot demo` on the LOCAL SIMULATED PLATFORM with a local Slack stand-in.\n',
  );
  return (await import('./demo.js')).runDemo(undefined, config);
}
