import { fail, ok, type Result } from '../../errors.js';

/**
 * Kafka's tools print numbers with Java's `String.format` in the JVM's default locale, so `1999.600080`
 * may come out as `1999,600080` (de_DE) and a grouped figure as `1,999.60` or `1.999,60`. The format
 * string tells how many decimals a field has (`%d` → 0, `%.2f` → 2, `%f` → 6), which settles the one
 * ambiguous shape: a single separator followed by exactly three digits (`1,999`: 1999 or 1.999?).
 */
export const NUMBER_PATTERN = '-?[0-9][0-9.,]*|-?NaN|-?Infinity|-?∞';

/**
 * @param token the number as printed, e.g. `1999,600080`
 * @param decimals the decimals of its format specifier (0 for `%d`), used only to settle `1,999`
 * @example parseLocaleNumber('1.999,60', 2) // { ok: true, value: 1999.6 }
 */
export function parseLocaleNumber(token: string, decimals: number): Result<number, string> {
  const text = token.trim();
  if (/^-?(NaN|Infinity|∞)$/.test(text)) return fail(`"${text}" is not a finite number`);
  if (!/^-?\d[\d.,]*$/.test(text) || /[.,]$/.test(text)) return fail(`"${text}" is not a number`);
  const negative = text.startsWith('-');
  const body = negative ? text.slice(1) : text;
  const value = readBody(body, decimals);
  if (!value.ok) return value;
  return ok(negative ? -value.value : value.value);
}

function readBody(body: string, decimals: number): Result<number, string> {
  const dots = count(body, '.');
  const commas = count(body, ',');
  if (dots === 0 && commas === 0) return ok(Number(body));
  if (dots > 0 && commas > 0) {
    // Both present: the last one is the decimal separator, the other groups thousands.
    const decimal = body.lastIndexOf('.') > body.lastIndexOf(',') ? '.' : ',';
    const group = decimal === '.' ? ',' : '.';
    if (count(body, decimal) !== 1) return fail(`"${body}" has more than one decimal separator`);
    const [intPart = '', fraction = ''] = body.split(decimal);
    return fromParts(intPart.split(group), fraction, body);
  }
  const sep = dots > 0 ? '.' : ',';
  const parts = body.split(sep);
  if (parts.length > 2) return fromParts(parts, '', body);
  const fraction = parts[1] ?? '';
  if (fraction.length !== 3) return ok(Number(`${parts[0]}.${fraction}`));
  if (decimals === 3) return ok(Number(`${parts[0]}.${fraction}`));
  if (decimals === 0) return fromParts(parts, '', body);
  return fail(
    `"${body}" is ambiguous: a thousands separator or a decimal one? (the field prints ${decimals} decimals)`,
  );
}

function fromParts(groups: string[], fraction: string, original: string): Result<number, string> {
  const digits = groups.join('');
  const [first = '', ...rest] = groups;
  if (first.length < 1 || first.length > 3 || rest.some((g) => g.length !== 3)) {
    return fail(`"${original}" has badly grouped digits`);
  }
  return ok(Number(fraction === '' ? digits : `${digits}.${fraction}`));
}

function count(text: string, ch: string): number {
  let n = 0;
  for (const c of text) if (c === ch) n++;
  return n;
}
