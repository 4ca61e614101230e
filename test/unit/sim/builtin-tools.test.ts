import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/kube/port.js';
import { exitStatus } from '../../../src/sim/kube/exec.js';
import { MemoryFaultSet } from '../../../src/sim/kube/faults.js';
import { seedPlatform } from '../../../src/sim/kube/seed.js';
import { parseSelector } from '../../../src/sim/kube/server.js';
import { SandboxStore } from '../../../src/sim/kube/state.js';
import { builtinTools } from '../../../src/sim/tools/builtin.js';
import type { SimExecContext, SimTool } from '../../../src/sim/types.js';

const store = new SandboxStore({ seed: 3, rolloutDelayMs: 0 });
seedPlatform(store);

function ctx(namespace: string, pod: string, container?: string, stdin = ''): SimExecContext {
  const obj = store.get('Pod', namespace, pod);
  if (!obj) throw new Error(`no pod ${namespace}/${pod}`);
  return { state: store, namespace, pod: obj as KubeObject, container, stdin };
}
const tool = (name: string): SimTool => {
  const found = builtinTools[name];
  if (!found) throw new Error(`no tool ${name}`);
  return found;
};

describe('built-in tools', () => {
  it('df -P -B1 prints the data volume in POSIX format', async () => {
    const out = await tool('df')(['df', '-P', '-B1', '/data/bucket'], ctx('minio', 'minio-0', 'minio'));
    const [header, row] = out.stdout.split('\n');
    expect(header).toBe('Filesystem         1-blocks         Used    Available Capacity Mounted on');
    expect(row).toMatch(/^\/dev\/rbd0\s+536870912000\s+\d+\s+\d+\s+7[01]% \/data$/);
    expect(out.exitCode).toBe(0);
  });

  it('df -Pk counts 1024-byte blocks and reports the overlay root elsewhere', async () => {
    const out = await tool('df')(['df', '-Pk', '/tmp'], ctx('minio', 'minio-0'));
    expect(out.stdout).toMatch(
      /^Filesystem\s+1024-blocks\s+Used\s+Available\s+Capacity\s+Mounted on\noverlay\s+104857600\s/,
    );
  });

  it('df fails like GNU df on a missing path and a bad option', async () => {
    const missing = await tool('df')(['df', '-P', '-B1', '/nope'], ctx('kafka', 'kafka-0'));
    expect(missing).toMatchObject({
      stdout: '',
      stderr: 'df: /nope: No such file or directory\n',
      exitCode: 1,
    });
    const bad = await tool('df')(['df', '-x'], ctx('kafka', 'kafka-0'));
    expect(bad.stderr).toContain("df: invalid option -- 'x'");
  });

  it('reflects a volume filled through the state', async () => {
    store.setVolumeUsage('kong', '/bitnami/postgresql', 19.5 * 1024 ** 3);
    const out = await tool('df')(
      ['df', '-P', '-B1', '/bitnami/postgresql'],
      ctx('kong', 'postgresql-0', 'postgresql'),
    );
    expect(out.stdout).toMatch(/ (9[89]|100)% \/bitnami\/postgresql\n$/);
  });

  it('cat reads mounted ConfigMap files and stdin', async () => {
    const pod = store.list('Pod', 'data-platform')[0]?.metadata.name ?? '';
    const jvm = await tool('cat')(['cat', '/etc/trino/jvm.config'], ctx('data-platform', pod));
    expect(jvm.stdout).toContain('-Xmx4G');
    expect((await tool('cat')(['cat'], ctx('kafka', 'kafka-0', 'kafka', 'in\n'))).stdout).toBe('in\n');
    expect((await tool('cat')(['cat', '/etc/shadow'], ctx('kafka', 'kafka-0'))).exitCode).toBe(1);
  });

  it('env prints the container env', async () => {
    const out = await tool('env')(['env'], ctx('kafka', 'kafka-1', 'kafka'));
    expect(out.stdout).toContain('KAFKA_HEAP_OPTS=-Xmx1G -Xms1G\n');
    expect(out.stdout).toContain('HOSTNAME=kafka-1\n');
  });

  it('echo, true, false and sleep behave as coreutils', async () => {
    expect((await tool('echo')(['echo', '-n', 'a', 'b'], ctx('kafka', 'kafka-0'))).stdout).toBe('a b');
    expect((await tool('true')(['true'], ctx('kafka', 'kafka-0'))).exitCode).toBe(0);
    expect((await tool('false')(['false'], ctx('kafka', 'kafka-0'))).exitCode).toBe(1);
    expect((await tool('sleep')(['sleep', '2.5'], ctx('kafka', 'kafka-0'))).durationMs).toBe(2500);
    expect((await tool('sleep')(['sleep', '1m'], ctx('kafka', 'kafka-0'))).durationMs).toBe(60_000);
    expect((await tool('sleep')(['sleep', 'x'], ctx('kafka', 'kafka-0'))).exitCode).toBe(1);
  });
});

describe('exec status', () => {
  it('is the kubelet Status for success and for a non-zero exit', () => {
    expect(exitStatus(['true'], 0)).toEqual({ metadata: {}, status: 'Success' });
    expect(exitStatus(['sh', '-c', 'exit 3'], 3)).toEqual({
      metadata: {},
      status: 'Failure',
      message:
        'command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    });
  });
});

describe('label selectors', () => {
  const labels = { app: 'trino', component: 'worker' };
  it.each([
    ['app=trino', true],
    ['app==trino,component=worker', true],
    ['app=trino,component=coordinator', false],
    ['component!=coordinator', true],
    ['app', true],
    ['!app', false],
    ['', true],
  ])('%j matches: %s', (selector, expected) => {
    expect(parseSelector(selector)?.(labels)).toBe(expected);
  });

  it('refuses set-based syntax it does not serve', () => {
    expect(parseSelector('app in (trino)')).toBeUndefined();
  });
});

describe('MemoryFaultSet', () => {
  it('consumes a fault with times and keeps one without', () => {
    const faults = new MemoryFaultSet();
    faults.set('a', { times: 2, delayMs: 5 });
    faults.set('b');
    expect(faults.take('a')).toEqual({ times: 2, delayMs: 5 });
    expect(faults.take('a')?.times).toBe(1);
    expect(faults.take('a')).toBeUndefined();
    expect(faults.take('b')).toEqual({});
    expect(faults.has('b')).toBe(true);
    faults.clear();
    expect(faults.has('b')).toBe(false);
  });
});
