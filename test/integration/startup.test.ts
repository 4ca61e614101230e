import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { PerfError } from '../../src/errors.js';
import { startPerfbot } from '../../src/main.js';
import { closedPort } from '../helpers/net.js';

describe('start-up', () => {
  it('stops with a message saying how to point perfbot at Redis when none answers', async () => {
    const config = loadConfig({
      REDIS_URL: `redis://127.0.0.1:${await closedPort()}`,
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 'secret',
      LOG_LEVEL: 'silent',
    });
    const attempt = startPerfbot({ mode: 'bot', config });
    await expect(attempt).rejects.toBeInstanceOf(PerfError);
    await expect(attempt).rejects.toMatchObject({
      code: 'config',
      userMessage: expect.stringMatching(/REDIS_URL/),
    });
  });

  it('stops naming SLACK_BOT_TOKEN when it is missing, before opening any connection', async () => {
    const config = loadConfig({ LOG_LEVEL: 'silent' });
    await expect(startPerfbot({ mode: 'all', config })).rejects.toMatchObject({
      code: 'config',
      userMessage: expect.stringMatching(/SLACK_BOT_TOKEN/),
    });
  });
});
