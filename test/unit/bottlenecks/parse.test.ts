import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  heapFromOptions,
  parseConsumerGroups,
  parsePing,
  parsePrometheusText,
  parseThrottling,
  parseUnderReplicated,
} from '../../../src/bottlenecks/parse.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), 'utf8');

describe('parsePrometheusText', () => {
  it('reads labels, escapes, exponents, special values and timestamps', () => {
    const text = [
      '# HELP x A help line with {braces} and "quotes"',
      '# TYPE x gauge',
      'x{a="1",b="say \\"hi\\"",c="back\\\\slash",d="two\\nlines"} 7e-09 1733070870511',
      'y 1.42620369439e+09',
      'z{le="+Inf",} +Inf',
      'w NaN',
      '',
    ].join('\n');
    const samples = parsePrometheusText(text);
    expect(samples.ok && samples.value).toEqual([
      { name: 'x', labels: { a: '1', b: 'say "hi"', c: 'back\\slash', d: 'two\nlines' }, value: 7e-9 },
      { name: 'y', labels: {}, value: 1426203694.39 },
      { name: 'z', labels: { le: '+Inf' }, value: Number.POSITIVE_INFINITY },
      { name: 'w', labels: {}, value: Number.NaN },
    ]);
  });

  it.each([
    ['an unclosed label value', 'x{a="1} 2'],
    ['a label without a quoted value', 'x{a=1} 2'],
    ['a value that is not a number', 'x{a="1"} twelve'],
    ['a bad escape', 'x{a="\\t"} 1'],
    ['trailing words', 'x 1 2 3'],
  ])('refuses %s, naming the line', (_what, line) => {
    const samples = parsePrometheusText(`# TYPE x gauge\n${line}\n`);
    expect(samples.ok).toBe(false);
    expect(!samples.ok && samples.error.message).toMatch(/at line 2/);
  });
});

describe('parseThrottling', () => {
  it('keys the kubelet cAdvisor counters by namespace/pod/container, leaving out the pod cgroup and pause', () => {
    const parsed = parseThrottling(fixture('cadvisor-kubelet-1.30.txt'));
    expect(parsed.ok && Object.fromEntries(parsed.value)).toEqual({
      'data-platform/trino-coordinator-6d5f8c7b9-x2k4q/trino-coordinator': {
        throttled: 694604,
        periods: 1736512,
      },
      'kafka/kafka-0/kafka': { throttled: 8642, periods: 864211 },
    });
  });
});

describe('parsePing', () => {
  it('reads each round trip of iputils ping', () => {
    const text = [
      'PING 10.244.1.7 (10.244.1.7) 56(84) bytes of data.',
      '64 bytes from 10.244.1.7: icmp_seq=1 ttl=64 time=0.081 ms',
      '64 bytes from 10.244.1.7: icmp_seq=2 ttl=64 time=12.4 ms',
      '',
      '--- 10.244.1.7 ping statistics ---',
      '2 packets transmitted, 2 received, 0% packet loss, time 1001ms',
      'rtt min/avg/max/mdev = 0.081/6.240/12.400/6.159 ms',
    ].join('\n');
    expect(parsePing(text)).toEqual({ ok: true, value: [0.081, 12.4] });
  });

  it('is an error when no reply came back', () => {
    const text =
      'PING 10.244.1.7 (10.244.1.7) 56(84) bytes of data.\n\n--- 10.244.1.7 ping statistics ---\n5 packets transmitted, 0 received, 100% packet loss, time 4098ms\n';
    expect(parsePing(text).ok).toBe(false);
  });
});

describe('parseUnderReplicated', () => {
  it('reads the partition lines, and nothing as none', () => {
    const text =
      '\tTopic: orders\tPartition: 2\tLeader: 1\tReplicas: 1,2,0\tIsr: 1,2\n\tTopic: clicks\tPartition: 0\tLeader: 0\tReplicas: 0,1,2\tIsr: 0\n';
    expect(parseUnderReplicated(text)).toEqual({
      ok: true,
      value: [
        { topic: 'orders', partition: 2 },
        { topic: 'clicks', partition: 0 },
      ],
    });
    expect(parseUnderReplicated('')).toEqual({ ok: true, value: [] });
  });
});

describe('parseConsumerGroups', () => {
  it('sums the lag per group and topic over its blocks, a missing offset counting as none', () => {
    const text = [
      '',
      'GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID                                          HOST            CLIENT-ID',
      'orders-enricher orders          0          8100000         8182410         82410           consumer-orders-1-5e9c3b1f-8f8e-4a8e-9a55-3c1f2d0a8b11 /10.244.1.37    consumer-orders-1',
      'orders-enricher orders          1          8090550         8171905         81355           consumer-orders-1-5e9c3b1f-8f8e-4a8e-9a55-3c1f2d0a8b11 /10.244.1.37    consumer-orders-1',
      '',
      "Consumer group 'audit' has no active members.",
      '',
      'GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID',
      'audit           audit-log       0          -               5120            -               -               -               -',
      'audit           audit-log       1          200             5120            4920            -               -               -',
    ].join('\n');
    expect(parseConsumerGroups(text)).toEqual({
      ok: true,
      value: [
        { group: 'orders-enricher', topic: 'orders', lag: 163765 },
        { group: 'audit', topic: 'audit-log', lag: 4920 },
      ],
    });
  });

  it('refuses rows before any header', () => {
    expect(parseConsumerGroups('orders-enricher orders 0 1 2 1 - - -\n').ok).toBe(false);
  });
});

describe('heapFromOptions', () => {
  it('takes the last -Xmx, as the JVM does', () => {
    expect(heapFromOptions('-Xms1g -Xmx1g -Xmn512m -Xmx3g')).toEqual({ ok: true, value: 3 * 1024 ** 3 });
    expect(heapFromOptions('-server\n-Xmx4G\n-XX:+UseG1GC')).toEqual({ ok: true, value: 4 * 1024 ** 3 });
    expect(heapFromOptions('-XX:MaxRAMPercentage=75')).toEqual({ ok: true, value: undefined });
  });
});
