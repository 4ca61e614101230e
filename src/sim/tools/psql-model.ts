import { GB, MB, type PgKnobs } from './psql-knobs.js';

/**
 * How the knobs shape the simulated database: more shared_buffers → a higher cache hit ratio → lower
 * latency and more TPS; counters (pg_stat_database) advance at the modelled rates.
 */
const WORKING_SET = 1 * GB;

/** How the knobs shape the workload: hit ratio from shared_buffers over a 1 GiB working set. */
export function model(k: PgKnobs) {
  const sb = k.memory.shared_buffers;
  const cacheBoost = Math.min(k.memory.effective_cache_size / (8 * GB), 1) * 0.004;
  const hit = Math.min(0.9995, 0.9 + 0.095 * (1 - Math.exp(-sb / (WORKING_SET / 4))) + cacheBoost);
  return {
    hit,
    tps: 400 * (0.6 + 4 * (hit - 0.9)),
    /** Per probe query, in ms: parse/plan/execute plus a share of misses served from disk. */
    latencyMs: 0.12 + (1 - hit) * 4 + (k.memory.work_mem < 4 * MB ? 0.02 : 0),
    connections: Math.min(k.maxConnections - 3, 28),
  };
}

export interface Counters {
  t: number;
  commit: number;
  rollback: number;
  hit: number;
  read: number;
}

/** The counters of a database that has been up a while, at time `t`. */
export const initialCounters = (t: number): Counters => ({
  t,
  commit: 4_812_337,
  rollback: 20_113,
  hit: 912_004_551,
  // blks_hit / (blks_hit + blks_read) ≈ 99.5 % since the server started: a healthy cache.
  read: 4_175_902,
});

/** Cumulative counters, advanced by the modelled rates for the time since the last call. */
export function advance(counters: Counters, now: number, k: PgKnobs, random: () => number): Counters {
  const m = model(k);
  const dt = Math.max(0, now - counters.t) / 1000;
  const xacts = m.tps * dt * (0.95 + 0.1 * random());
  const blocks = xacts * 40;
  return {
    t: now,
    commit: counters.commit + xacts * 0.996,
    rollback: counters.rollback + xacts * 0.004,
    hit: counters.hit + blocks * m.hit,
    read: counters.read + blocks * (1 - m.hit),
  };
}
