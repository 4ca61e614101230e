import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMachine, type Machine, machineInfo } from './machine.js';
import { ratio } from './stats.js';

/** One figure: perfbot beside the floor it sits on, measured in the same run. */
export interface Row {
  benchmark: string;
  figure: string;
  unit: string;
  perfbot: number;
  /** The floor's figure (bare Bolt, bare BullMQ, pgbench, …); null when there is none. */
  floor: number | null;
  /** perfbot ÷ floor, or NaN. */
  ratio: number;
  /** The goal in words ("p99 ≤ 1.3× bare Bolt"), or "" when the row has none. */
  goal: string;
  /** Whether the goal is met; null when the row has no goal. */
  met: boolean | null;
}

export interface RowInput {
  figure: string;
  unit: string;
  perfbot: number;
  floor?: number | null;
  goal?: string;
  /** The largest ratio (or, with `absolute`, perfbot figure) that meets the goal. */
  limit?: number;
  absolute?: boolean;
  /** Two-sided goal: met when |ratio − 1| ≤ band ("medians within 10%": 0.1). */
  band?: number;
}

export function row(benchmark: string, input: RowInput): Row {
  const floor = input.floor ?? null;
  const r = floor === null ? Number.NaN : ratio(input.perfbot, floor);
  const measured = input.absolute ? input.perfbot : r;
  const met =
    input.band !== undefined
      ? Number.isFinite(r) && Math.abs(r - 1) <= input.band
      : input.limit === undefined
        ? null
        : Number.isFinite(measured) && measured <= input.limit;
  return {
    benchmark,
    figure: input.figure,
    unit: input.unit,
    perfbot: input.perfbot,
    floor,
    ratio: r,
    goal: input.goal ?? '',
    met,
  };
}

export function formatNumber(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return 'n/a';
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(abs >= 1 ? 2 : 3);
}

export function formatRatio(r: number): string {
  return Number.isFinite(r) ? `${r.toFixed(2)}×` : '';
}

function cells(r: Row): string[] {
  const unit = r.unit ? ` ${r.unit}` : '';
  const verdict = r.met === null ? '' : r.met ? ' (met)' : ' (NOT met)';
  return [
    r.benchmark,
    r.figure,
    `${formatNumber(r.perfbot)}${unit}`,
    r.floor === null ? '' : `${formatNumber(r.floor)}${unit}`,
    formatRatio(r.ratio),
    `${r.goal}${r.goal ? verdict : ''}`,
  ];
}

const HEADER = ['benchmark', 'figure', 'perfbot', 'floor', 'ratio', 'goal'];

/** A plain-text table for the terminal. */
export function textTable(rows: readonly Row[]): string {
  const lines = [HEADER, ...rows.map(cells)];
  const widths = HEADER.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? '').length)));
  const fmt = (l: string[]) =>
    l
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [fmt(HEADER), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.slice(1).map(fmt)].join('\n');
}

/** The same table in Markdown, for the README. */
export function markdownTable(rows: readonly Row[]): string {
  const line = (l: string[]) => `| ${l.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
  return [line(HEADER), line(HEADER.map(() => '---')), ...rows.map((r) => line(cells(r)))].join('\n');
}

export interface BenchResult {
  name: string;
  machine: Machine;
  settings: Record<string, unknown>;
  notes: string[];
  rows: Row[];
  /** Anything else worth keeping (per-step figures). */
  details?: unknown;
}

export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

/** Prints the table and the notes, then writes `bench/results/<name>.json`. */
export function report(result: Omit<BenchResult, 'machine'>): BenchResult {
  const full: BenchResult = { ...result, machine: machineInfo() };
  const out = [
    '',
    `== ${result.name} ==  (${describeMachine(full.machine)})`,
    textTable(result.rows),
    ...result.notes.map((n) => `  · ${n}`),
    '',
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${result.name}.json`);
  writeFileSync(file, `${JSON.stringify(full, null, 2)}\n`);
  process.stdout.write(`  written to ${file}\n`);
  return full;
}
