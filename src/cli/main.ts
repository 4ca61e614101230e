import type { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { quote } from 'shell-quote';
import { type Config, loadConfig } from '../config/load.js';
import { asPerfError } from '../errors.js';
import { createTerminal } from './terminal.js';
import { cliUsage, cliVersion } from './usage.js';

/** Entry point of the `perfbot` executable; resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [verb, ...rest] = argv;
  // A reader gone (`perfbot help | head -1`) ends the output quietly, never with an EPIPE trace.
  const io = createTerminal();
  if (verb === undefined || verb === '--help' || verb === '-h' || (verb === 'help' && rest.length === 0)) {
    io.out(cliUsage());
    return verb === undefined ? 2 : 0;
  }
  if (verb === '--version' || verb === '-V') {
    io.out(`perfbot ${cliVersion()}\n`);
    return 0;
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
        return await (await import('./cli.js')).runCli(splitCliFlags(argv), config, io);
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
  /** `--out FILE`: where `perfbot report` writes its Markdown (its charts beside it). */
  out?: string;
  /** Exit 4 when a target is missed (for CI gates). */
  failOnMiss: boolean;
  /** `--yes`: apply a proposed change without asking (scripts); else the terminal is asked y/N. */
  yes: boolean;
  /** Where "Apply this change? [y/N]" is answered: stdin unless a test gives its own. */
  input?: Readable & { isTTY?: boolean | undefined };
}

/** Takes the CLI's own flags out; the rest is the command text, parsed by the bot's grammar. */
export function splitCliFlags(argv: readonly string[]): CliArgs {
  const words: string[] = [];
  let sandbox = false;
  let chartDir = 'perfbot-charts';
  let failOnMiss = false;
  let yes = false;
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--sandbox') sandbox = true;
    else if (arg === '--fail-on-miss') failOnMiss = true;
    else if (arg === '--yes' || arg === '-y') yes = true;
    else if (arg === '--charts') chartDir = argv[++i] ?? chartDir;
    else if (arg.startsWith('--charts=')) chartDir = arg.slice('--charts='.length);
    else if (arg === '--out') out = argv[++i] ?? '';
    else if (arg.startsWith('--out=')) out = arg.slice('--out='.length);
    else words.push(arg);
  }
  // Joined as typed in Slack, so that the CLI reads exactly what `/perf` would (and refuses the same).
  // A word the shell kept whole (`options=-Xmx2g -XX:+UseG1GC`, quoted) is quoted again, so that it stays one.
  const text = words.map((w) => (/\s/.test(w) ? quote([w]) : w)).join(' ');
  return { text, sandbox, chartDir, failOnMiss, yes, ...(out === undefined ? {} : { out }) };
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
