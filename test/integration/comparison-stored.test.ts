import { afterAll, describe, expect, it } from 'vitest';
import { buildSummary } from '../../src/present/summary.js';
import { renderText } from '../../src/present/text.js';
import { ProbeResultSchema } from '../../src/results/schema.js';
import { createRedisStore } from '../../src/store/redis-store.js';
import { connectTestRedis, dropPrefix, uniquePrefix } from '../helpers/redis.js';
import { resultFor } from '../helpers/results.js';

const redis = connectTestRedis();
const prefix = uniquePrefix('comparison');
const store = createRedisStore({ redis, prefix, keepResults: 10 });
afterAll(async () => {
  await dropPrefix(redis, prefix);
  await redis.quit();
});

const KEY = 'producer.records_per_sec';
const before = resultFor('kafka', { id: '20240620T094000000Z-kafka-a', fixed: { [KEY]: [100, 104, 110] } });
const after = resultFor('kafka', {
  id: '20240627T094000000Z-kafka-b',
  previous: before,
  fixed: { [KEY]: [130, 132, 135] },
});

describe('the comparison with the last baseline, computed once and stored', () => {
  it('is stored with the result: change, verdict, method and n of each side', async () => {
    await store.results.save(after);
    const stored = await store.results.get(after.id);
    const row = stored?.summary.find((s) => s.key === KEY);
    expect(row?.comparison).toMatchObject({
      verdict: 'improved',
      method: 'runs-apart',
      nBefore: 3,
      nAfter: 3,
    });
    expect(row?.comparison?.changePct).toBeCloseTo((132 / 104 - 1) * 100, 6);
  });

  it('is what the view shows: the stored verdict, not one worked out again from the runs', async () => {
    const stored = await store.results.get(after.id);
    if (!stored) throw new Error('not stored');
    // Change only the stored verdict: a view that recomputed it from the runs would still say improved.
    const edited = {
      ...stored,
      summary: stored.summary.map((s) =>
        s.key === KEY && s.comparison
          ? { ...s, comparison: { ...s.comparison, verdict: 'regressed' as const } }
          : s,
      ),
    };
    await store.results.save(ProbeResultSchema.parse(edited));
    const text = renderText(buildSummary((await store.results.get(after.id)) ?? stored));
    const line = text.split('\n').find((l) => l.includes('Producer') || l.includes('records/s')) ?? '';
    expect(text).toMatch(/regressed ▲ 27%/);
    expect(line).not.toMatch(/improved/);
  });

  it('reads an old stored result (changePct and change, no comparison) as a comparison of unknown n', () => {
    const legacy = JSON.parse(JSON.stringify(after));
    for (const s of legacy.summary) {
      const c = s.comparison;
      delete s.comparison;
      s.changePct = c?.changePct ?? null;
      s.change = c?.verdict ?? null;
    }
    const bare = legacy.summary.findIndex((s: { key: string }) => s.key !== KEY);
    legacy.summary[bare].change = undefined;
    const parsed = ProbeResultSchema.parse(legacy);
    const row = parsed.summary.find((s) => s.key === KEY);
    expect(row?.comparison).toMatchObject({
      verdict: 'improved',
      method: 'runs-apart',
      nBefore: null,
      nAfter: 3,
    });
    // A bare move (stored before verdicts) is inconclusive, never a bare arrow.
    expect(parsed.summary[bare]?.comparison).toMatchObject({ verdict: 'inconclusive', method: 'unrecorded' });
    expect(
      ProbeResultSchema.parse({
        ...legacy,
        summary: [{ ...legacy.summary[0], changePct: null, change: null }],
      }).summary[0]?.comparison,
    ).toBeNull();
  });
});
