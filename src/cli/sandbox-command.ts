import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import type { Config } from '../config/load.js';
import { PerfError } from '../errors.js';
import { SCENARIOS, type ScenarioName } from '../sim/kube/scenario.js';
import { startSimulatedPlatform } from '../sim/platform.js';

/** The default `--speed`: its tools take a tenth of the time they report. */
const DEFAULT_SPEED = 0.1;

/**
 * `perfbot sandbox [--kubeconfig FILE] [--port N] [--speed F] [--seed N] [--pods N] [--nodes N]
 * [--scenario NAME]`: starts the local simulated platform (of that many pods and nodes, showing that
 * scenario's problems: `bottlenecks` shows every one `perfbot bottlenecks` looks for; none: healthy) and writes a kubeconfig for it (and a perfbot.yaml with its short intervals), so that
 * perfbot and kubectl talk to it as to any cluster. Each start has a fresh seed, so that its figures
 * differ from the last start's as a real cluster's would; `--seed` repeats a start. Runs until interrupted.
 */
/**
 * The perfbot.yaml written beside the kubeconfig: only the intervals a simulated metrics API does not
 * need. No URL or port: Trino is reached through the API server's service proxy, as on a real
 * cluster, so that a sandbox started on another port is the same platform for "vs last baseline"
 * (`analysis/previous.ts` compares params, and a URL would be one).
 */
export const SANDBOX_OVERLAY = {
  services: { resources: { intervalSeconds: 1 }, postgres: { intervalSeconds: 1 } },
} as const;

/** What the speed means for the figures a person will read. */
export function speedNote(speed: number): string {
  if (speed === 1) return 'its tools take the time they report';
  if (speed === 0) return 'its tools answer at once, whatever time they report (--speed 1: real time)';
  return `its tools take ${speed}× the time they report (a run of 35 s takes ${Math.round(35 * speed * 10) / 10} s; --speed 1: real time)`;
}

const MAX_PODS = 100_000;
const MAX_NODES = 5_000;

/** `--pods`, `--nodes` and `--scenario`, checked; a message that says what to give otherwise. */
export function platformSize(values: {
  pods?: string | undefined;
  nodes?: string | undefined;
  scenario?: string | undefined;
}): { pods?: number; nodes?: number; scenario?: ScenarioName } | string {
  const count = (flag: string, text: string | undefined, max: number) => {
    if (text === undefined) return undefined;
    const n = Number(text);
    return Number.isInteger(n) && n >= 1 && n <= max
      ? n
      : `--${flag} ${text}: a whole number from 1 to ${max}`;
  };
  const pods = count('pods', values.pods, MAX_PODS);
  const nodes = count('nodes', values.nodes, MAX_NODES);
  if (typeof pods === 'string') return pods;
  if (typeof nodes === 'string') return nodes;
  const scenario = values.scenario;
  if (scenario !== undefined && !(SCENARIOS as readonly string[]).includes(scenario))
    return `--scenario ${scenario}: one of ${SCENARIOS.join(', ')} (none: a healthy platform)`;
  return {
    ...(pods === undefined ? {} : { pods }),
    ...(nodes === undefined ? {} : { nodes }),
    ...(scenario === undefined ? {} : { scenario: scenario as ScenarioName }),
  };
}

export async function runSandboxCommand(args: readonly string[], _config: Config): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      kubeconfig: { type: 'string' },
      port: { type: 'string' },
      speed: { type: 'string' },
      seed: { type: 'string' },
      pods: { type: 'string' },
      nodes: { type: 'string' },
      scenario: { type: 'string' },
    },
    strict: true,
  });
  const kubeconfigPath = resolve(values.kubeconfig ?? 'perfbot-sandbox.kubeconfig');
  const configPath = resolve(`${kubeconfigPath.replace(/\.kubeconfig$/, '')}.perfbot.yaml`);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port ${values.port}: a port number from 0 to 65535 (0: any free port)\n`);
    return 2;
  }
  const speed = values.speed === undefined ? DEFAULT_SPEED : Number(values.speed);
  if (!Number.isFinite(speed) || speed < 0 || speed > 10) {
    process.stderr.write(
      `--speed ${values.speed}: a factor from 0 to 10 on the time the tools take (1: real time)\n`,
    );
    return 2;
  }
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && (!Number.isInteger(seed) || seed < 1 || seed >= 2 ** 31)) {
    process.stderr.write(`--seed ${values.seed}: a whole number from 1 to 2147483647\n`);
    return 2;
  }
  const size = platformSize(values);
  if (typeof size === 'string') {
    process.stderr.write(`${size}\n`);
    return 2;
  }
  const platform = await startSimulatedPlatform({
    port,
    speed,
    ...(seed === undefined ? {} : { seed }),
    ...size,
  }).catch((error: unknown) => {
    const code = (error as { code?: string }).code;
    const why = code === 'EADDRINUSE' ? `port ${port} is taken` : String(error);
    throw new PerfError('config', why, {
      userMessage: `Cannot start the simulated platform: ${why}. Try --port 0.`,
    });
  });
  await writeFile(kubeconfigPath, platform.kubeconfig, { mode: 0o600 });
  await writeFile(configPath, stringify(SANDBOX_OVERLAY));
  process.stdout.write(
    [
      `LOCAL SIMULATED PLATFORM (not a real cluster) listening on ${platform.url}`,
      `${platform.sandbox.state.list('Pod').length} pods on ${platform.sandbox.state.list('Node').length} nodes; ${size.scenario === undefined ? 'healthy (no --scenario)' : `scenario ${size.scenario}`}`,
      `seed ${platform.seed} (--seed ${platform.seed} repeats these figures); ${speedNote(platform.speed)}`,
      `kubeconfig: ${kubeconfigPath}`,
      `perfbot.yaml for it: ${configPath}`,
      '',
      'In another terminal:',
      `  export KUBECONFIG=${kubeconfigPath} PERFBOT_CONFIG=${configPath}`,
      '  npx perfbot baseline resources',
      '  kubectl get pods -A',
      '',
      'Ctrl-C stops it.',
      '',
    ].join('\n'),
  );
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await platform.close();
  return 0;
}
