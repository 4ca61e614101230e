import { PerfError } from '../../errors.js';
import { lastLines as lastLinesOf, splitLines } from '../output.js';

/** How many of a tool's last lines go into an error's context (enough to show a stack trace's head). */
export const LAST_LINES = 10;
const MAX_WARNINGS = 20;

export { splitLines };

/** The last `n` non-blank lines, for an error's context. */
export function lastLines(text: string, n = LAST_LINES): string {
  return lastLinesOf(text, n);
}

// Client log lines (log4j `[date] WARN …`), exception headlines and the tools' own `WARNING:` notes.
// Stack frames (`\tat …`) are left out: the headline says what happened.
const NOTABLE = /(\bWARN\b|\bERROR\b|^WARNING:|^[\w.$]+(Exception|Error)\b|^Caused by:)/;

/** Client warnings and errors interleaved with a tool's output, deduplicated, at most 20. */
export function collectWarnings(lines: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const line of lines) {
    const text = line.trim();
    if (text === '' || !NOTABLE.test(text)) continue;
    seen.add(text);
    if (seen.size >= MAX_WARNINGS) break;
  }
  return [...seen];
}

/** A parse failure: the tool ran, but its output does not hold the figures perfbot needs. */
export function outputError(step: string, message: string, userMessage: string, text: string): PerfError {
  return new PerfError('probe_failed', message, {
    userMessage,
    context: { service: 'kafka', step, lastLines: lastLines(text) },
  });
}
