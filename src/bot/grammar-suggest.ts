import type { z } from 'zod';
import type { CommandKind } from '../commands/command.js';
import { GRAMMAR, rewrite, type UsageError } from './grammar-commands.js';
import { nearest, type Raw, splitOnce } from './grammar-words.js';

/** One issue from `CommandSchema.safeParse`, the first of which is put in words. */
type Issue = z.core.$ZodIssue;

/** Turns the first schema issue into words, and the user's command into the nearest valid one. */
export function describeIssue(
  kind: CommandKind,
  args: readonly string[],
  candidate: Raw,
  issue: Issue | undefined,
): UsageError {
  const usage = GRAMMAR[kind].usage;
  const field = String(issue?.path.at(-1) ?? '');
  const flag = field === 'sinceDays' ? 'since' : field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const at = args.findIndex((a) => a.toLowerCase().split('=')[0] === `--${flag}`);
  if (at >= 0 && issue !== undefined) return describeOption(kind, args, at, flag, issue);
  const value = candidate[field];
  const got = args.find((a) => !a.startsWith('--') && a.toLowerCase() === String(value).toLowerCase()) ?? '';
  // A union (`<kafka|…|all>`) reports no values of its own: the usage line lists them.
  const named = GRAMMAR[kind].positionals[args.filter((a) => !a.startsWith('--')).indexOf(got)];
  const listed = named?.includes('|') ? named.split('|') : undefined;
  const allowed = issue?.code === 'invalid_value' ? issue.values.map(String) : listed;
  if (allowed === undefined) {
    const label = field.replace(/Id$/, ' id').replace(/^topic$/, 'help topic');
    return {
      message: `\`${got}\` is not a valid ${label}: expected ${issue?.message ?? 'something else'}`,
      usage,
    };
  }
  const near = nearest(got.toLowerCase(), allowed);
  const noun = field === 'target' ? 'baseline target' : field === 'component' ? 'component' : 'service';
  const message = `\`${got}\` is not a ${noun}: use one of ${allowed.join(', ')}`;
  return near === undefined
    ? { message, usage }
    : { message, suggestion: rewrite(kind, args, args.indexOf(got), [near]), usage };
}

/** An option's value out of bounds or not allowed: name the rule and suggest the closest allowed value. */
function describeOption(
  kind: CommandKind,
  args: readonly string[],
  at: number,
  flag: string,
  issue: Issue,
): UsageError {
  const usage = GRAMMAR[kind].usage;
  const inline = (args[at] as string).includes('=');
  const replaced = (value: string) =>
    rewrite(kind, args, at, inline ? [`--${flag}=${value}`] : [`--${flag}`, value], inline ? 1 : 2);
  if (issue.code === 'too_big' || issue.code === 'too_small') {
    const limit = Number(issue.code === 'too_big' ? issue.maximum : issue.minimum);
    const which = issue.code === 'too_big' ? 'at most' : 'at least';
    const value = GRAMMAR[kind].options[flag] === 'days' ? `${limit}d` : String(limit);
    return { message: `\`--${flag}\` must be ${which} ${value}`, suggestion: replaced(value), usage };
  }
  if (issue.code === 'invalid_value') {
    const allowed = issue.values.map(String);
    const got = inline ? (splitOnce(args[at] as string, '=')[1] ?? '') : (args[at + 1] ?? '');
    const near = nearest(got, allowed, Number.POSITIVE_INFINITY) ?? allowed[0] ?? '';
    const message = `\`--${flag} ${got}\` is not allowed: use one of ${allowed.join(', ')}`;
    return { message, suggestion: replaced(near), usage };
  }
  return { message: `\`--${flag}\`: ${issue.message}`, usage };
}
