import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kafkaProbe } from '../../src/probes/kafka/run.js';
import type { ProbeDeps } from '../../src/probes/types.js';
import { kafkaTools } from '../../src/sim/tools/kafka.js';
import { probeDeps } from '../helpers/probe-deps.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

let sb: TestSandbox;
beforeEach(async () => {
  sb = await startTestSandbox({ tools: kafkaTools, seed: 7 });
});
afterEach(async () => {
  await sb.close();
});

function deps(kafka: Record<string, unknown>): ProbeDeps {
  return probeDeps({ kube: sb.kube, platform: { services: { kafka: { records: 100_000, ...kafka } } } });
}

/** Rolls the brokers onto another Kafka image, as an upgrade (or an old cluster) would. */
async function brokersOn(image: string): Promise<void> {
  const template = { spec: { template: { spec: { containers: [{ name: 'kafka', image }] } } } };
  await sb.kube.patchObject(
    { apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: 'kafka', name: 'kafka' },
    template,
    {
      type: 'strategic',
    },
  );
  await expect
    .poll(async () => (await sb.kube.listPods('kafka')).every((p) => p.containers[0]?.image === image))
    .toBe(true);
}

describe('the consumer broker flag across Kafka versions', () => {
  it('falls back to --broker-list on a Kafka older than 2.5, which refuses --bootstrap-server', async () => {
    await brokersOn('bitnami/kafka:2.4.1');
    const d = deps({});
    const prepared = await kafkaProbe.prepare(d, {});
    const first = await kafkaProbe.runOnce(d, prepared, 0);
    expect(first.raw).toContain('--broker-list');
    expect(first.samples['consumer.msgs_per_sec']).toBeGreaterThan(0);
    await kafkaProbe.runOnce(d, prepared, 1);
  });

  it('falls back to --bootstrap-server on Kafka 4, which has no --broker-list', async () => {
    await brokersOn('apache/kafka:4.0.0');
    const d = deps({ consumerBrokerFlag: '--broker-list' });
    const prepared = await kafkaProbe.prepare(d, {});
    const run = await kafkaProbe.runOnce(d, prepared, 0);
    expect(run.raw).toMatch(/kafka-consumer-perf-test\.sh --bootstrap-server/);
    expect(run.samples['consumer.mb_per_sec']).toBeGreaterThan(0);
  });
});
