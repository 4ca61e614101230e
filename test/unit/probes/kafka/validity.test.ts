import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConsumerOutput, parseProducerOutput } from '../../../../src/probes/kafka/parse.js';
import { kafkaRunProblems } from '../../../../src/probes/kafka/validity.js';

const fixture = (name: string) => readFileSync(new URL(`../../../fixtures/${name}`, import.meta.url), 'utf8');

function producer(name: string) {
  const parsed = parseProducerOutput(fixture(name));
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

function consumer(name: string) {
  const parsed = parseConsumerOutput(fixture(name));
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

// Outputs in the tools' published formats (ProducerPerformance's summary line, ConsumerPerformance's
// row) with what KAFKA-14812 and KAFKA-10124 report: fewer records counted than asked, expired sends
// counted as sent, and a rebalance time of the epoch with the negative fetch figures that follow from it.
describe('kafkaRunProblems', () => {
  it('passes a clean run', () => {
    expect(
      kafkaRunProblems(2_000_000, producer('kafka-3.7-producer.txt'), consumer('kafka-3.7-consumer.txt')),
    ).toEqual([]);
  });

  it('marks a producer run that sent fewer records than asked (Kafka ≥ 3.5 counts no failed send)', () => {
    const problems = kafkaRunProblems(1_000_000, producer('kafka-3.7-producer-short.txt'), undefined);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('700,000 records sent of 1,000,000 asked');
    expect(problems[0]).toContain('KAFKA-14812');
  });

  it('marks expired sends that an older tool counted as sent', () => {
    const report = producer('kafka-2.8-producer-expired.txt');
    expect(report.expiredRecords).toBe(101);
    expect(kafkaRunProblems(1_000_000, report, undefined)).toEqual([
      '101 record(s) expired before they were sent, and this producer tool counts them as sent',
    ]);
  });

  it('marks a consumer row with a rebalance time of the epoch and negative fetch figures', () => {
    const problems = kafkaRunProblems(
      2_000_000,
      producer('kafka-3.7-producer.txt'),
      consumer('kafka-2.5-consumer-rebalance-epoch.txt'),
    );
    expect(problems).toEqual([
      'the consumer reports a rebalance time of 1.59e+12 ms, longer than its run of 12377 ms (KAFKA-10124)',
      'the consumer reports a negative fetch time (-1591697537195 ms; KAFKA-10124)',
      'the consumer reports negative rates (fetch MB/s, fetch msgs/s)',
    ]);
  });
});
