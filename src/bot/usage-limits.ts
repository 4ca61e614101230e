import { checkLimits } from '../commands/limits.js';
import type { PlatformConfig } from '../config/platform.js';
import { parseCommand, type UsageError } from './grammar.js';

/** Pure: a suggested command that the load caps would refuse is no suggestion, so it is dropped. */
export function withinLimits(error: UsageError, platform: PlatformConfig): UsageError {
  if (error.suggestion === undefined) return error;
  const suggested = parseCommand(error.suggestion);
  if (!suggested.ok || checkLimits(suggested.value, platform) === undefined) return error;
  return { message: error.message, usage: error.usage };
}
