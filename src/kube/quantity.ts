import { fail, ok, PerfError, type Result } from '../errors.js';

/**
 * Kubernetes resource quantities (`250m`, `1`, `123456789n`, `1536Ki`, `2Gi`, `1e3`, `500M`), as defined by
 * k8s.io/apimachinery/pkg/api/resource: a signed decimal number followed by a binary suffix (Ki…Ei, powers
 * of 1024), a decimal suffix (n, u, m, "", k, M, G, T, P, E) or a decimal exponent (e3, E-2).
 */
const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

const BINARY: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

interface Parsed {
  digits: string;
  /** Power of ten to apply to `digits`. */
  exp10: number;
  /** Power of 1024 to apply after the power of ten. */
  exp1024: number;
}

function split(text: string): Result<Parsed> {
  const match = QUANTITY.exec(text.trim());
  if (!match) return fail(quantityError(text));
  const digits = match[1] ?? '';
  const suffix = match[2] ?? '';
  if (suffix in BINARY) return ok({ digits, exp10: 0, exp1024: BINARY[suffix] ?? 0 });
  if (suffix in DECIMAL) return ok({ digits, exp10: DECIMAL[suffix] ?? 0, exp1024: 0 });
  return ok({ digits, exp10: Number(suffix.slice(1)), exp1024: 0 });
}

/** Scales through the decimal string form (`123456789e-6`) so that `123456789n` gives 123.456789 exactly. */
function scaled(parsed: Parsed, extraExp10: number): number {
  const value = Number(`${parsed.digits}e${parsed.exp10 + extraExp10}`);
  return value * 1024 ** parsed.exp1024;
}

function quantityError(text: string): PerfError {
  return new PerfError('kube_api', `not a Kubernetes quantity: ${JSON.stringify(text)}`, {
    userMessage: `Kubernetes returned a resource quantity perfbot cannot read: ${JSON.stringify(text)}.`,
  });
}

/** The plain value of a quantity: `2Gi` → 2147483648, `250m` → 0.25. */
export function parseQuantity(text: string): Result<number> {
  const parsed = split(text);
  return parsed.ok ? ok(scaled(parsed.value, 0)) : parsed;
}

/** CPU in millicores: `250m` → 250, `1` → 1000, `123456789n` → 123.456789. */
export function toMillicores(text: string): Result<number> {
  const parsed = split(text);
  return parsed.ok ? ok(scaled(parsed.value, 3)) : parsed;
}

/** Memory in bytes, rounded up as Kubernetes does: `1536Ki` → 1572864, `500M` → 500000000. */
export function toBytes(text: string): Result<number> {
  const parsed = split(text);
  return parsed.ok ? ok(Math.ceil(scaled(parsed.value, 0))) : parsed;
}

/** metrics-server's CPU form: whole nanocores, `123456789n`. */
export function formatNanocores(millicores: number): string {
  return `${Math.max(0, Math.round(millicores * 1e6))}n`;
}

/** The canonical CPU form of a spec: `250m`, or `2` when whole cores. */
export function formatMillicores(millicores: number): string {
  const rounded = Math.max(0, Math.round(millicores));
  return rounded % 1000 === 0 ? String(rounded / 1000) : `${rounded}m`;
}

/** metrics-server's memory form: kibibytes, `1536Ki`. */
export function formatKibibytes(bytes: number): string {
  return `${Math.max(0, Math.round(bytes / 1024))}Ki`;
}

/** The canonical memory form of a spec: the largest binary suffix that divides it (`2Gi`, `1536Mi`). */
export function formatBytes(bytes: number): string {
  const rounded = Math.max(0, Math.round(bytes));
  const suffixes = ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki'] as const;
  for (const [index, suffix] of suffixes.entries()) {
    const unit = 1024 ** (6 - index);
    if (rounded >= unit && rounded % unit === 0) return `${rounded / unit}${suffix}`;
  }
  return String(rounded);
}
