import { fail, ok, type Result } from '../../errors.js';

/**
 * Argument parsing as Kafka's tools do it, with their kinds of error messages. ProducerPerformance
 * uses argparse4j (`producer-performance: error: argument --topic is required`); ConsumerPerformance
 * and TopicCommand use joptsimple (`broker-list is not a recognized option`,
 * `Missing required argument "[messages]"`).
 */
export interface ParsedArgs {
  values: Map<string, string>;
  /** Options that take several values (`--producer-props a=1 b=2`). */
  lists: Map<string, string[]>;
  flags: Set<string>;
}

/** How many values an option takes: none (a flag), one, or one or more (argparse4j `nargs("+")`). */
export type Arity = 0 | 1 | '+';

/** argparse4j style: `--name value`, `--name=value`, `nargs("+")` lists that stop at the next `--option`. */
export function parseArgparse(
  argv: readonly string[],
  spec: Readonly<Record<string, Arity>>,
): Result<ParsedArgs, string> {
  const parsed: ParsedArgs = { values: new Map(), lists: new Map(), flags: new Set() };
  const unknown: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] ?? '';
    const [name = '', inline] = splitInline(token);
    const arity = spec[name];
    if (arity === undefined) {
      unknown.push(token);
      continue;
    }
    if (arity === 0) {
      parsed.flags.add(name);
      continue;
    }
    const values = inline === undefined ? [] : [inline];
    while (i + 1 < argv.length && !(argv[i + 1] ?? '').startsWith('--')) {
      if (arity === 1 && values.length === 1) break;
      values.push(argv[++i] ?? '');
    }
    if (values.length === 0) {
      return fail(`argument ${name}: expected ${arity === 1 ? 'one argument' : 'at least one argument'}`);
    }
    if (arity === 1) parsed.values.set(name, values[0] ?? '');
    else parsed.lists.set(name, [...(parsed.lists.get(name) ?? []), ...values]);
  }
  if (unknown.length > 0) return fail(`unrecognized arguments: '${unknown.join(' ')}'`);
  return ok(parsed);
}

/** joptsimple style: `--name value` or `--name=value`; a value may not start with `--`. */
export function parseJopt(
  argv: readonly string[],
  spec: Readonly<Record<string, 0 | 1>>,
): Result<ParsedArgs, string> {
  const parsed: ParsedArgs = { values: new Map(), lists: new Map(), flags: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] ?? '';
    const [name = '', inline] = splitInline(token);
    const bare = name.replace(/^--?/, '');
    const arity = name.startsWith('-') ? spec[bare] : undefined;
    if (arity === undefined) {
      if (!token.startsWith('-')) continue; // joptsimple keeps stray words as non-option arguments
      return fail(`${bare} is not a recognized option`);
    }
    if (arity === 0) {
      parsed.flags.add(bare);
      continue;
    }
    const value = inline ?? argv[i + 1];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) {
      return fail(`Option ${bare} requires an argument`);
    }
    if (inline === undefined) i++;
    parsed.values.set(bare, value);
  }
  return ok(parsed);
}

function splitInline(token: string): [string, string | undefined] {
  const eq = token.indexOf('=');
  if (!token.startsWith('--') || eq < 0) return [token, undefined];
  return [token.slice(0, eq), token.slice(eq + 1)];
}

/** A whole number, as Java's `Long.valueOf` reads it; `undefined` when it is not one. */
export function readLong(text: string | undefined): number | undefined {
  if (text === undefined || !/^-?\d+$/.test(text)) return undefined;
  return Number(text);
}

/** `--throughput` is a Double in recent ProducerPerformance. */
export function readDouble(text: string | undefined): number | undefined {
  if (text === undefined || !/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}
