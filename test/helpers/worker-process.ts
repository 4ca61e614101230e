/**
 * A perfbot worker in a process of its own, for tests that kill it. Configured by the environment
 * (KUBECONFIG → the simulated platform, PERFBOT_CONFIG, REDIS_URL, PERFBOT_REDIS_PREFIX, SLACK_*),
 * exactly as `perfbot worker` is. Prints `ready` once it takes jobs.
 */
import { loadConfig } from '../../src/config/load.js';
import { startPerfbot } from '../../src/main.js';

// Whether the cluster is simulated is read from its nodes, as for any cluster.
const config = loadConfig(process.env);
const running = await startPerfbot({ mode: 'worker', config });
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void running.close(config.platform.jobs.shutdownGraceMs).then(() => process.exit(0));
});
