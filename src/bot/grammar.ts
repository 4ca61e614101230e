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
  const parsed = parseOnce(text);
  return parsed.ok ? parsed : fail(withValidSuggestion(parsed.error));
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
    if (typeof value === 'number')
      parts.push(key === 'sinceDays' ? `--since ${value}d` : `--${kebab(key)} ${value}`);
    else if (typeof value === 'string') parts.push(quote([value]));
    else {
      for (const [k, v] of Object.entries(value)) {
        parts.push(key === 'settings' ? quote([`${k}=${v}`]) : `--${kebab(k)} ${v}`);
      }
    }
  }
  return parts.join(' ');
}
