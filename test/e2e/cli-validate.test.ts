import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/bot/grammar.js';
import { runChangeCommand } from '../../src/cli/change-command.js';
import { createConsoleNotifier } from '../../src/cli/console-notifier.js';
import { runJobCommand } from '../../src/cli/run-command.js';
import { loadConfig } from '../../src/config/load.js';
import { buildJobDeps } from '../../src/job-deps.js';
import type { QueuedCommand } from '../../src/jobs/dispatcher.js';
import { createKubeClient } from '../../src/kube/client.js';
import { createLogger } from '../../src/log.js';
import type { ProbeResult } from '../../src/results/schema.js';
import { type SimulatedPlatform, startSimulatedPlatform } from '../../src/sim/platform.js';
import { createRedisStore } from '../../src/store/redis-store.js';
import { connectTestRedis, dropPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.js';

// `perfbot validate` end to end on ONE simulated platform (each `perfbot --sandbox` starts a fresh
// one, so the CLI's own code is driven here as `cli.ts` drives it: the real Kubernetes client, the
// job kinds, the console notifier): a baseline, a change applied that really moves the simulated
// numbers (Trino's heap: less GC), then the same probe re-run and judged; and an unchanged platform,
// which must never read as improved.
const prefix = uniquePrefix('clival');
const redis = connectTestRedis();
const store = createRedisStore({ redis, prefix, keepResults: 50 });
let platform: SimulatedPlatform;
let chartDir = '';
beforeAll(async () => {
  chartDir = await mkdtemp(join(tmpdir(), 'perfbot-validate-'));
  platform = await startSimulatedPlatform({ speed: 0 });
}, 60_000);
afterAll(async () => {
  await platform?.close();
  await rm(chartDir, { recursive: true, force: true });
  await dropPrefix(redis, prefix);
  await redis.quit();
});

async function perfbot(argv: string[], validation: Record<string, unknown> = {}, failOnMiss = false) {
  const config = loadConfig(
    { REDIS_URL, PERFBOT_REDIS_PREFIX: prefix, LOG_LEVEL: 'silent', PERFBOT_CONFIG: '/p.yaml' },
    { readFile: () => JSON.stringify({ tuning: { rolloutPollMs: 50 }, validation }) },
  );
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) };
  const parsed = parseCommand(argv.join(' '));
  if (!parsed.ok) throw new Error(parsed.error.message);
  const deps = await buildJobDeps({
    config: { ...config, platform: platform.overlay(config.platform) },
    kube: createKubeClient({ kubeConfigYaml: platform.kubeconfig }),
    store,
    notifier: createConsoleNotifier({ chartDir, write: io.out }),
    log: createLogger('silent', process.stderr),
    simulated: true,
  });
  const signal = new AbortController().signal;
  const command = parsed.value as QueuedCommand;
  const code =
    command.kind === 'tune'
      ? await runChangeCommand(command, deps, signal, io, {
          yes: true,
          identity: 'tester',
          input: Readable.from([]),
        })
      : await runJobCommand(command, deps, signal, { failOnMiss });
  return { code, out: out.join(''), err: err.join('') };
}

async function newest(service: ProbeResult['service']): Promise<ProbeResult> {
  const [last] = [...(await store.results.history(service, 50))].sort((a, b) =>
    b.finishedAt.localeCompare(a.finishedAt),
  );
  if (!last) throw new Error(`no ${service} result`);
  return last;
}

