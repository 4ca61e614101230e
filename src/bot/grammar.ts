import { quote } from 'shell-quote';
import { type Command, CommandSchema } from '../commands/command.js';
import { foreignOption, targetsOf } from '../commands/target-options.js';
import { fail, ok, type Result } from '../errors.js';
import { splitArgs } from './grammar-args.js';
import { COMMANDS, GRAMMAR, KINDS, type UsageError, usageError } from './grammar-commands.js';
import { describeIssue } from './grammar-suggest.js';
import { tokenize } from './grammar-tokenize.js';
import { kebab, nearest } from './grammar-words.js';

/**
 * `/perf` text → `Command`, or a `UsageError` that says what was wrong and the nearest valid command.
 * Pure. Text is tokenized like a shell would (quotes work) but any shell syntax is refused: nothing a
 * user types ever reaches a shell. Bounds come from `CommandSchema` (commands/command.ts). The steps
 * live in `grammar-*.ts`: tokenizing, the per-command grammar, argument splitting, suggestions.
 *
 * @example parseCommand('baseline kafka --runs 3') // ok: { kind: 'baseline', target: 'kafka', options: { runs: 3 } }
 */
export { helpText, USAGE, type UsageError } from './grammar-commands.js';

export function parseCommand(text: string): Result<Command, UsageError> {
  if (text.length > MAX_COMMAND_CHARS) {
    const size = text.length.toLocaleString('en-US');
    return usageError(
      `that command is ${size} characters long: perfbot reads commands of up to ${MAX_COMMAND_CHARS} (it was not run)`,
    );
  }
  const parsed = parseOnce(text);
  return parsed.ok ? parsed : fail(capEcho(withValidSuggestion(parsed.error)));
}

/** Longer text is refused unread: a 1 MB command must not become a 1 MB reply (or a 1 MB parse). */
export const MAX_COMMAND_CHARS = 1000;
/** How much of the user's text a usage reply echoes, at most: in its message and in its suggestion. */
export const MAX_ECHO_CHARS = 300;

/** Cuts an echoed message (saying so, and closing a code span it cut open); a suggestion too long is none. */
function capEcho(error: UsageError): UsageError {
  const { message, suggestion, usage } = error;
  let capped = message;
  if (message.length > MAX_ECHO_CHARS) {
    const head = message.slice(0, MAX_ECHO_CHARS);
    const open = (head.match(/`/g) ?? []).length % 2 === 1 ? '`' : '';
    capped = `${head}…${open} (cut: ${message.length.toLocaleString('en-US')} characters)`;
  }
  const keep = suggestion !== undefined && suggestion.length <= MAX_ECHO_CHARS;
  return keep ? { message: capped, suggestion, usage } : { message: capped, usage };
}

/** The grammar's one pass: the first mistake found, with a suggestion that fixes that one only. */
function parseOnce(text: string): Result<Command, UsageError> {
  const tokens = tokenize(text);
  if (!tokens.ok) return tokens;
  // Usage lines in Slack read `/perf …`; a pasted one repeats the command name.
  const [head, ...args] = tokens.value[0] === '/perf' ? tokens.value.slice(1) : tokens.value;
  if (head === undefined) return usageError('tell perfbot what to do, e.g. `baseline kafka`');
  const kind = KINDS.find((k) => k === head.toLowerCase());
  if (kind === undefined) {
    const near = nearest(head.toLowerCase(), KINDS);
    const fixed = near && (validSuggestion([near, ...args].join(' ')) ?? validSuggestion(near));
    return usageError(`\`${head}\` is not a perfbot command`, fixed || undefined);
  }
  const split = splitArgs(kind, args);
  if (!split.ok) return split;
  const candidate = COMMANDS[kind][2](split.value.positionals, split.value.options);
  const parsed = CommandSchema.safeParse(candidate);
  if (!parsed.success) return fail(describeIssue(kind, args, candidate, parsed.error.issues[0]));
  const command = parsed.data;
  const foreign = command.kind === 'baseline' ? foreignOption(command.target, command.options) : undefined;
  if (command.kind === 'baseline' && foreign !== undefined) {
    const flag = `--${kebab(foreign)}`;
    const where = targetsOf(foreign).join(' or ');
    const { [foreign]: _foreign, ...options } = command.options;
    return usageError(
      `\`${flag}\` does not apply to \`baseline ${command.target}\` (it applies to ${where})`,
      formatCommand({ ...command, options }),
      GRAMMAR.baseline.usage,
    );
  }
  return ok(command);
}

/** Each round fixes one mistake; a command has few arguments, so a handful of rounds is enough. */
const FIX_ROUNDS = 6;

/**
 * A suggestion is offered only when it is itself a command the grammar accepts (foreign options
 * included): one mistake fixed may reveal the next, so the fixes are followed until one parses.
 */
function validSuggestion(text: string): string | undefined {
  let next: string | undefined = text;
  for (let round = 0; next !== undefined && round < FIX_ROUNDS; round++) {
    const again = parseOnce(next);
    if (again.ok) return next;
    if (again.error.suggestion === next) return undefined;
    next = again.error.suggestion;
  }
  return undefined;
}

function withValidSuggestion(error: UsageError): UsageError {
  const { suggestion, ...rest } = error;
  const valid = suggestion === undefined ? undefined : validSuggestion(suggestion);
  return valid === undefined ? rest : { ...rest, suggestion: valid };
}

/** A command back as text, e.g. `baseline kafka --runs 3`: the thread's title; it parses back to itself. */
export function formatCommand(command: Command): string {
  const parts: string[] = [command.kind];
  // Parsing puts the fields in schema order, which is the order of the arguments.
  for (const [key, value] of Object.entries(CommandSchema.parse(command))) {
    if (key === 'kind' || value === undefined) continue;
    if (typeof value === 'boolean') {
      if (value) parts.push(`--${kebab(key)}`);
    } else if (typeof value === 'number')
      parts.push(key === 'sinceDays' ? `--since ${value}d` : `--${kebab(key)} ${value}`);
    else if (typeof value === 'string')
      parts.push(key === 'against' ? `--against ${quote([value])}` : quote([value]));
    else {
      for (const [k, v] of Object.entries(value)) {
        parts.push(key === 'settings' ? quote([`${k}=${v}`]) : `--${kebab(k)} ${v}`);
      }
    }
  }
  return parts.join(' ');
}
