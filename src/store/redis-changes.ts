import type { Redis } from 'ioredis';
import { applyTransition, type ChangeRecord, ChangeRecordSchema } from '../changes/record.js';
import { createdEntry, transitionEntry } from './change-audit.js';
import type { ChangeRecords } from './changes.js';
import type { Keys } from './keys.js';

/** KEYS: change, changes, audit; ARGV: version, record, score, id, audit entry. */
const CREATE = `if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'version', ARGV[1], 'record', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
redis.call('XADD', KEYS[3], '*', 'entry', ARGV[5])
return 1`;
/** Compare-and-set on the version. KEYS: change, audit; ARGV: expected version, version, record, audit entry. */
const TRANSITION = `local v = redis.call('HGET', KEYS[1], 'version')
if v == false then return {'missing', ''} end
if v ~= ARGV[1] then return {'stale', v} end
redis.call('HSET', KEYS[1], 'version', ARGV[2], 'record', ARGV[3])
redis.call('XADD', KEYS[2], '*', 'entry', ARGV[4])
return {'ok', ARGV[2]}`;

export function createRedisChanges(redis: Redis, keys: Keys): ChangeRecords {
  async function get(id: string): Promise<ChangeRecord | undefined> {
    const text = await redis.hget(keys.change(id), 'record');
    return text === null ? undefined : ChangeRecordSchema.parse(JSON.parse(text));
  }
  return {
    async create(record) {
      const valid = ChangeRecordSchema.parse(record);
      const entry = createdEntry(valid);
      const created = await redis.eval(
        CREATE,
        3,
        keys.change(valid.id),
        keys.changes(),
        keys.audit(),
        String(valid.version),
        JSON.stringify(valid),
        String(Date.parse(valid.createdAt) || 0),
        valid.id,
        JSON.stringify(entry),
      );
      return created === 1 ? { ok: true } : { ok: false, reason: 'exists' };
    },
    get,
    async transition(id, request) {
      const record = await get(id);
      if (!record) return { ok: false, reason: 'not_found' };
      const next = applyTransition(record, request);
      if (!next.ok) return next;
      const [verdict, version] = (await redis.eval(
        TRANSITION,
        2,
        keys.change(id),
        keys.audit(),
        String(request.expectedVersion),
        String(next.record.version),
        JSON.stringify(next.record),
        JSON.stringify(transitionEntry(record, next.record)),
      )) as [string, string];
      if (verdict === 'missing') return { ok: false, reason: 'not_found' };
      if (verdict === 'stale') return { ok: false, reason: 'stale', version: Number(version) };
      return next;
    },
    async list(service) {
      const ids = await redis.zrange(keys.changes(), '0', '-1');
      const found = await Promise.all(ids.map((id) => get(id)));
      return found.filter((r): r is ChangeRecord => r !== undefined && (!service || r.service === service));
    },
  };
}