describe('perfbot validate', () => {
  it('refuses with the reason when there is nothing to compare with', async () => {
    const run = await perfbot(['validate', 'ray']);
    expect(run.code).toBe(1);
    expect(`${run.out}${run.err}`).toMatch(/Cannot validate ray: no stored result of ray to compare with/);
  }, 60_000);

  it('an unchanged platform is never "improved"; giving a GC-bound Trino its heap back is, with an interval clear of zero', async () => {
    // The platform starts with a small heap (GC-bound joins): the change below gives it back its 4G.
    const small = await perfbot(['tune', 'trino', 'jvm', 'heap=2G']);
    expect(small.out).toMatch(/Applied and verified: trino jvm/);
    const base = await perfbot(['baseline', 'trino', '--runs', '5']);
    expect(base.code).toBe(0);
    const before = await newest('trino');

    const same = await perfbot(['validate', 'trino']);
    expect(same.err).not.toMatch(/rror/);
    expect(same.code).toBe(0);
    const unchanged = await newest('trino');
    expect(unchanged.validation?.beforeId).toBe(before.id);
    for (const m of unchanged.validation?.metrics ?? []) expect(m.verdict).not.toBe('improved');
    expect(same.out).toMatch(/Validation: trino/);

    const tune = await perfbot(['tune', 'trino', 'jvm', 'heap=4G']);
    expect(tune.out).toMatch(/Applied and verified: trino jvm/);
    const changeId = /chg-[0-9a-f]{8}/.exec(tune.out)?.[0];

    const after = await perfbot(['validate', 'trino']);
    expect(after.code).toBe(0);
    const validated = await newest('trino');
    const v = validated.validation;
    // The last result before the change: the unchanged platform's re-run.
    expect(v?.beforeId).toBe(unchanged.id);
    expect(v?.changeIds).toEqual([changeId]);
    const join = v?.metrics.find((m) => m.key === 'join.elapsed_ms');
    expect(join?.verdict).toBe('improved');
    // Lower is better: the whole interval of the change lies below zero.
    expect(join?.test?.high).toBeLessThan(0);
    expect(join?.test?.nAfter).toBeGreaterThanOrEqual(5);
    expect(after.out).toContain(changeId);
  }, 240_000);

  it('exits 4 with --fail-on-miss when a target is missed, 0 without it', async () => {
    // An unchanged platform cannot reach a +50% target: the whole interval falls short of it.
    const targets = { trino: [{ metric: 'join.elapsed_ms', change: 0.5 }] };
    const before = await newest('trino');
    const gate = await perfbot(['validate', 'trino', '--against', before.id], { targets }, true);
    expect(gate.code).toBe(4);
    expect((await newest('trino')).validation?.targets[0]?.met).toBe(false);
    const plain = await perfbot(['validate', 'trino', '--against', before.id], { targets });
    expect(plain.code).toBe(0);
  }, 240_000);

  it('with validation.autoValidate and autoRollback, a worse heap applied in the terminal is validated and rolled back by itself', async () => {
    const auto = { autoValidate: true, autoRollback: true, critical: { trino: ['join.elapsed_ms'] } };
    const before = await newest('trino');
    const worse = await perfbot(['tune', 'trino', 'jvm', 'heap=2G'], auto);
    expect(worse.out).toMatch(/Applied and verified: trino jvm/);
    const changeId = /chg-[0-9a-f]{8}/.exec(worse.out)?.[0] ?? '';
    // The validation ran after the apply, in the same terminal thread, against the result before it.
    expect(worse.out).toMatch(/Validation: trino/);
    const validated = await newest('trino');
    expect(validated.validation?.beforeId).toBe(before.id);
    expect(validated.validation?.changeIds).toEqual([changeId]);
    expect(validated.validation?.metrics.find((m) => m.key === 'join.elapsed_ms')?.verdict).toBe('regressed');
    // Then the rollback, proposed, approved and applied by perfbot/auto.
    expect(worse.out).toContain(`Rolling back ${changeId} by itself`);
    const original = await store.changes.get(changeId);
    expect(original?.state).toBe('rolled_back');
    expect(original?.history.at(-1)?.actor).toBe('perfbot/auto');
    const rollback = await store.changes.get(validated.validation?.autoRollback ?? '');
    expect(rollback).toMatchObject({ state: 'applied', requestedBy: 'perfbot/auto' });
  }, 240_000);
});
