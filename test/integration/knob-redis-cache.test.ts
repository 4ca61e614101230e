import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KnobContext } from '../../src/changes/knob.js';
import { invertPlan, planAccepted } from '../../src/changes/plan.js';
import { createRedisCliPort, type RunRedisCli } from '../../src/changes/redis/cli.js';
import { setRedisConf } from '../../src/changes/sets/redis-cache.js';
import { redisTools } from '../../src/sim/tools/redis-cli.js';
import {
  applyWrites,
  expectPerfError,
  knobContext,
  mustKnobSet,
  specAndData,
  waitForRollout,
} from '../helpers/knobs.js';
import { type PrivateRedis, startPrivateRedis } from '../helpers/private-redis.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

const knob = mustKnobSet('redis', 'cache');

// The redis-cli port against the real thing: the machine's `redis-cli` talking to a redis-server of
// the test's own, so that the output it parses (and the errors it passes on) are redis-cli's own.
describe('the redis-cli port, with the real redis-cli and redis-server', () => {
  let server: PrivateRedis;
  let run: RunRedisCli;
  beforeAll(async () => {
    server = await startPrivateRedis();
    run = (args) =>
      new Promise((resolve) => {
        execFile('redis-cli', ['-p', String(server.port), ...args], (error, stdout, stderr) => {
          resolve({ stdout, stderr, exitCode: error && typeof error.code === 'number' ? error.code : 0 });
        });
      });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('gets and sets the cache settings, and reads used_memory', async () => {
    const port = createRedisCliPort(run);
    await port.configSet('maxmemory', '536870912');
    await port.configSet('maxmemory-policy', 'allkeys-lru');
    expect(await port.configGet('maxmemory')).toBe('536870912');
    expect(await port.configGet('maxmemory-policy')).toBe('allkeys-lru');
    expect(await port.configGet('no-such-setting')).toBeUndefined();
    expect(await port.usedMemory()).toBeGreaterThan(0);
  });

  it("passes on Redis's own refusals: a bad policy, an immutable setting", async () => {
    const port = createRedisCliPort(run);
    await expect(port.configSet('maxmemory-policy', 'lru-everything')).rejects.toMatchObject({
      userMessage: expect.stringMatching(
        /ERR CONFIG SET failed \(possibly related to argument 'maxmemory-policy'\) - argument\(s\) must be one of the following/,
      ),
    });
    await expect(port.configSet('daemonize', 'yes')).rejects.toMatchObject({
      userMessage: expect.stringMatching(/can't set immutable config/),
    });
  });

  it('the sandbox redis-cli answers the same commands with the same words', async () => {
    const sb = await startTestSandbox({ tools: redisTools() });
    try {
      const pod = await sb.kube.findReadyPod('redis', 'app.kubernetes.io/name=redis');
      const sim: RunRedisCli = (args) =>
        sb.kube.exec({ namespace: 'redis', pod: pod.name, command: ['redis-cli', ...args], timeoutMs: 5000 });
      for (const [args, name] of [
        [['CONFIG', 'SET', 'maxmemory-policy', 'lru-everything'], 'policy'],
        [['CONFIG', 'SET', 'daemonize', 'yes'], 'immutable'],
        [['CONFIG', 'SET', 'maxmemory', '1x'], 'memory'],
        [['CONFIG', 'SET', 'foo', '1'], 'unknown'],
        [['CONFIG', 'GET', 'foo'], 'get unknown'],
      ] as const) {
        expect((await sim(args)).stdout, name).toBe((await run(args)).stdout);
      }
    } finally {
      await sb.close();
    }
  });
});

describe('redis cache, against the sandbox', () => {
  let sb: TestSandbox;
  let ctx: KnobContext;
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'redis', name: 'redis-configuration' };
  const sts = { apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: 'redis', name: 'redis-master' };
  beforeAll(async () => {
    sb = await startTestSandbox({ tools: redisTools() });
    ctx = knobContext(sb.kube);
  });
  afterAll(async () => {
    await sb?.close();
  });

  it('refuses a policy Redis does not have, and a maxmemory the container cannot hold', async () => {
    await expectPerfError(knob.propose(ctx, { policy: 'lru-everything' }), 'usage', /policy.*allkeys-lru/);
    const plan = await knob.propose(ctx, { maxmemory: '2gb' });
    expect(plan.checks).toContainEqual(
      expect.objectContaining({ name: 'maxmemory', outcome: 'fail', suggestion: 'maxmemory=768mb' }),
    );
  });

  it('sets live and in the ConfigMap together; a restart keeps it; a rollback puts both back', async () => {
    const snapshot = specAndData(await sb.kube.getObject(cm));
    const plan = await knob.propose(ctx, { maxmemory: '256mb', policy: 'allkeys-lru' });
    expect(planAccepted(plan)).toBe(true);
    expect(plan).toMatchObject({ risk: 'high', undoable: true });
    expect(plan.restart).toBeUndefined();
    expect(plan.live).toEqual({
      apply: {
        set: [
          { name: 'maxmemory', value: String(256 * 1024 ** 2) },
          { name: 'maxmemory-policy', value: 'allkeys-lru' },
        ],
      },
      restore: {
        set: [
          { name: 'maxmemory', value: String(512 * 1024 ** 2) },
          { name: 'maxmemory-policy', value: 'noeviction' },
        ],
      },
    });
    expect(plan.diff.at(-1)).toMatchObject({
      field: 'data redis.conf',
      after: 'maxmemory 268435456\nmaxmemory-policy allkeys-lru\n',
    });
    // Live only: verification fails, the ConfigMap does not carry it yet.
    await knob.live?.(ctx, plan.live?.apply, plan);
    expect((await knob.verify(ctx, plan)).ok).toBe(false);
    await applyWrites(sb.kube, plan);
    const v = await knob.verify(ctx, plan);
    expect(v.ok).toBe(true);
    expect(v.lines).toContain('redis-master-0: CONFIG GET maxmemory-policy = allkeys-lru');
    // A restart starts from the ConfigMap, which carries the change.
    await sb.kube.patchObject(
      sts,
      { spec: { template: { metadata: { annotations: { restart: '1' } } } } },
      { type: 'merge' },
    );
    await waitForRollout(sb.kube, sts);
    expect((await knob.verify(ctx, plan)).ok).toBe(true);
    // The rollback: live restore, then the ConfigMap restore.
    const rollback = invertPlan(plan, 'c');
    await knob.live?.(ctx, rollback.live?.apply, rollback);
    await applyWrites(sb.kube, rollback);
    expect(specAndData(await sb.kube.getObject(cm))).toEqual(snapshot);
    expect(await knob.verify(ctx, rollback)).toMatchObject({ ok: true });
    await sb.kube.patchObject(
      sts,
      { spec: { template: { metadata: { annotations: null } } } },
      { type: 'merge' },
    );
  });

  it('refuses a live action that is not its own shape', async () => {
    await expect(
      knob.live?.(ctx, { set: [{ name: 'daemonize', value: 'yes' }] }, await knob.propose(ctx, {})),
    ).rejects.toMatchObject({ code: 'internal' });
  });
});

describe('setRedisConf', () => {
  it('sets directives in their lines and appends new ones', () => {
    expect(
      setRedisConf('maxmemory 512mb\nappendonly no\n', {
        maxmemory: '1gb',
        'maxmemory-policy': 'allkeys-lru',
      }),
    ).toBe('maxmemory 1gb\nappendonly no\nmaxmemory-policy allkeys-lru\n');
    expect(setRedisConf('', { maxmemory: '1' })).toBe('maxmemory 1\n');
  });
});
