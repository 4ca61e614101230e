import { fail, ok, PerfError, type Result } from '../../errors.js';

/** Redis's eviction policies (redis.conf, "MEMORY MANAGEMENT"). */
export const MAXMEMORY_POLICIES = [
  'noeviction',
  'allkeys-lru',
  'allkeys-lfu',
  'allkeys-random',
  'volatile-lru',
  'volatile-lfu',
  'volatile-random',
  'volatile-ttl',
] as const;

/** The two settings of `/perf tune redis cache`, as `CONFIG GET` reads them. */
export interface RedisCacheSettings {
  /** Bytes; 0 is no limit. */
  maxmemory: number;
  policy: string;
}

export interface RedisCacheChange {
  name: 'maxmemory' | 'maxmemory-policy';
  before: string;
  after: string;
}

/**
 * Redis's own memory units (redis.conf: `1k` = 1000 bytes, `1kb` = 1024, likewise m/mb, g/gb,
 * case-insensitive), so that the card shows the bytes Redis will hold to.
 */
export function redisBytes(value: string): number | undefined {
  const m = /^(\d+)(b|k|kb|m|mb|g|gb)?$/i.exec(value.trim());
  if (!m) return undefined;
  const scale: Record<string, number> = {
    b: 1,
    k: 1e3,
    kb: 1024,
    m: 1e6,
    mb: 1024 ** 2,
    g: 1e9,
    gb: 1024 ** 3,
  };
  return Number(m[1]) * (scale[(m[2] ?? 'b').toLowerCase()] ?? 1);
}

const human = (bytes: number) =>
  bytes === 0
    ? '0 (no limit)'
    : bytes % 1024 ** 3 === 0
      ? `${bytes / 1024 ** 3}gb`
      : bytes % 1024 ** 2 === 0
        ? `${bytes / 1024 ** 2}mb`
        : `${bytes} bytes`;

/**
 * The changes a request makes to the live settings (left out when already so), or why it is refused:
 * an unknown policy, a size Redis would not read, a limit below what the server already holds
 * (`used_memory`: with `noeviction` writes would fail at once, with eviction it evicts at once).
 */
export function planRedisCache(
  current: RedisCacheSettings,
  usedMemory: number,
  requested: { maxmemory?: string; policy?: string },
): Result<RedisCacheChange[], PerfError> {
  const problems: string[] = [];
  const changes: RedisCacheChange[] = [];
  if (requested.maxmemory !== undefined) {
    const bytes = redisBytes(requested.maxmemory);
    if (bytes === undefined)
      problems.push(`maxmemory \`${requested.maxmemory}\` is not a size Redis reads (e.g. 512mb)`);
    else if (bytes !== 0 && bytes < usedMemory)
      problems.push(`maxmemory ${human(bytes)} is below what Redis already holds (${human(usedMemory)})`);
    else if (bytes !== current.maxmemory)
      changes.push({ name: 'maxmemory', before: human(current.maxmemory), after: String(bytes) });
  }
  if (requested.policy !== undefined) {
    if (!(MAXMEMORY_POLICIES as readonly string[]).includes(requested.policy))
      problems.push(`policy \`${requested.policy}\` is not one of ${MAXMEMORY_POLICIES.join(', ')}`);
    else if (requested.policy !== current.policy)
      changes.push({ name: 'maxmemory-policy', before: current.policy, after: requested.policy });
  }
  if (problems.length > 0)
    return fail(
      new PerfError('usage', `refused Redis cache settings: ${problems.join('; ')}`, {
        userMessage: `Refused: ${problems.join('; ')}.`,
        context: { service: 'redis', step: 'preflight' },
      }),
    );
  return ok(changes);
}

/** What perfbot asks of a Redis server: `CONFIG GET`/`CONFIG SET` and `INFO memory` (an adapter per transport). */
export interface RedisConfigPort {
  configGet(name: string): Promise<string | undefined>;
  /** Resolves on `OK`; rejects with Redis's own error otherwise. */
  configSet(name: string, value: string): Promise<void>;
  usedMemory(): Promise<number>;
}

export async function readRedisCache(port: RedisConfigPort): Promise<RedisCacheSettings> {
  const [maxmemory, policy] = await Promise.all([
    port.configGet('maxmemory'),
    port.configGet('maxmemory-policy'),
  ]);
  return { maxmemory: Number(maxmemory ?? 0), policy: policy ?? 'noeviction' };
}

/**
 * Applies the changes live, in order; on a refusal restores those already set (the snapshot) and
 * rethrows, so that the server is never left half-changed. (The ConfigMap that makes them survive
 * a restart changes in the same change: the tuning flow patches both.)
 */
export async function applyRedisCache(
  port: RedisConfigPort,
  changes: readonly RedisCacheChange[],
): Promise<void> {
  const before = await readRedisCache(port);
  const done: RedisCacheChange[] = [];
  try {
    for (const change of changes) {
      await port.configSet(change.name, change.after);
      done.push(change);
    }
  } catch (error) {
    for (const change of done.reverse())
      await port.configSet(
        change.name,
        change.name === 'maxmemory' ? String(before.maxmemory) : before.policy,
      );
    throw error;
  }
}

/** The proof: `CONFIG GET` reads every new value. */
export async function verifyRedisCache(
  port: RedisConfigPort,
  changes: readonly RedisCacheChange[],
): Promise<string[]> {
  const wrong: string[] = [];
  for (const change of changes) {
    const now = await port.configGet(change.name);
    if (now !== change.after) wrong.push(`${change.name} reads ${now ?? '(nothing)'}, not ${change.after}`);
  }
  return wrong;
}
