import { readFileSync } from 'node:fs';
import { helpText } from '../bot/grammar.js';

/** The CLI's own usage: its processes, then the commands in their `perfbot …` form. */
export function cliUsage(): string {
  return `perfbot: performance work on a Kubernetes data platform, from Slack or this terminal.

Processes:
  perfbot start                 bot + worker against your cluster and Slack when configured; otherwise
                                the local demo on the SIMULATED platform (perfbot demo)
  perfbot bot | worker | all    the Slack bot, a job worker, or both in one process (need Redis)
  perfbot sandbox [--kubeconfig FILE] [--port N] [--pods N] [--nodes N] [--scenario bottlenecks]
                                start the local simulated platform (that large, showing that scenario's
                                problems) and write a kubeconfig for it
  perfbot demo [--port N]       simulated platform + bot + worker + a local Slack stand-in, with a console
  perfbot config schema | check FILE
                                perfbot.yaml's JSON Schema, or validate a file as start-up does

Commands (the same as in Slack, run in this process):
${indent(helpText(undefined, 'cli'))}
  perfbot status                the locks this store holds (who measures what, until when)
  perfbot unlock <service>      release a lock whose owner is gone (audited)

${CLI_FLAGS}

Environment: KUBECONFIG, REDIS_URL, PERFBOT_CONFIG (perfbot.yaml), SLACK_BOT_TOKEN,
SLACK_SIGNING_SECRET, SLACK_APP_TOKEN, SLACK_API_URL, PORT, PERFBOT_REDIS_PREFIX, PERFBOT_HOME.
perfbot --version prints the version; perfbot help <command> one command in detail.
`;
}

const CLI_FLAGS = `Flags of the CLI (with baseline, history, validate, report and bottlenecks):
  --sandbox          against the LOCAL SIMULATED PLATFORM; its results are kept apart from the
                     cluster's (history --sandbox reads them)
  --charts DIR       where PNG charts go (default perfbot-charts)
  --fail-on-miss     exit 4 when a target is missed (validate: its whole interval short of it; for CI gates)
  --out FILE         report: where its Markdown goes (default perf-report-<date>.md here), its charts beside it
With tune and rollback (the kubeconfig's identity asks and approves; exit 5 when its checks refuse it):
  --yes              apply without asking "Apply this change? [y/N]" (scripts; needed without a terminal)`;

/** `perfbot help <command>`: the command in its CLI form, with the CLI's own flags. */
export function cliHelp(topic: string): string {
  const text = helpText(topic, 'cli');
  const flagged = ['baseline', 'history', 'validate', 'report', 'bottlenecks', 'tune', 'rollback'];
  return flagged.includes(topic) ? `${text}\n\n${CLI_FLAGS}\n` : `${text}\n`;
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');

/** package.json's version (two levels up from src/cli/ and from dist/cli/ alike). */
export function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version?: string;
  };
  return pkg.version ?? 'unknown';
}
