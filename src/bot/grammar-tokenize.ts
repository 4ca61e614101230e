import { parse as shellParse } from 'shell-quote';
import { ok, type Result } from '../errors.js';
import { type UsageError, usageError } from './grammar-commands.js';

/**
 * Text is tokenized like a shell would (quotes work) but any shell syntax is refused: nothing a user
 * types ever reaches a shell.
 */

/** Slack escapes these three in slash command text. */
const unescapeSlack = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const NO_SHELL = 'perfbot takes no shell syntax (`;`, `|`, `&&`, `>`, `$(…)`, backticks, globs, comments)';

export function tokenize(text: string): Result<string[], UsageError> {
  const source = unescapeSlack(text);
  // `$` and backticks are refused outright: shell-quote expands `$…` (and throws on `${`).
  if (/[`$]/.test(source)) return usageError(NO_SHELL);
  let entries: ReturnType<typeof shellParse>;
  try {
    entries = shellParse(source);
  } catch {
    return usageError('perfbot could not read the command: check its quotes');
  }
  const strings = entries.filter((e): e is string => typeof e === 'string');
  if (strings.length !== entries.length) return usageError(NO_SHELL);
  return ok(strings.filter((s) => s.length > 0));
}
