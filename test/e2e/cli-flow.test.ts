import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { splitCliFlags } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/load.js';
import { createRedisStore } from '../../src/store/redis-store.js';
import { connectTestRedis, dropPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.js';

const prefix = uniquePrefix('cliflow');
const redis = connectTestRedis();
let dir = '';

afterAll(async () => {
  await dropPrefix(redis, `${prefix}-sandbox`);
  await redis.quit();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('perfbot baseline all in the CLI', () => {
  it('runs every service in process through the flows module: one status line each, then the overview', async () => {
    dir = await mkdtemp(join(tmpdir(), 'perfbot-cliflow-'));
    const config = loadConfig(
      { REDIS_URL, PERFBOT_REDIS_PREFIX: prefix, LOG_LEVEL: 'silent', PERFBOT_CONFIG: '/p.yaml' },
      {
        readFile: () =>
          JSON.stringify({
            services: { resources: { intervalSeconds: 0 }, postgres: { intervalSeconds: 1 } },
          }),
      },
    );
    const out: string[] = [];
    const io = { out: (t: string) => void out.push(t), err: () => undefined };
    const code = await runCli(
      splitCliFlags(['baseline', 'all', '--runs', '1', '--sandbox', '--charts', dir]),
      config,
      io,
    );
    const text = out.join('');
    expect(code).toBe(0);
    const parent = /job `?(cli-[A-Za-z0-9]+-\d+-[0-9a-f]{8})`?/.exec(text)?.[1];
    expect(parent).toBeDefined();
    const store = createRedisStore({ redis, prefix: `${prefix}-sandbox`, keepResults: 10 });
    for (const service of config.platform.jobs.groups.flat()) {
      // Each child's id is <parent>-<service>, as a worker's are, and its result names it.
      expect(text).toMatch(new RegExp(`baseline ${service}: done`));
      expect((await store.results.latest(service))?.id).toContain(
        `${parent}-${service}`.replace(/[^A-Za-z0-9]/g, '').slice(-12),
      );
    }
    expect(text).toMatch(/baseline all: done/);
  }, 120_000);
});
