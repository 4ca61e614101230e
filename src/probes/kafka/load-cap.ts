import type { BaselineOptions } from '../../commands/options.js';
import type { PlatformConfig } from '../../config/platform.js';

/**
 * Pure: a Kafka run's records × record size against `services.kafka.maxBytesPerRun` (DESIGN,
 * "Benchmark hygiene: probe load is capped by config"); the refusal names the setting.
 */
export function kafkaLoadCap(options: BaselineOptions, platform: PlatformConfig): string | undefined {
  const kafka = platform.services.kafka;
  const records = options.records ?? kafka.records;
  const recordSize = options.recordSize ?? kafka.recordSize;
  const bytes = records * recordSize;
  if (bytes <= kafka.maxBytesPerRun) return undefined;
  return (
    `a Kafka run of ${records.toLocaleString('en-US')} records × ${recordSize.toLocaleString('en-US')} bytes ` +
    `(${gib(bytes)}) is over services.kafka.maxBytesPerRun (${gib(kafka.maxBytesPerRun)}): ask for fewer or smaller records`
  );
}

const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(bytes < 1024 ** 3 ? 2 : 1)} GiB`;
