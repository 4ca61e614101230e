import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { BottleneckAnswer } from '../../src/bottlenecks/answer.js';
import type { ChangeRecord } from '../../src/changes/record.js';
import { createFileStore } from '../../src/store/file-store.js';
import { JournalStep } from '../../src/store/keys.js';
import type { Store } from '../../src/store/port.js';
import { createRedisStore } from '../../src/store/redis-store.js';
import { connectTestRedis, dropPrefix, uniquePrefix } from '../helpers/redis.js';
import { aResult } from '../helpers/results.js';

/** A store over fresh backing (a new prefix, a new directory), and a second one over the same backing. */
interface Backing {
  open(keepResults?: number): Store;
  dispose(): Promise<void>;
}

const redis = connectTestRedis();
afterAll(async () => {
  await redis.quit();
});

const backings = {
  redis: async (): Promise<Backing> => {
    const prefix = uniquePrefix('store');
    return {
      open: (keepResults = 3) => createRedisStore({ redis, prefix, keepResults }),
      dispose: () => dropPrefix(redis, prefix),
    };
  },
  files: async (): Promise<Backing> => {
    const dir = await mkdtemp(join(tmpdir(), 'perfbot-store-'));
    return {
      open: (keepResults = 3) => createFileStore(dir, keepResults),
      dispose: () => rm(dir, { recursive: true, force: true }),
    };
  },
};

// Ids start with the finish time, as the probes make them (the file store orders by name).
const at = (minute: number) => `2026-11-24T10:${String(minute).padStart(2, '0')}:00.000Z`;
const idAt = (minute: number) => `202611241${String(minute).padStart(3, '0')}00-kafka-r${minute}`;

const aChange = (overrides: Partial<ChangeRecord> = {}): ChangeRecord => ({
  approvals: [],
  id: 'chg-1',
  service: 'kafka',
  state: 'proposed',
  version: 1,
  requestedBy: 'U1',
  createdAt: at(0),
  expiresAt: at(30),
  history: [],
  plan: { knob: 'batch.size', to: 65536 },
  ...overrides,
});

