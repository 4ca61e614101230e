/**
 * The floor of the bot: a Bolt App on an HTTPReceiver whose `/perf` listener only acks, initialised
 * against the same Slack stand-in. It imports nothing of perfbot's, so that its footprint is Bolt's.
 * Prints `{"ready":{"port":…}}`.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { announceReady, onStop } from '../lib/child.js';

const receiver = new HTTPReceiver({
  signingSecret: process.env.BENCH_SECRET ?? '',
  endpoints: '/slack/events',
  port: 0,
});
const app = new App({
  receiver,
  token: process.env.BENCH_BOT_TOKEN ?? '',
  logLevel: LogLevel.ERROR,
  clientOptions: { slackApiUrl: process.env.BENCH_SLACK_API_URL ?? '' },
  deferInitialization: true,
});
app.command('/perf', async ({ ack }) => {
  await ack();
});
await app.init();
const server = (await app.start(0)) as Server;
onStop(async () => {
  await app.stop();
});
announceReady({ port: (server.address() as AddressInfo).port });
