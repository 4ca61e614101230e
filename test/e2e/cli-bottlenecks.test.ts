import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { splitCliFlags } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/load.js';
import { startSimulatedPlatform } from '../../src/sim/platform.js';
import { connectTestRedis, dropPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.js';

// `perfbot bottlenecks` end to end (issue #17): the CLI's own code (`runCli`), the job kind run in
// this process, the console notifier; against `--sandbox` (healthy) and against a kubeconfig of a
// simulated platform showing the scenario's problems, as `perfbot sandbox --scenario bottlenecks` writes.
const prefix = uniquePrefix('clibn');
const redis = connectTestRedis();
const dirs: string[] = [];
afterAll(async () => {
  await dropPrefix(redis, prefix);
  await dropPrefix(redis, `${prefix}-sandbox`);
  await redis.quit();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const config = (env: Record<string, string> = {}) =>
  loadConfig(
    { REDIS_URL, PERFBOT_REDIS_PREFIX: prefix, LOG_LEVEL: 'silent', PERFBOT_CONFIG: '/p.yaml', ...env },
    { readFile: () => JSON.stringify({ services: { resources: { intervalSeconds: 0 } } }) },
  );

function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out, err };
}

describe('perfbot bottlenecks', () => {
  it('--sandbox: a healthy platform answers no findings with what was checked', async () => {
    const { io, out, err } = captureIo();
    const code = await runCli(splitCliFlags(['bottlenecks', '--sandbox']), config(), io);
    const text = out.join('');
    expect({ code, err: err.join('') }).toMatchObject({ code: 0, err: expect.stringMatching(/SIMULATED/) });
    expect(text).toMatch(/No findings in \d+\.\d s\./);
    expect(text).toMatch(/Checked: nodes \(core\/v1\), .*cAdvisor metrics \(nodes\/proxy\).*\(PostgreSQL\)/s);
    expect(text).toMatch(/bottlenecks: done \(no findings\)/);
    expect(text.match(/.*(in this thread|\/perf\s).*/)?.[0]).toBeUndefined();
  }, 60_000);

  it('prints the ranked findings with their evidence and each fix as the command that proposes it', async () => {
    const platform = await startSimulatedPlatform({ speed: 0, scenario: 'bottlenecks' });
    try {
      const dir = await mkdtemp(join(tmpdir(), 'perfbot-bn-'));
      dirs.push(dir);
      const kubeconfig = join(dir, 'kubeconfig.yaml');
      await writeFile(kubeconfig, platform.kubeconfig);
      const { io, out } = captureIo();
      const code = await runCli(splitCliFlags(['bottlenecks']), config({ KUBECONFIG: kubeconfig }), io);
      const text = out.join('');
      expect(code).toBe(0);
      expect(text).toMatch(/\d+ finding\(s\) in \d+\.\d s: \d+ critical/);
      for (const statement of [
        /throttled in 40% of its periods/,
        /memory at 9\d% of its limit/,
        /redis-master-0 redis: OOMKilled/,
        /idle in transaction/,
        /\/data: volume 9\d% full/,
        /consumer lag [\d,]+ on orders/,
        /-Xmx 3 GiB is larger than the container's memory limit 2 GiB/,
      ])
        expect(text).toMatch(statement);
      expect(text).toContain('fix: perfbot tune dolphinscheduler pool maximum_pool_size=80');
      expect(text).toContain('fix: perfbot tune dolphinscheduler jvm heap=1536m');
      expect(text).toContain('fix: perfbot tune postgres pool max_connections=150');
      expect(text).toContain('fix: perfbot tune redis cache maxmemory=768mb');
      // Ranked: the first is critical, and no critical comes after a warning.
      const marks = [...text.matchAll(/^(🚨|⚠|ℹ)\S* \d+\./gmu)].map((m) => m[1]);
      expect(marks[0]).toBe('🚨');
      expect(marks.lastIndexOf('🚨')).toBeLessThan(marks.indexOf('⚠'));
    } finally {
      await platform.close();
    }
  }, 60_000);
});
