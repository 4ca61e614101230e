import { describe, expect, it } from 'vitest';
import { seedPlatform } from '../../../src/sim/kube/seed.js';
import { SandboxStore } from '../../../src/sim/kube/state.js';
import { builtinTools } from '../../../src/sim/tools/builtin.js';
import { KafkaFault, kafkaTools } from '../../../src/sim/tools/kafka.js';
import { createTimeoutTool, type DispatchContext, parseTimeoutArgs } from '../../../src/sim/tools/timeout.js';
import type { SimExecOutcome, SimTool } from '../../../src/sim/types.js';

const store = new SandboxStore({ seed: 3, rolloutDelayMs: 0 });
seedPlatform(store);
const tools: Record<string, SimTool> = { ...builtinTools, ...kafkaTools };

function ctx(): DispatchContext {
  const pod = store.get('Pod', 'kafka', 'kafka-0');
  if (!pod) throw new Error('no kafka-0');
  return { state: store, namespace: 'kafka', pod, container: 'kafka', stdin: '', tools };
}
const timeout = (...args: string[]) => (builtinTools.timeout as SimTool)(['timeout', ...args], ctx());

const producer = (records: number) => [
  '/opt/kafka/bin/kafka-producer-perf-test.sh',
  '--topic',
  'perfbot-timeout-test',
  '--num-records',
  String(records),
  '--record-size',
  '1024',
  '--throughput',
  '-1',
  '--producer-props',
  'acks=all',
  'bootstrap.servers=localhost:9092',
];

describe('built-in timeout', () => {
  it('runs the wrapped program from the exec tools map and passes its result through', async () => {
    expect(await timeout('-k', '10', '5', 'echo', 'a', 'b')).toEqual({
      stdout: 'a b\n',
      stderr: '',
      exitCode: 0,
    });
    expect((await timeout('5', 'false')).exitCode).toBe(1);
    expect(await timeout('--kill-after=10', '--signal=TERM', '3', 'sleep', '2')).toMatchObject({
      exitCode: 0,
      durationMs: 2000,
    });
  });

  it('answers 124 at the deadline when the program runs longer, with no output from a program that prints at the end', async () => {
    const out = await timeout('-k', '10', '1.5', 'sleep', '1m');
    expect(out).toEqual({ stdout: '', stderr: '', exitCode: 124, durationMs: 1500 });
  });

  it('keeps the producer windows printed before the deadline', async () => {
    const full = await timeout('0', ...producer(2_000_000));
    expect(full.exitCode).toBe(0);
    const windows = full.stdout.split('\n').filter((l) => l.endsWith(' ms max latency.'));
    expect(windows.length).toBeGreaterThan(3);
    const cut = await timeout('-k', '10', '12', ...producer(2_000_000));
    expect(cut.exitCode).toBe(124);
    expect(cut.durationMs).toBe(12_000);
    // Windows come every 5 s: two of them by 12 s, and never the summary.
    expect(cut.stdout.trimEnd().split('\n')).toHaveLength(2);
    expect(cut.stdout).not.toMatch(/99\.9th/);
  });

  it('stops a producer stuck by the kafka.timeout fault', async () => {
    store.faults.set(KafkaFault.timeout, { times: 1 });
    const out = await timeout('-k', '10', '8', ...producer(100_000));
    expect(out).toMatchObject({ exitCode: 124, durationMs: 8000 });
    expect(store.faults.has(KafkaFault.timeout)).toBe(false);
  });

  it('reports the signal with --preserve-status and -v', async () => {
    const out = await timeout('-v', '--preserve-status', '-s', 'KILL', '1', 'sleep', '5');
    expect(out).toMatchObject({ exitCode: 137, stderr: "timeout: sending signal KILL to command 'sleep'\n" });
    expect((await timeout('-vk10', '1', 'sleep', '5')).stderr).toBe(
      "timeout: sending signal TERM to command 'sleep'\n",
    );
  });

  it('fails as coreutils does on bad usage (125) and a missing program (127)', async () => {
    expect(await timeout('x', 'sleep', '1')).toEqual({
      stdout: '',
      stderr: "timeout: invalid time interval 'x'\nTry 'timeout --help' for more information.\n",
      exitCode: 125,
    });
    expect((await timeout('5')).exitCode).toBe(125);
    expect((await timeout('-k')).stderr).toMatch(/^timeout: option requires an argument -- 'k'\n/);
    expect((await timeout('-s', 'NOPE', '5', 'true')).stderr).toBe('timeout: NOPE: invalid signal\n');
    expect((await timeout('-z', '5', 'true')).stderr).toMatch(/^timeout: invalid option -- 'z'\n/);
    expect(await timeout('5', '/usr/bin/nope')).toEqual({
      stdout: '',
      stderr: "timeout: failed to run command '/usr/bin/nope': No such file or directory\n",
      exitCode: 127,
    });
  });

  it('stops reading options at the first operand, as getopt +k:s:v does', () => {
    expect(parseTimeoutArgs(['timeout', '2m', 'sleep', '-k', '3'])).toEqual({
      signal: 15,
      preserveStatus: false,
      verbose: false,
      seconds: 120,
      command: ['sleep', '-k', '3'],
    });
    expect(parseTimeoutArgs(['timeout', '--', '.5', 'true'])).toMatchObject({ seconds: 0.5 });
  });

  it('can be bound to a tools map for a context without one', async () => {
    const slow: SimTool = (): SimExecOutcome => ({
      stdout: 'done\n',
      stderr: '',
      exitCode: 3,
      durationMs: 4000,
    });
    const bound = createTimeoutTool({ slow });
    const { tools: _unused, ...plain } = ctx();
    expect(await bound(['timeout', '5', 'slow'], plain)).toMatchObject({ stdout: 'done\n', exitCode: 3 });
    expect(await bound(['timeout', '2', 'slow'], plain)).toMatchObject({ stdout: '', exitCode: 124 });
  });
});
