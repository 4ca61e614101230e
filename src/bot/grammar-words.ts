import { closest, distance } from 'fastest-levenshtein';

/** Small word helpers the grammar shares: casing, `key=value` splitting, and "did you mean". */
export type Raw = Record<string, unknown>;

export const lower = (s: string | undefined) => s?.toLowerCase();
export const defined = (o: Raw): Raw =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

export function splitOnce(s: string, sep: string): [string, string | undefined] {
  const at = s.indexOf(sep);
  return at < 0 ? [s, undefined] : [s.slice(0, at), s.slice(at + 1)];
}

export const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
export const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The closest candidate when it is close enough to be what was meant (at most half the word wrong). */
export function nearest<T extends string>(
  word: string,
  candidates: readonly T[],
  max = Math.max(2, Math.ceil(word.length / 2)),
) {
  if (candidates.length === 0) return undefined;
  const best = closest(word, candidates) as T;
  return distance(word, best) <= max ? best : undefined;
}
