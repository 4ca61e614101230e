import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PerfError } from '../../src/errors.js';
import { kafkaProbe } from '../../src/probes/kafka/run.js';
import type { ProbeDeps } from '../../src/probes/types.js';
import { KafkaFault, kafkaTools } from '../../src/sim/tools/kafka.js';
import { probeDeps } from '../helpers/probe-deps.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

let sb: TestSandbox;
beforeEach(async () => {
  sb = await startTestSandbox({ tools: kafkaTools, seed: 7 });
});
afterEach(async () => {
  await sb.close();
});

function deps(kafka: Record<string, unknown> = {}): ProbeDeps {
  return probeDeps({ kube: sb.kube, platform: { services: { kafka: { records: 200_000, ...kafka } } } });
}

describe('kafkaProbe through the Kubernetes adapter and the sandbox', () => {
  it('creates the topic in a broker pod, then produces and consumes', async () => {
    const d = deps();
    const prepared = await kafkaProbe.prepare(d, {});
    expect(prepared.context).toMatchObject({
      namespace: 'kafka',
      images: ['apache/kafka:3.7.0'],
      settings: { KAFKA_HEAP_OPTS: '-Xmx1G -Xms1G' },
    });
    expect(prepared.context.pod).toMatch(/^kafka-/);
    await expect(kafkaProbe.prepare(d, {})).resolves.toBeDefined();
    const out = await kafkaProbe.runOnce(d, prepared, 0);
    expect(Object.keys(out.samples)).toHaveLength(13);
    expect(out.invalid).toBeUndefined();
    expect(out.samples['producer.records_per_sec']).toBeGreaterThan(50_000);
    expect(out.samples['producer.records_per_sec']).toBeLessThan(100_000);
    expect(out.samples['consumer.rebalance_ms']).toBeGreaterThanOrEqual(3000);
    expect(out.raw).toContain('200000 records sent');
    const execs = sb.sandbox.requests.filter((r) => r.path.endsWith('/exec'));
    expect(execs).toHaveLength(4);
    expect(decodeURIComponent(execs[0]?.query ?? '')).toContain('command=--if-not-exists');
  });

  it('measures more throughput after the broker heap is raised', async () => {
    const d = deps();
    const before = await kafkaProbe.runOnce(d, await kafkaProbe.prepare(d, {}), 0);
    await sb.kube.patchObject(
      { apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: 'kafka', name: 'kafka' },
      {
        spec: {
          template: {
            spec: {
              containers: [{ name: 'kafka', env: [{ name: 'KAFKA_HEAP_OPTS', value: '-Xmx4G -Xms4G' }] }],
            },
          },
        },
      },
      { type: 'strategic' },
    );
    const after = await kafkaProbe.runOnce(d, await kafkaProbe.prepare(d, {}), 0);
    expect(after.samples['producer.records_per_sec']).toBeGreaterThan(
      (before.samples['producer.records_per_sec'] ?? Number.POSITIVE_INFINITY) * 1.2,
    );
  });

  it('reports unreachable brokers with the tool output', async () => {
    const d = deps();
    const prepared = await kafkaProbe.prepare(d, {});
    sb.sandbox.faults.set(KafkaFault.unreachable, { times: 1 });
    const error = await kafkaProbe.runOnce(d, prepared, 0).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PerfError);
    expect(error).toMatchObject({
      code: 'probe_failed',
      retryable: true,
      context: { service: 'kafka', step: 'produce', exitCode: 1 },
    });
    expect((error as PerfError).userMessage).toMatch(/Kafka brokers are unreachable/);
    expect(String((error as PerfError).context.lastLines)).toContain('TimeoutException');
  });

  it('stops a stuck producer in the pod at its deadline: a non-retryable timeout, at once at speed 0', async () => {
    const d = deps({ timeoutSeconds: 10 });
    const prepared = await kafkaProbe.prepare(d, {});
    sb.sandbox.faults.set(KafkaFault.timeout, { times: 1 });
    const started = Date.now();
    const error = await kafkaProbe.runOnce(d, prepared, 0).catch((e: unknown) => e);
    // The simulated day the producer would take is cut at the 8 s deadline, which speed 0 makes instant.
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error).toBeInstanceOf(PerfError);
    expect(error).toMatchObject({
      code: 'timeout',
      retryable: false,
      context: { service: 'kafka', step: 'produce', exitCode: 124, deadlineSeconds: 8 },
    });
    expect((error as PerfError).userMessage).toMatch(/services\.kafka\.timeoutSeconds is 10 s/);
    const produce = sb.sandbox.requests.filter((r) => r.path.endsWith('/exec')).at(-1);
    expect(decodeURIComponent(produce?.query ?? '')).toMatch(
      /command=timeout&command=-k&command=10&command=8&command=\/opt\/kafka\/bin\/kafka-producer-perf-test\.sh/,
    );
  });

  it('runs the bare tools when inPodTimeout is off', async () => {
    const d = deps({ inPodTimeout: false });
    const out = await kafkaProbe.runOnce(d, await kafkaProbe.prepare(d, {}), 0);
    expect(out.raw).toMatch(/^\$ \/opt\/kafka\/bin\/kafka-producer-perf-test\.sh /);
    expect(Object.keys(out.samples)).toHaveLength(13);
  });

  it('marks a run whose producer sent fewer records than asked, keeping it out of the samples', async () => {
    const d = deps();
    const prepared = await kafkaProbe.prepare(d, {});
    sb.sandbox.faults.set(KafkaFault.shortSend, { times: 1, fraction: 0.7 });
    const out = await kafkaProbe.runOnce(d, prepared, 0);
    expect(out.invalid).toMatch(/records sent of [\d,]+ asked .*KAFKA-14812/);
    expect(out.warnings?.some((w) => w.includes('Expiring'))).toBe(true);
    expect(out.raw).toContain('Expiring');
  });

  it('reports a missing topic', async () => {
    const d = deps();
    const prepared = await kafkaProbe.prepare(d, {});
    sb.sandbox.faults.set(KafkaFault.topicMissing, { times: 1 });
    const error = await kafkaProbe.runOnce(d, prepared, 0).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'probe_failed', context: { step: 'produce' } });
    expect((error as PerfError).userMessage).toMatch(/topic perfbot-perf-test does not exist/);
  });
});