describe.each(Object.entries(backings))('the %s store', (_name, makeBacking) => {
  let backing: Backing;
  let store: Store;
  const fresh = async (keepResults = 3) => {
    backing = await makeBacking();
    store = backing.open(keepResults);
    return store;
  };
  afterEach(async () => {
    await backing?.dispose();
  });

  describe('results', () => {
    it('keeps results, returns the latest and a history oldest first, trimming beyond keepResults', async () => {
      await fresh(3);
      for (const minute of [1, 2, 3, 4]) {
        await store.results.save(aResult({ id: idAt(minute), finishedAt: at(minute) }));
      }
      expect((await store.results.latest('kafka'))?.id).toBe(idAt(4));
      expect((await store.results.history('kafka', 10)).map((r) => r.id)).toEqual([
        idAt(2),
        idAt(3),
        idAt(4),
      ]);
      expect((await store.results.get(idAt(3)))?.finishedAt).toBe(at(3));
      expect(await store.results.get(idAt(1))).toBeUndefined();
      expect(await store.results.latest('trino')).toBeUndefined();
    });

    it('survives a new process over the same backing', async () => {
      await fresh(2);
      for (const minute of [1, 2, 3]) {
        await store.results.save(aResult({ id: idAt(minute), finishedAt: at(minute) }));
      }
      const second = backing.open(2);
      expect((await second.results.history('kafka', 10)).map((r) => r.finishedAt)).toEqual([at(2), at(3)]);
      await second.audit.append({ actor: 'me', action: 'baseline', outcome: 'ok' });
      expect((await backing.open(2).audit.read(5))[0]?.actor).toBe('me');
    });

    it('rejects a result that does not match the schema, storing nothing', async () => {
      await fresh();
      await expect(store.results.save({ ...aResult(), service: 'nope' as 'kafka' })).rejects.toThrow();
      expect(await store.results.latest('kafka')).toBeUndefined();
    });
  });

  describe('journal', () => {
    it('records a step once and remembers its value', async () => {
      await fresh();
      const step = JournalStep.measured('j1');
      expect(await store.journal.read(step)).toBeUndefined();
      expect(await store.journal.record(step, 'r1')).toBe(true);
      expect(await store.journal.record(step, 'r2')).toBe(false);
      expect(await store.journal.read(step)).toBe('r1');
      expect(await backing.open().journal.read(step)).toBe('r1');
      expect(await store.journal.read(JournalStep.posted('j1'))).toBeUndefined();
    });

    it('keeps steps apart, a chart filename included', async () => {
      await fresh();
      await store.journal.record(JournalStep.chart('j1', 'kafka/throughput.png'), 'a');
      await store.journal.record(JournalStep.chart('j1', 'kafka-latency.png'), 'b');
      expect(await store.journal.read(JournalStep.chart('j1', 'kafka/throughput.png'))).toBe('a');
      expect(await store.journal.read(JournalStep.chart('j1', 'kafka-latency.png'))).toBe('b');
      expect(await store.journal.read(JournalStep.flowCancelled('j1'))).toBeUndefined();
    });

    it('lets exactly one of twenty concurrent recorders be first', async () => {
      await fresh();
      const firsts = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          backing.open().journal.record(JournalStep.flowRunning('f1'), `w${i}`),
        ),
      );
      expect(firsts.filter(Boolean)).toHaveLength(1);
      expect(await store.journal.read(JournalStep.flowRunning('f1'))).toBe(`w${firsts.indexOf(true)}`);
    });

    it('remembers a step recorded once for its window only, one first among concurrent recorders', async () => {
      await fresh();
      const seen = JournalStep.request('v0=abc');
      const firsts = await Promise.all(
        Array.from({ length: 10 }, () => backing.open().journal.recordOnce(seen, 300)),
      );
      expect(firsts.filter(Boolean)).toHaveLength(1);
      expect(await store.journal.recordOnce(seen, 300)).toBe(false);
      expect(await store.journal.recordOnce(JournalStep.request('v0=abd'), 300)).toBe(true);
      // Redis expires on its own clock: wait the window out for real.
      await new Promise((resolve) => setTimeout(resolve, 450));
      expect(await store.journal.recordOnce(seen, 300)).toBe(true);
      expect(await store.journal.recordOnce(seen, 300)).toBe(false);
    });
  });

  describe('locks', () => {
    it('holds one measurement lock per service, released only with the token its acquire returned', async () => {
      await fresh();
      const first = await store.locks.acquireMeasure('kafka', 'job-1', 60_000);
      expect(first).toEqual({ acquired: true, token: expect.any(String) });
      expect(await store.locks.acquireMeasure('kafka', 'job-2', 60_000)).toEqual({
        acquired: false,
        holder: 'job-1',
        scope: 'measure',
      });
      const trino = await store.locks.acquireMeasure('trino', 'job-2', 60_000);
      expect(trino.acquired).toBe(true);
      await store.locks.release('measure', 'kafka', trino.acquired ? trino.token : '');
      await store.locks.release('measure', 'kafka', 'job-1');
      expect(await store.locks.holder('measure', 'kafka')).toBe('job-1');
      await store.locks.release('measure', 'kafka', first.acquired ? first.token : '');
      expect(await store.locks.holder('measure', 'kafka')).toBeUndefined();
    });

    it('fences the attempts of one job: a second attempt is refused while the first holds the lock', async () => {
      await fresh();
      const first = await store.locks.acquireMeasure('kafka', 'job-1', 60_000);
      if (!first.acquired) throw new Error('not acquired');
      // BullMQ put job-1 back in the queue while its first attempt still runs: the second must not measure.
      expect(await store.locks.acquireMeasure('kafka', 'job-1', 60_000)).toEqual({
        acquired: false,
        holder: 'job-1',
        scope: 'measure',
      });
      expect(await store.locks.refresh('measure', 'kafka', 'another-token', 60_000)).toBe(false);
      expect(await store.locks.refresh('measure', 'kafka', first.token, 40)).toBe(true);
      await vi.waitFor(async () => expect(await store.locks.holder('measure', 'kafka')).toBeUndefined(), {
        timeout: 3_000,
        interval: 20,
      });
      // Expired: a later attempt takes it with a new token, and the old token neither refreshes nor frees it.
      const second = await store.locks.acquireMeasure('kafka', 'job-1', 60_000);
      if (!second.acquired) throw new Error('not acquired');
      expect(second.token).not.toBe(first.token);
      expect(await store.locks.refresh('measure', 'kafka', first.token, 60_000)).toBe(false);
      await store.locks.release('measure', 'kafka', first.token);
      expect(await store.locks.holder('measure', 'kafka')).toBe('job-1');
      await store.locks.release('measure', 'kafka', second.token);
      expect(await store.locks.holder('measure', 'kafka')).toBeUndefined();
    });

    it('refuses a measurement while a change is in flight, and a change while a measurement runs', async () => {
      await fresh();
      const change = await store.locks.acquireChange('kafka', 'chg-1', 60_000);
      expect(change.acquired).toBe(true);
      expect(await store.locks.acquireMeasure('kafka', 'job-1', 60_000)).toEqual({
        acquired: false,
        holder: 'chg-1',
        scope: 'change',
      });
      expect(await store.locks.holder('measure', 'kafka')).toBeUndefined();
      expect(await store.locks.acquireChange('kafka', 'chg-2', 60_000)).toEqual({
        acquired: false,
        holder: 'chg-1',
        scope: 'change',
      });
      await store.locks.release('change', 'kafka', change.acquired ? change.token : '');

      expect((await store.locks.acquireMeasure('kafka', 'job-1', 60_000)).acquired).toBe(true);
      expect(await store.locks.acquireChange('kafka', 'chg-2', 60_000)).toEqual({
        acquired: false,
        holder: 'job-1',
        scope: 'measure',
      });
      expect(await store.locks.holder('change', 'kafka')).toBeUndefined();
    });

    it('gives one of a measurement and a change asked for at once, never both', async () => {
      await fresh();
      for (const round of [1, 2, 3, 4, 5]) {
        const [measure, change] = await Promise.all([
          backing.open().locks.acquireMeasure('ray', `job-${round}`, 60_000),
          backing.open().locks.acquireChange('ray', `chg-${round}`, 60_000),
        ]);
        expect([measure.acquired, change.acquired].filter(Boolean)).toHaveLength(1);
        if (measure.acquired) await store.locks.release('measure', 'ray', measure.token);
        if (change.acquired) await store.locks.release('change', 'ray', change.token);
      }
    });

    it('releases a lock by its owner, whatever its token, and only that owner', async () => {
      await fresh();
      await store.locks.acquireMeasure('kafka', 'cli-gone', 60_000);
      expect(await store.locks.releaseOwner('measure', 'kafka', 'someone-else')).toBe(false);
      expect(await store.locks.holder('measure', 'kafka')).toBe('cli-gone');
      expect(await store.locks.releaseOwner('measure', 'kafka', 'cli-gone')).toBe(true);
      expect(await store.locks.holder('measure', 'kafka')).toBeUndefined();
    });

    it('lists the locks held now, with their owner and expiry, and not the ones released or expired', async () => {
      await fresh();
      expect(await store.locks.list()).toEqual([]);
      const before = Date.now();
      await store.locks.acquireMeasure('kafka', 'job-1', 60_000);
      await store.locks.acquireChange('trino', 'chg-1', 120_000);
      await store.locks.acquireMeasure('ray', 'job-gone', 30);
      const postgres = await store.locks.acquireMeasure('postgres', 'job-2', 60_000);
      if (!postgres.acquired) throw new Error('postgres lock not taken');
      await store.locks.release('measure', 'postgres', postgres.token);
      await vi.waitFor(async () => expect(await store.locks.holder('measure', 'ray')).toBeUndefined(), {
        timeout: 3_000,
        interval: 20,
      });
      const held = await store.locks.list();
      expect(held.map(({ scope, service, owner }) => ({ scope, service, owner }))).toEqual([
        { scope: 'measure', service: 'kafka', owner: 'job-1' },
        { scope: 'change', service: 'trino', owner: 'chg-1' },
      ]);
      const [kafka, trino] = held;
      expect(kafka?.expiresAt).toBeGreaterThanOrEqual(before + 59_000);
      expect(kafka?.expiresAt).toBeLessThanOrEqual(Date.now() + 60_000);
      expect(trino?.expiresAt).toBeGreaterThanOrEqual(before + 119_000);
    });

    it('frees a lock whose TTL ran out, so that a dead owner does not block the service', async () => {
      await fresh();
      expect((await store.locks.acquireMeasure('postgres', 'job-dead', 40)).acquired).toBe(true);
      expect(await store.locks.holder('measure', 'postgres')).toBe('job-dead');
      await vi.waitFor(async () => expect(await store.locks.holder('measure', 'postgres')).toBeUndefined(), {
        timeout: 3_000,
        interval: 20,
      });
      expect((await store.locks.acquireChange('postgres', 'chg-1', 60_000)).acquired).toBe(true);
    });
  });

  describe('changes', () => {
    const step = (expectedVersion: number, to: ChangeRecord['state'], minute: number) => ({
      expectedVersion,
      to,
      actor: `U${minute}`,
      at: at(minute),
    });

    it('creates a record once and reads it back', async () => {
      await fresh();
      expect(await store.changes.create(aChange())).toEqual({ ok: true });
      expect(await store.changes.create(aChange({ requestedBy: 'U9' }))).toEqual({
        ok: false,
        reason: 'exists',
      });
      expect(await store.changes.get('chg-1')).toEqual(aChange());
      expect(await store.changes.get('chg-404')).toBeUndefined();
    });

    it('moves along legal transitions, one version each, with the history and the audit log', async () => {
      await fresh();
      await store.changes.create(aChange());
      let version = 1;
      for (const [to, minute] of [
        ['approved', 2],
        ['applying', 3],
        ['applied', 4],
        ['rolled_back', 5],
      ] as const) {
        const moved = await store.changes.transition('chg-1', step(version, to, minute));
        expect(moved.ok && moved.record.state).toBe(to);
        version += 1;
      }
      const record = await store.changes.get('chg-1');
      expect(record?.version).toBe(5);
      expect(record?.history.map((h) => `${h.from}→${h.to} by ${h.actor}`)).toEqual([
        'proposed→approved by U2',
        'approved→applying by U3',
        'applying→applied by U4',
        'applied→rolled_back by U5',
      ]);
      const audit = await store.audit.read(10);
      expect(audit.map((e) => `${e.action} ${e.detail?.to ?? e.detail?.state}`)).toEqual([
        'change.created proposed',
        'change.transition approved',
        'change.transition applying',
        'change.transition applied',
        'change.transition rolled_back',
      ]);
      expect(audit[1]).toMatchObject({ actor: 'U2', at: at(2), outcome: 'ok', detail: { change: 'chg-1' } });
    });

    it('applies a patch with the transition', async () => {
      await fresh();
      await store.changes.create(aChange());
      const patch = { plan: { knob: 'batch.size', to: 32768 } };
      await store.changes.transition('chg-1', { ...step(1, 'approved', 2), patch });
      expect((await store.changes.get('chg-1'))?.plan).toEqual(patch.plan);
    });

    it('refuses an illegal transition, a stale version and an unknown record, changing nothing', async () => {
      await fresh();
      await store.changes.create(aChange());
      expect(await store.changes.transition('chg-1', step(1, 'applied', 2))).toEqual({
        ok: false,
        reason: 'illegal',
        from: 'proposed',
        to: 'applied',
      });
      await store.changes.transition('chg-1', step(1, 'rejected', 3));
      expect(await store.changes.transition('chg-1', step(1, 'approved', 4))).toEqual({
        ok: false,
        reason: 'stale',
        version: 2,
      });
      expect(await store.changes.transition('chg-1', step(2, 'approved', 4))).toEqual({
        ok: false,
        reason: 'illegal',
        from: 'rejected',
        to: 'approved',
      });
      expect(await store.changes.transition('chg-404', step(1, 'approved', 4))).toEqual({
        ok: false,
        reason: 'not_found',
      });
      const record = await store.changes.get('chg-1');
      expect(record).toMatchObject({ state: 'rejected', version: 2 });
      expect(record?.history).toHaveLength(1);
    });

    it('lets exactly one of twenty concurrent transitions from the same version win', async () => {
      await fresh();
      await store.changes.create(aChange());
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          backing
            .open()
            .changes.transition('chg-1', { ...step(1, i % 2 ? 'approved' : 'rejected', 2), actor: `U${i}` }),
        ),
      );
      const winners = outcomes.filter((o) => o.ok);
      expect(winners).toHaveLength(1);
      expect(outcomes.filter((o) => !o.ok && o.reason === 'stale')).toHaveLength(19);
      const record = await store.changes.get('chg-1');
      expect(record?.version).toBe(2);
      expect(record?.history).toHaveLength(1);
      expect(winners[0]?.ok && winners[0].record).toEqual(record);
      expect((await store.audit.read(50)).filter((e) => e.action === 'change.transition')).toHaveLength(1);
    });

    it('lists the changes, oldest first, of every service or one', async () => {
      await fresh();
      await store.changes.create(aChange({ id: 'chg-b', createdAt: at(2) }));
      await store.changes.create(aChange({ id: 'chg-a', createdAt: at(1), service: 'trino' }));
      expect((await store.changes.list()).map((c) => c.id)).toEqual(['chg-a', 'chg-b']);
      expect((await store.changes.list('kafka')).map((c) => c.id)).toEqual(['chg-b']);
      expect(await store.changes.list('ray')).toEqual([]);
    });
  });

  describe('bottleneck answers', () => {
    const anAnswer = (id: string): BottleneckAnswer => ({
      id,
      requestedBy: 'U1',
      thread: { channel: 'C1', threadTs: '1700000000.000100' },
      at: at(5),
      tookMs: 812,
      checked: ['nodes (core/v1)'],
      findings: [
        {
          rule: 'postgres.connections',
          severity: 'critical',
          score: 0.17,
          subject: 'postgres',
          statement: '97 of max_connections 100 in use (97%)',
          evidence: ['pg_stat_activity'],
          fix: { component: 'postgres', knobSet: 'pool', settings: { max_connections: '150' } },
        },
      ],
    });

    it('keeps an answer with its findings and fixes, read back by another process; an unknown id is nothing', async () => {
      await fresh();
      await store.bottlenecks.save(anAnswer('bottlenecks-1a2b3c4d'));
      expect(await backing.open().bottlenecks.get('bottlenecks-1a2b3c4d')).toEqual(
        anAnswer('bottlenecks-1a2b3c4d'),
      );
      expect(await store.bottlenecks.get('bottlenecks-00000000')).toBeUndefined();
      await store.bottlenecks.save(anAnswer('bottlenecks-2b3c4d5e'));
      expect((await backing.open().bottlenecks.latest())?.id).toBe('bottlenecks-2b3c4d5e');
      // Not an id: never a key or a path.
      expect(await store.bottlenecks.get('../../etc/passwd')).toBeUndefined();
    });

    it('refuses an answer that does not match the schema, storing nothing', async () => {
      await fresh();
      const bad = {
        ...anAnswer('bottlenecks-2b3c4d5e'),
        findings: [{ rule: 'x' }],
      } as unknown as BottleneckAnswer;
      await expect(store.bottlenecks.save(bad)).rejects.toThrow();
      expect(await store.bottlenecks.get('bottlenecks-2b3c4d5e')).toBeUndefined();
    });
  });

  describe('audit', () => {
    it('appends entries in order and never rewrites them', async () => {
      await fresh();
      await store.audit.append({
        actor: 'U1',
        action: 'command',
        outcome: 'refused',
        detail: { kind: 'tune' },
      });
      await store.audit.append({ actor: 'U2', action: 'command', outcome: 'ok' });
      const entries = await store.audit.read(10);
      expect(entries.map((e) => e.actor)).toEqual(['U1', 'U2']);
      expect(entries[0]?.at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect(entries[0]?.detail).toEqual({ kind: 'tune' });
      expect((await store.audit.read(1)).map((e) => e.actor)).toEqual(['U2']);
    });
  });
});
