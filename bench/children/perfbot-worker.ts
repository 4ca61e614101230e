/**
 * perfbot's worker, from `startPerfbot({ mode: 'worker' })`, in a process of its own, configured by
 * BENCH_* variables. Its jobs (history) touch no cluster: the Kubernetes client points at a closed
 * port. Prints `{"ready":{}}`.
 */
import { createKubeClient } from '../../src/kube/client.js';
import { startPerfbot } from '../../src/main.js';
import { sandboxKubeconfig } from '../../src/sim/kube/kubeconfig.js';
import { announceReady, onStop } from '../lib/child.js';
import { benchConfig, discardLogger } from '../lib/perfbot.js';

const config = benchConfig({
  prefix: process.env.BENCH_PREFIX ?? '',
  slackApiUrl: process.env.BENCH_SLACK_API_URL ?? '',
  botToken: process.env.BENCH_BOT_TOKEN ?? '',
  signingSecret: process.env.BENCH_SECRET ?? '',
  yaml: JSON.parse(process.env.BENCH_YAML ?? '{}') as Record<string, unknown>,
});
const kube = createKubeClient({ kubeConfigYaml: sandboxKubeconfig('http://127.0.0.1:9') });
const running = await startPerfbot({ mode: 'worker', config, kube, simulated: true, log: discardLogger() });
onStop(() => running.close(2_000));
announceReady({});
