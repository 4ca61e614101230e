import type { PlatformConfig } from '../config/platform.js';
import { SERVICES, serviceOf } from '../domain/services.js';
import type { Command } from './command.js';

/**
 * Pure: what the platform's load caps say about a command (DESIGN, "Benchmark hygiene: probe load
 * is capped by config"), each service's cap from its descriptor (`loadCap`). Checked by the bot and
 * the CLI before anything is queued; a refusal names the setting that caps it.
 */
export function checkLimits(command: Command, platform: PlatformConfig): string | undefined {
  if (command.kind !== 'baseline') return undefined;
  const services = command.target === 'all' ? SERVICES : [serviceOf(command.target)];
  for (const service of services) {
    const refusal = service.loadCap?.(command.options, platform);
    if (refusal !== undefined) return refusal;
  }
  return undefined;
}
