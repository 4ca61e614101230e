import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../src/cli/demo.js';
import { loadConfig } from '../../src/config/load.js';
import { connectTestRedis, dropPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.js';

const prefix = uniquePrefix('demo');
const redis = connectTestRedis();
let dir: string | undefined;

afterAll(async () => {
  await dropPrefix(redis, `${prefix}-demo`);
  await redis.quit();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('perfbot demo (what `npm start` runs without a cluster)', () => {
  it('names the simulated platform, runs typed commands through the real bot and worker, and prints the thread', async () => {
    dir = await mkdtemp(join(tmpdir(), 'perfbot-demo-'));
    const config = loadConfig(
      { REDIS_URL, PERFBOT_REDIS_PREFIX: prefix, LOG_LEVEL: 'silent', PERFBOT_CONFIG: '/p.yaml' },
      { readFile: () => JSON.stringify({ services: { resources: { intervalSeconds: 0 } } }) },
    );
    const out: string[] = [];
    const input = Readable.from([
      '/perf baselin resources\n',
      '/perf baseline resources\n',
      '/perf status\n',
      'exit\n',
    ]);
    const code = await runDemo(undefined, config, { input, out: (t) => void out.push(t), chartDir: dir });
    const text = out.join('');
    expect(code).toBe(0);
    expect(text).toMatch(/LOCAL SIMULATED PLATFORM/);
    expect(text).toMatch(/Did you mean `?\/perf baseline resources/);
    expect(text).toMatch(/\[status\] baseline resources: queued/);
    expect(text).toMatch(/\[status\] baseline resources: done/);
    expect(text).toMatch(/Busiest node CPU/);
    expect(text).toMatch(/baseline-[0-9a-f]{8}/);
    expect((await readdir(dir)).some((f) => /^resources-nodes-.+\.png$/.test(f))).toBe(true);
  }, 60_000);
});
