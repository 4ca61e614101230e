/**
 * The local Slack stand-in in a process of its own, so that its work (recording every message the
 * bot posts) is not charged to the process being measured. BENCH_SLACK_LATENCY (`min-max`, ms) delays
 * every Web API call as Slack's own do. Prints `{"ready":{apiUrl,botToken}}`.
 */
import { startFakeSlack } from '../../src/sim/slack/server.js';
import { announceReady, onStop } from '../lib/child.js';

const [min = 0, max = min] = (process.env.BENCH_SLACK_LATENCY ?? '0').split('-').map(Number);
const slack = await startFakeSlack({ latencyMs: { min, max } });
onStop(() => slack.close());
announceReady({ apiUrl: slack.apiUrl, botToken: slack.botToken });
