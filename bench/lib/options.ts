/**
 * Benchmark length. The defaults are short so that `npm run bench` ends in minutes on a 2-core
 * machine; `--full` (or BENCH_FULL=1) runs the lengths the issue names, and `--seconds N` (or
 * BENCH_SECONDS) sets the load duration of the rate-based benchmarks.
 */
export interface BenchOptions {
  full: boolean;
  /** Load duration of each rate step, seconds. */
  seconds: number;
}

export function benchOptions(
  argv: readonly string[] = process.argv.slice(2),
  shortSeconds = 10,
): BenchOptions {
  const full = argv.includes('--full') || process.env.BENCH_FULL === '1';
  const flag = argv.indexOf('--seconds');
  const given = flag >= 0 ? argv[flag + 1] : process.env.BENCH_SECONDS;
  const seconds = given !== undefined && Number(given) > 0 ? Number(given) : full ? 30 : shortSeconds;
  return { full, seconds };
}

/** A number from the environment, else the default (counts that `--full` does not change). */
export function envNumber(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
