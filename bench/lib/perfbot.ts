import { Writable } from 'node:stream';
import { type Config, loadConfig } from '../../src/config/load.js';
import { createLogger, type Logger } from '../../src/log.js';
import { REDIS_URL } from './options.js';

export interface BenchConfigInput {
  prefix: string;
  slackApiUrl: string;
  botToken: string;
  signingSecret: string;
  /** perfbot.yaml as an object (validated by the real schema). */
  yaml?: Record<string, unknown>;
}

/** perfbot's config for a benchmark: its own Redis prefix, the local Slack stand-in, an ephemeral port. */
export function benchConfig(input: BenchConfigInput): Config {
  return loadConfig(
    {
      REDIS_URL,
      PERFBOT_REDIS_PREFIX: input.prefix,
      SLACK_BOT_TOKEN: input.botToken,
      SLACK_SIGNING_SECRET: input.signingSecret,
      SLACK_API_URL: input.slackApiUrl,
      PORT: '0',
      LOG_LEVEL: 'info',
      PERFBOT_CONFIG: '/perfbot.yaml',
    },
    { readFile: () => JSON.stringify(input.yaml ?? {}) },
  );
}

/**
 * perfbot's production log level (info), written nowhere: the cost of building log lines is
 * measured, the terminal stays readable.
 */
export function discardLogger(): Logger {
  const sink = new Writable({ write: (_chunk, _enc, done) => done() });
  return createLogger('info', sink);
}
