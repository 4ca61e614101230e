import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PerfError } from '../../src/errors.js';
import type { SimTool } from '../../src/sim/types.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

const shout: SimTool = (argv, ctx) => ({
  stdout: `${argv.slice(1).join(' ').toUpperCase()}\n`,
  stderr: `ran in ${ctx.namespace}/${ctx.pod.metadata.name} (${ctx.container})\n`,
  exitCode: argv.includes('fail') ? 3 : 0,
});

let t: TestSandbox;
beforeAll(async () => {
  t = await startTestSandbox({ tools: { 'shout.sh': shout } });
});
afterAll(() => t.close());

const base = { namespace: 'kafka', pod: 'kafka-0', container: 'kafka', timeoutMs: 10_000 } as const;

describe('kube adapter: exec over WebSocket', () => {
  it('collects stdout and stderr and reports exit code 0', async () => {
    const result = await t.kube.exec({ ...base, command: ['/opt/kafka/bin/shout.sh', 'hello', 'world'] });
    expect(result).toEqual({
      stdout: 'HELLO WORLD\n',
      stderr: 'ran in kafka/kafka-0 (kafka)\n',
      exitCode: 0,
    });
  });

  it('reads a non-zero exit code from the NonZeroExitCode status', async () => {
    const result = await t.kube.exec({ ...base, command: ['shout.sh', 'fail'] });
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toBe('FAIL\n');
    expect((await t.kube.exec({ ...base, command: ['false'] })).exitCode).toBe(1);
  });

  it('sends stdin and closes it', async () => {
    const result = await t.kube.exec({ ...base, command: ['cat'], stdin: 'line 1\nline 2\n' });
    expect(result).toEqual({ stdout: 'line 1\nline 2\n', stderr: '', exitCode: 0 });
  });

  it('uses the only container when none is named', async () => {
    const result = await t.kube.exec({
      namespace: 'minio',
      pod: 'minio-0',
      command: ['echo', 'hi'],
      timeoutMs: 5000,
    });
    expect(result.stdout).toBe('hi\n');
  });

  it('reads a data volume with df -P -B1', async () => {
    const result = await t.kube.exec({
      namespace: 'minio',
      pod: 'minio-0',
      container: 'minio',
      command: ['df', '-P', '-B1', '/data'],
      timeoutMs: 5000,
    });
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Filesystem\s+1-blocks\s+Used\s+Available\s+Capacity\s+Mounted on$/);
    const [device, size, used, avail, capacity, mount] = (lines[1] ?? '').split(/\s+/);
    expect(device).toBe('/dev/rbd0');
    expect(Number(size)).toBe(500 * 1024 ** 3);
    expect(Number(used) + Number(avail)).toBe(Number(size));
    expect(capacity).toMatch(/^7[01]%$/);
    expect(mount).toBe('/data');
  });

  it('throws a timeout that is not retried (the command may still run) and closes the stream when the command outlives timeoutMs', async () => {
    t.sandbox.faults.set('exec.slow', { delayMs: 3000, times: 1 });
    const started = Date.now();
    const error = (await t.kube
      .exec({ ...base, command: ['true'], timeoutMs: 200 })
      .catch((e: unknown) => e)) as PerfError;
    expect(error).toBeInstanceOf(PerfError);
    expect(error.code).toBe('timeout');
    expect(error.retryable).toBe(false);
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('names the program a `timeout` wrapper runs, not `timeout`, when it times out', async () => {
    t.sandbox.faults.set('exec.slow', { delayMs: 3000, times: 1 });
    const command = ['timeout', '-k', '10', '590', 'kafka-producer-perf-test.sh', '--num-records', '10'];
    const error = (await t.kube
      .exec({ ...base, command, timeoutMs: 200 })
      .catch((e: unknown) => e)) as PerfError;
    expect(error.code).toBe('timeout');
    expect(error.userMessage).toContain(
      '`kafka-producer-perf-test.sh` in kafka/kafka-0 (kafka) did not finish',
    );
    expect(error.message).not.toMatch(/exec timeout /);
  });

  it('fails with probe_failed when the program is not in the image', async () => {
    const error = (await t.kube
      .exec({ ...base, command: ['kafka-nope.sh'] })
      .catch((e: unknown) => e)) as PerfError;
    expect(error.code).toBe('probe_failed');
    expect(error.userMessage).toContain('executable file not found in $PATH');
  });

  it('maps an unknown pod to a kube_api error that is not retried', async () => {
    const error = (await t.kube
      .exec({ ...base, pod: 'kafka-9', command: ['true'] })
      .catch((e: unknown) => e)) as PerfError;
    expect(error.code).toBe('kube_api');
    expect(error.retryable).toBe(false);
    expect(error.userMessage).toContain('kafka/kafka-9');
  });
});
