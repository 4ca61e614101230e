/**
 * The local Slack stand-in in a process of its own, so that its work (recording every message the
 * bot posts) is not charged to the process being measured. Prints `{"ready":{apiUrl,botToken}}`.
 */
import { startFakeSlack } from '../../src/sim/slack/server.js';
import { announceReady, onStop } from '../lib/child.js';

const slack = await startFakeSlack();
onStop(() => slack.close());
announceReady({ apiUrl: slack.apiUrl, botToken: slack.botToken });
