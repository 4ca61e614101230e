import { describe, expect, it } from 'vitest';
import {
  compareFlags,
  flagOf,
  jvmChecks,
  memoryOptionsChanged,
  parseVmFlags,
} from '../../../src/changes/jvm/checks.js';
import { redirectLogFiles } from '../../../src/changes/jvm/options.js';
import { desiredOptions } from '../../../src/changes/sets/dolphinscheduler-jvm.js';

// VM.flags as JDK 17's `jcmd <pid> VM.flags` prints it (a JVM started with -Xms1g -Xmx1g -XX:+UseG1GC).
const VM_FLAGS =
  '1:\n-XX:CICompilerCount=2 -XX:ConcGCThreads=1 -XX:G1HeapRegionSize=1048576 -XX:InitialHeapSize=1073741824 ' +
  '-XX:MaxHeapSize=1073741824 -XX:MaxRAMPercentage=80.000000 -XX:+UseCompressedOops -XX:+UseG1GC -XX:-OmitStackTraceInFastThrow\n';

describe('the JVM knob sets’ pure parts', () => {
  it('reads VM.flags and matches options against it, sizes in bytes and doubles as numbers', () => {
    const flags = parseVmFlags(VM_FLAGS);
    expect(flags.get('UseG1GC')).toBe('true');
    expect(flags.get('OmitStackTraceInFastThrow')).toBe('false');
    const ok = compareFlags(
      [
        '-Xmx1g',
        '-Xms1024m',
        '-XX:+UseG1GC',
        '-XX:MaxRAMPercentage=80',
        '-XX:G1HeapRegionSize=1M',
        '-Dfile.encoding=UTF-8',
      ],
      flags,
      'pod-a',
    );
    expect(ok.ok).toBe(true);
    expect(ok.lines).toContain('pod-a: the JVM reports MaxHeapSize=1073741824 for -Xmx1g');
    expect(ok.lines).toHaveLength(5); // -D is not a flag
    const bad = compareFlags(['-Xmx2g', '-XX:+UseParallelGC'], flags, 'pod-a');
    expect(bad.ok).toBe(false);
    expect(bad.lines).toEqual([
      'pod-a: the JVM reports MaxHeapSize=1073741824 for -Xmx2g (expected 2147483648)',
      'pod-a: the JVM reports UseParallelGC=(not set) for -XX:+UseParallelGC (expected true)',
    ]);
    expect(flagOf('-Xlog:gc*:file=/x')).toBeUndefined();
  });

  it('calls a line change a memory change when a sizing option moves', () => {
    expect(memoryOptionsChanged(['-Xmx1g', '-XX:+UseG1GC'], ['-Xmx2g', '-XX:+UseG1GC'])).toEqual(['-Xmx2g']);
    expect(memoryOptionsChanged(['-Xmx1g', '-Xmn512m'], ['-Xmx1g'])).toEqual(['-Xmn512m removed']);
    expect(memoryOptionsChanged(['-Xmx1g'], ['-Xmx1g', '-XX:MaxGCPauseMillis=100'])).toEqual([]);
  });

  it('sets the heap in the current line, -Xms only when the line has one', () => {
    expect(desiredOptions(['-Xms1g', '-Xmx1g', '-Xmn512m'], undefined, '2g')).toEqual([
      '-Xms2g',
      '-Xmx2g',
      '-Xmn512m',
    ]);
    expect(desiredOptions(['-XX:+UseG1GC'], undefined, '2g')).toEqual(['-XX:+UseG1GC', '-Xmx2g']);
    expect(desiredOptions(['-Xmx1g'], ['-Xmx4g', '-XX:+UseG1GC'], '3g')).toEqual(['-Xmx3g', '-XX:+UseG1GC']);
  });

  it('points GC log files away from the server’s', () => {
    expect(
      redirectLogFiles(
        ['-Xlog:gc*:file=/logs/gc.log:time,uptime', '-Xloggc:/logs/gc.log', '-Xmx1g'],
        '/tmp/p.log',
      ),
    ).toEqual(['-Xlog:gc*:file=/tmp/p.log:time,uptime', '-Xloggc:/tmp/p.log', '-Xmx1g']);
  });

  it('turns a verdict into card checks: a pass naming the JVM, a fail per refusal with its suggestion, warnings', () => {
    const checks = jvmChecks(
      {
        accepted: false,
        refusals: [
          {
            option: '-XX:G1MaxNewGenPercent=40',
            reason: "Unrecognized VM option 'G1MaxNewGenPercent=40'",
            suggestion: '-XX:G1MaxNewSizePercent=40',
          },
        ],
        warnings: ['[0.001s][warning][gc] -XX:+PrintGCDetails is deprecated. Will use -Xlog:gc* instead.'],
        version: 'openjdk version "17.0.15" 2025-04-15',
      },
      [{ option: '-Xmx4g', reason: 'too big' }],
      'pod p',
    );
    expect(checks.map((c) => [c.name, c.outcome])).toEqual([
      ['JVM preflight', 'fail'],
      ['JVM option -Xmx4g', 'fail'],
      ['JVM option -XX:G1MaxNewGenPercent=40', 'fail'],
      ['JVM warning', 'warn'],
    ]);
    expect(checks[2]?.suggestion).toBe('-XX:G1MaxNewSizePercent=40');
    expect(checks[3]?.detail).toBe('-XX:+PrintGCDetails is deprecated. Will use -Xlog:gc* instead.');
  });
});
