import { describe, expect, it } from 'vitest';
import type { NodeInfo, PodInfo } from '../../../../src/kube/port.js';
import { buildNodeRows, buildPodRows, parseDf } from '../../../../src/probes/resources/parse.js';

const node = (name: string, cpuMilli: number, memoryBytes: number): NodeInfo => ({
  name,
  labels: {},
  ready: true,
  allocatable: { cpuMilli, memoryBytes },
  capacity: { cpuMilli, memoryBytes },
});

const pod = (namespace: string, name: string, limits: PodInfo['containers'][number]['limits']): PodInfo => ({
  namespace,
  name,
  labels: {},
  nodeName: 'n1',
  phase: 'Running',
  ready: true,
  containers: [{ name: 'main', image: 'img:1', requests: {}, limits }],
  restarts: 0,
});

describe('buildNodeRows', () => {
  it('computes usage as a share of allocatable, as kubectl top does', () => {
    const rows = buildNodeRows(
      [node('n1', 4000, 8 * 2 ** 30), node('n2', 2000, 4 * 2 ** 30)],
      [
        { name: 'n1', cpuMilli: 1000, memoryBytes: 2 * 2 ** 30, timestamp: '' },
        { name: 'n2', cpuMilli: 1500, memoryBytes: 3 * 2 ** 30, timestamp: '' },
      ],
    );
    expect(rows.map((r) => [r.name, r.cpuPct, r.memoryPct])).toEqual([
      ['n1', 25, 25],
      ['n2', 75, 75],
    ]);
  });

  it('leaves out nodes that have no metrics rather than reporting zero', () => {
    expect(buildNodeRows([node('n1', 1000, 1000)], [])).toEqual([]);
  });
});

describe('buildPodRows', () => {
  it('ranks containers closest to a limit first and counts those without limits', () => {
    const pods = [
      pod('kafka', 'kafka-0', { cpuMilli: 1000, memoryBytes: 1000 }),
      pod('kong', 'pg-0', { memoryBytes: 1000 }),
      pod('redis', 'redis-0', {}),
    ];
    const usage = [
      {
        namespace: 'kafka',
        name: 'kafka-0',
        timestamp: '',
        containers: [{ name: 'main', cpuMilli: 500, memoryBytes: 600 }],
      },
      {
        namespace: 'kong',
        name: 'pg-0',
        timestamp: '',
        containers: [{ name: 'main', cpuMilli: 900, memoryBytes: 950 }],
      },
      {
        namespace: 'redis',
        name: 'redis-0',
        timestamp: '',
        containers: [{ name: 'main', cpuMilli: 50, memoryBytes: 10 }],
      },
    ];
    const { rows, withoutLimits } = buildPodRows(pods, usage);
    expect(rows.map((r) => r.pod)).toEqual(['pg-0', 'kafka-0']);
    expect(rows[0]?.cpuPctOfLimit).toBeNull();
    expect(rows[0]?.memoryPctOfLimit).toBe(95);
    expect(withoutLimits).toBe(1);
  });
});

describe('parseDf', () => {
  it('reads POSIX df -P -B1 output', () => {
    const text = [
      'Filesystem        1-blocks         Used    Available Capacity Mounted on',
      '/dev/sdb1     107374182400  53687091200  53687091200      50% /data',
    ].join('\n');
    const parsed = parseDf(text);
    expect(parsed.ok && parsed.value).toEqual({
      sizeBytes: 107374182400,
      usedBytes: 53687091200,
      mount: '/data',
    });
  });

  it('joins a line wrapped after a long device name', () => {
    const text =
      'Filesystem 1B-blocks Used Available Capacity Mounted on\n/dev/mapper/very-long-name\n 1000 250 750 25% /data\n';
    const parsed = parseDf(text);
    expect(parsed.ok && parsed.value.usedBytes).toBe(250);
  });

  it('fails clearly on output that is not df', () => {
    const parsed = parseDf('df: /data: No such file or directory');
    expect(parsed.ok).toBe(false);
  });
});
