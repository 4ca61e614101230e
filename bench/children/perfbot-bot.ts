/**
 * perfbot's bot, from `startPerfbot({ mode: 'bot' })`, in a process of its own, configured by
 * BENCH_* variables (the Slack stand-in's URL, a signing secret, a Redis prefix, perfbot.yaml as
 * JSON). Prints `{"ready":{"port":…}}`.
 */
import { startPerfbot } from '../../src/main.js';
import { announceReady, onStop } from '../lib/child.js';
import { benchConfig, discardLogger } from '../lib/perfbot.js';

const yaml = JSON.parse(process.env.BENCH_YAML ?? '{}') as Record<string, unknown>;
const config = benchConfig({
  prefix: process.env.BENCH_PREFIX ?? '',
  slackApiUrl: process.env.BENCH_SLACK_API_URL ?? '',
  botToken: process.env.BENCH_BOT_TOKEN ?? '',
  signingSecret: process.env.BENCH_SECRET ?? '',
  yaml: { ...yaml, slack: { mode: 'http' } },
});
const running = await startPerfbot({ mode: 'bot', config, log: discardLogger() });
onStop(() => running.close(2_000));
announceReady({ port: running.port });
