import type { PlatformConfig } from '../config/platform.js';
import type { Command } from './command.js';

/**
 * Pure: what the platform's load caps say about a command (DESIGN, "Benchmark hygiene: probe load
 * is capped by config"). Checked by the bot and the CLI before anything is queued; a refusal names
 * the setting that caps it.
 */
export function checkLimits(command: Command, platform: PlatformConfig): string | undefined {
  if (command.kind !== 'baseline' || (command.target !== 'kafka' && command.target !== 'all'))
    return undefined;
  const kafka = platform.services.kafka;
  const records = command.options.records ?? kafka.records;
  const recordSize = command.options.recordSize ?? kafka.recordSize;
  const bytes = records * recordSize;
  if (bytes <= kafka.maxBytesPerRun) return undefined;
  return (
    `a Kafka run of ${records.toLocaleString('en-US')} records × ${recordSize.toLocaleString('en-US')} bytes ` +
    `(${gib(bytes)}) is over services.kafka.maxBytesPerRun (${gib(kafka.maxBytesPerRun)}): ask for fewer or smaller records`
  );
}

const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(bytes < 1024 ** 3 ? 2 : 1)} GiB`;
