import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { splitCliFlags } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/load.js';
import { createRedisStore } from '../../src/store/redis-store.js';
import { connectTestRedis, dropPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.js';

// The CLI twin of /perf tune: the same job code in process against the local simulated platform
// (through the real Kubernetes client, its `java` the machine's JDK), the card on the terminal, and
// "Apply this change? [y/N]" answered on a (pretend) terminal.
const prefix = uniquePrefix('clitune');
const redis = connectTestRedis();
afterAll(async () => {
  await dropPrefix(redis, `${prefix}-sandbox`);
  await redis.quit();
});

const config = loadConfig(
  { REDIS_URL, PERFBOT_REDIS_PREFIX: prefix, LOG_LEVEL: 'silent', PERFBOT_CONFIG: '/p.yaml' },
  { readFile: () => JSON.stringify({ tuning: { rolloutPollMs: 50 } }) },
);
const store = createRedisStore({ redis, prefix: `${prefix}-sandbox`, keepResults: 10 });

/** A terminal that answers `answer` to the first question. */
function terminal(answer: string | undefined, tty = true) {
  const input = Readable.from(answer === undefined ? [] : [`${answer}\n`]) as Readable & { isTTY?: boolean };
  input.isTTY = tty;
  return input;
}

async function perfbot(argv: string[], input = terminal(undefined)) {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) };
  const code = await runCli({ ...splitCliFlags([...argv, '--sandbox']), input }, config, io);
  return { code, out: out.join(''), err: err.join('') };
}

const changeIn = (text: string) => /chg-[0-9a-f]{8}/.exec(text)?.[0] ?? '';

describe('perfbot tune', () => {
  it('prints the card as the kubeconfig identity, asks, and on yes applies and verifies', async () => {
    const run = await perfbot(
      ['tune', 'superset', 'cache', 'redis=cache.redis.svc.cluster.local:6381'],
      terminal('y'),
    );
    expect(run.err).not.toMatch(/rror/);
    expect(run.out).toMatch(/REDIS_PORT/);
    expect(run.out).toMatch(/perfbot-sandbox-user/);
    expect(run.out).toContain('Apply this change? [y/N]');
    expect(run.out).toMatch(/Applied and verified: superset cache/);
    expect(run.code).toBe(0);
    const record = await store.changes.get(changeIn(run.out));
    expect(record).toMatchObject({ state: 'applied', requestedBy: 'perfbot-sandbox-user' });
    expect(record?.approvals.map((a) => a.by)).toEqual(['perfbot-sandbox-user']);
  }, 60_000);

  it('applies nothing when the answer is no: the proposal is rejected, exit 1', async () => {
    const run = await perfbot(
      ['tune', 'superset', 'cache', 'redis=cache.redis.svc.cluster.local:6382'],
      terminal('n'),
    );
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/Not applied/);
    expect((await store.changes.get(changeIn(run.out)))?.state).toBe('rejected');
  }, 60_000);

  it('with --yes applies without asking', async () => {
    const run = await perfbot([
      'tune',
      'superset',
      'cache',
      'redis=cache.redis.svc.cluster.local:6383',
      '--yes',
    ]);
    expect(run.out).not.toContain('[y/N]');
    expect(run.code).toBe(0);
    expect((await store.changes.get(changeIn(run.out)))?.state).toBe('applied');
  }, 60_000);

  it('refuses to ask a question nobody can answer: no terminal and no --yes is a usage error', async () => {
    const run = await perfbot(['tune', 'superset', 'cache'], terminal(undefined, false));
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/add --yes/);
  });

  it("exits 5 naming each option the real JVM refuses in the runbook's DolphinScheduler line", async () => {
    const runbook =
      '-Xms1g -Xmx1g -XX:+UseG1GC -XX:MaxGCPauseMillis=200 -XX:G1NewCollectionPercentage=30 ' +
      '-XX:G1MaxNewGenPercent=40 -XX:+PrintGCDetails -XX:+PrintGCDateStamps -Xloggc:/opt/dolphinscheduler/logs/gc.log';
    const run = await perfbot(['tune', 'dolphinscheduler', 'jvm', `options=${runbook}`, '--yes']);
    expect(run.code).toBe(5);
    for (const option of ['G1NewCollectionPercentage=30', 'G1MaxNewGenPercent=40', 'PrintGCDateStamps'])
      expect(run.err).toContain(option);
    expect(run.out).not.toMatch(/Applied/);
  }, 60_000);

  it('shows a dry run and stores nothing, without asking', async () => {
    const before = (await store.changes.list()).length;
    const run = await perfbot(['tune', 'superset', 'cache', '--dry-run'], terminal(undefined, false));
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/dry run/);
    expect((await store.changes.list()).length).toBe(before);
  }, 60_000);

  it('lists the ledger with perfbot changes', async () => {
    const run = await perfbot(['changes', 'superset']);
    expect(run.code).toBe(0);
    for (const r of await store.changes.list('superset')) expect(run.out).toContain(r.id);
  });
});
