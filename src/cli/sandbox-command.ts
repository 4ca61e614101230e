import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import type { Config } from '../config/load.js';
import { PerfError } from '../errors.js';
import { startSimulatedPlatform } from '../sim/platform.js';

/**
 * `perfbot sandbox [--kubeconfig FILE] [--port N]`: starts the local simulated platform and writes a
 * kubeconfig for it (and a perfbot.yaml pointing Trino at it), so that perfbot and kubectl talk to it
 * as to any cluster. Runs until interrupted.
 */
export async function runSandboxCommand(args: readonly string[], _config: Config): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: { kubeconfig: { type: 'string' }, port: { type: 'string' }, speed: { type: 'string' } },
    strict: true,
  });
  const kubeconfigPath = resolve(values.kubeconfig ?? 'perfbot-sandbox.kubeconfig');
  const configPath = resolve(`${kubeconfigPath.replace(/\.kubeconfig$/, '')}.perfbot.yaml`);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port ${values.port}: a port number from 0 to 65535 (0: any free port)\n`);
    return 2;
  }
  const platform = await startSimulatedPlatform({
    port,
    speed: values.speed === undefined ? 0.1 : Number(values.speed),
  }).catch((error: unknown) => {
    const code = (error as { code?: string }).code;
    const why = code === 'EADDRINUSE' ? `port ${port} is taken` : String(error);
    throw new PerfError('config', why, {
      userMessage: `Cannot start the simulated platform: ${why}. Try --port 0.`,
    });
  });
  await writeFile(kubeconfigPath, platform.kubeconfig, { mode: 0o600 });
  const overlay = {
    services: {
      trino: { url: `${platform.url}/trino` },
      resources: { intervalSeconds: 1 },
      postgres: { intervalSeconds: 1 },
    },
  };
  await writeFile(configPath, stringify(overlay));
  process.stdout.write(
    [
      `LOCAL SIMULATED PLATFORM (not a real cluster) listening on ${platform.url}`,
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
