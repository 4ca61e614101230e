import type { CommandKind } from '../commands/command.js';
import { ok, type Result } from '../errors.js';
import { GRAMMAR, type OptionKind, rewrite, type UsageError, usageError } from './grammar-commands.js';
import { camel, nearest, type Raw, splitOnce } from './grammar-words.js';

/** A command's arguments against its usage line: positionals counted, `--flags` known and converted. */
export function splitArgs(
  kind: CommandKind,
  args: readonly string[],
): Result<{ positionals: string[]; options: Raw }, UsageError> {
  const grammar = GRAMMAR[kind];
  const positionals: string[] = [];
  const options: Raw = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const [typed = '', inline] = splitOnce(arg.slice(2), '=');
    const flag = typed.toLowerCase();
    const kindOf = grammar.options[flag];
    if (kindOf === undefined) return unknownOption(kind, args, i, typed, inline);
    if (kindOf === 'flag') {
      if (inline !== undefined) return usageError(`\`--${flag}\` takes no value`, undefined, grammar.usage);
      if (options[camel(flag)] !== undefined)
        return usageError(`\`--${flag}\` is given twice`, undefined, grammar.usage);
      options[camel(flag)] = true;
      continue;
    }
    const value = inline ?? args[++i];
    if (value === undefined) return usageError(`\`--${flag}\` needs a value`, undefined, grammar.usage);
    const converted = convert(kindOf, value);
    if (converted === undefined) return usageError(`\`--${flag} ${value}\`: ${EXPECTED[kindOf]}`);
    // Given twice, one of the two would be dropped without a word: ask which was meant.
    if (options[camel(flag)] !== undefined)
      return usageError(`\`--${flag}\` is given twice`, undefined, grammar.usage);
    options[camel(flag)] = converted;
  }
  const problem = checkPositionals(kind, positionals);
  return problem ?? ok({ positionals, options });
}

/** `--typed` at `args[at]` is not an option of `kind`: name the nearest one and rewrite the command with it. */
function unknownOption(
  kind: CommandKind,
  args: readonly string[],
  at: number,
  typed: string,
  inline: string | undefined,
) {
  const near = nearest(typed.toLowerCase(), Object.keys(GRAMMAR[kind].options));
  const hint = near === undefined ? `${kind} takes no options` : `did you mean \`--${near}\`?`;
  const fixed = near && rewrite(kind, args, at, [inline === undefined ? `--${near}` : `--${near}=${inline}`]);
  return usageError(`unknown option \`--${typed}\` (${hint})`, fixed || undefined);
}

function checkPositionals(kind: CommandKind, positionals: readonly string[]) {
  const { usage, required, variadic, positionals: names } = GRAMMAR[kind];
  if (positionals.length < required) {
    const missing = names[positionals.length] ?? 'argument';
    const what = missing.includes('|') ? `one of ${missing.split('|').join(', ')}` : `a ${missing}`;
    return usageError(`\`${kind}\` needs ${what}`, undefined, usage);
  }
  if (!variadic && positionals.length > names.length) {
    return usageError(`unexpected \`${positionals[names.length]}\` after \`${kind}\``, undefined, usage);
  }
  const bad = variadic
    ? positionals.slice(names.length).find((p) => !/^[A-Za-z][\w.-]*=/.test(p))
    : undefined;
  if (bad !== undefined) return usageError(`\`${bad}\` is not a \`key=value\` setting`, undefined, usage);
  return undefined;
}

const EXPECTED: Record<Exclude<OptionKind, 'flag'>, string> = {
  int: 'expected a whole number',
  days: 'expected days, e.g. `7d`',
  word: 'expected a word',
  id: 'expected an id',
};

function convert(kind: Exclude<OptionKind, 'flag'>, value: string): string | number | undefined {
  if (kind === 'word') return value.toLowerCase();
  if (kind === 'id') return value;
  const match = (kind === 'days' ? /^(-?\d[\d_]*)d?$/i : /^(-?\d[\d_]*)$/).exec(value);
  return match?.[1] === undefined ? undefined : Number(match[1].replace(/_/g, ''));
}
