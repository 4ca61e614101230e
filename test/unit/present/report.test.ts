import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatValue } from '../../../src/analysis/format.js';
import { validate } from '../../../src/analysis/validation.js';
import type { ChangeState } from '../../../src/changes/state.js';
import { loadConfig } from '../../../src/config/load.js';
import { readReport } from '../../../src/jobs/workers/report.js';
import { renderMarkdown } from '../../../src/present/markdown.js';
import { buildReport } from '../../../src/present/report.js';
import type { ProbeResult, StoredValidation } from '../../../src/results/schema.js';
import { createFileStore } from '../../../src/store/file-store.js';
import type { Store } from '../../../src/store/port.js';
import { resultFor } from '../../helpers/results.js';

// The report on a store seeded through the store's own API (the file store): every figure of the
// Markdown is checked against the stored record its row names, "not measured" carries a command,
// and a box is ticked only with a stored result behind it.
const NOW = Date.parse('2026-12-01T12:00:00.000Z');
const T = 'producer.records_per_sec';
const config = loadConfig({ LOG_LEVEL: 'silent' });
let dir = '';
let store: Store;

const at = (hoursAgo: number) => new Date(NOW - hoursAgo * 3_600_000).toISOString();
const series = (base: number, n: number) =>
  Array.from({ length: n }, (_, i) => base * (1 + ((i % 3) - 1) * 0.01));

/** A validation stored as `/perf validate` stores it: the real judgement of two stored results. */
function validated(before: ProbeResult, after: ProbeResult, changeIds: string[]): ProbeResult {
  const targets = config.platform.validation.targets[before.service] ?? [];
  const v = validate(before, after, { defaultThreshold: 0.03, alpha: 0.05, targets });
  if (!v.ok) throw new Error(v.reason);
  const stored: StoredValidation = {
    beforeId: before.id,
    chosen: 'the last baseline',
    alpha: 0.05,
    looks: [{ runs: after.runs.length, alpha: 0.05 }],
    metrics: v.metrics.map((m) => ({ key: m.key, ...m.judgement })),
    targets: v.targets,
    differences: v.differences,
    changeIds,
  };
  return { ...after, previousId: before.id, validation: stored };
}

async function applyChange(id: string, service: 'kafka' | 'redis', hoursAgo: number) {
  await store.changes.create({
    id,
    service,
    state: 'proposed',
    version: 1,
    requestedBy: 'U0ALICE',
    createdAt: at(hoursAgo),
    expiresAt: at(hoursAgo - 1),
    history: [],
    plan: { knobSet: service === 'kafka' ? 'jvm' : 'cache' },
  });
  const steps: [ChangeState, string][] = [
    ['approved', 'U0BOB'],
    ['applying', 'perfbot'],
    ['applied', 'perfbot'],
  ];
  for (const [i, [to, actor]] of steps.entries()) {
    const patch = to === 'approved' ? { approvals: [{ by: actor, at: at(hoursAgo - 0.1) }] } : undefined;
    const moved = await store.changes.transition(id, {
      expectedVersion: i + 1,
      to,
      actor,
      at: at(hoursAgo - 0.1 * (i + 1)),
      ...(patch ? { patch } : {}),
    });
    if (!moved.ok) throw new Error(`${id} → ${to}: ${moved.reason}`);
  }
}

let markdown = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perfbot-report-'));
  store = createFileStore(dir, 50);
  const old = resultFor('kafka', { id: 'old-kafka', startedAt: at(24 * 30), fixed: { [T]: series(1, 3) } });
  const before = resultFor('kafka', {
    id: 'kafka-before',
    startedAt: at(30),
    runs: 6,
    fixed: { [T]: series(100e3, 6) },
  });
  await applyChange('chg-0000000a', 'kafka', 20);
  await applyChange('chg-0000000b', 'redis', 19);
  const after = validated(
    before,
    resultFor('kafka', { id: 'kafka-after', startedAt: at(10), runs: 6, fixed: { [T]: series(150e3, 6) } }),
    ['chg-0000000a'],
  );
  const pgBefore = resultFor('postgres', { id: 'pg-before', startedAt: at(40), runs: 6 });
  const pgAfter = validated(
    pgBefore,
    resultFor('postgres', { id: 'pg-after', startedAt: at(8), runs: 6 }),
    [],
  );
  for (const r of [
    old,
    before,
    after,
    pgBefore,
    pgAfter,
    resultFor('trino', { id: 'trino-base', startedAt: at(5), runs: 5 }),
    resultFor('resources', { id: 'res-base', startedAt: at(4) }),
  ])
    await store.results.save(r);
  const { input } = await readReport({ store, ...config }, NOW, 7, 'slack');
  markdown = renderMarkdown(buildReport(input));
  if (process.env.SHOW_REPORT) console.log(markdown);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const unescapeCell = (cell: string) => cell.trim().replace(/\\(.)/g, '$1');

/** The rows of the pipe table that follows a heading, as header → cell. */
function tableAfter(heading: string): Record<string, string>[] {
  const section = markdown.split(`## ${heading}\n`)[1]?.split('\n## ')[0] ?? '';
  const lines = section.split('\n').filter((l) => l.startsWith('|'));
  const [head, , ...rows] = lines;
  const cells = (l: string) =>
    l
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map(unescapeCell);
  const headers = cells(head ?? '');
  return rows.map((r) => Object.fromEntries(cells(r).map((c, i) => [headers[i] ?? String(i), c])));
}

const sectionOf = (heading: string) => markdown.split(`## ${heading}\n`)[1]?.split('\n## ')[0] ?? '';

async function stored(id: string | undefined): Promise<ProbeResult> {
  const r = id === undefined ? undefined : await store.results.get(id);
  if (!r) throw new Error(`no stored result ${id}`);
  return r;
}

describe('the performance report, from the store alone', () => {
  it('gives each baseline figure on the row of the stored result it comes from', async () => {
    const rows = tableAfter('Baselines');
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) {
      const r = await stored(row['result id']);
      expect(r.validation).toBeUndefined();
      expect(r.service).toBe(row.service);
      const def = r.metrics.find((m) => m.label === row.metric);
      const s = r.summary.find((x) => x.key === def?.key);
      if (!def || !s) throw new Error(`${row.metric} is not in ${r.id}`);
      expect(row.median).toBe(formatValue(s.median, def.unit));
      expect(row['spread (MAD)']).toBe(s.mad === null ? '—' : formatValue(s.mad, def.unit));
      expect(row.n).toBe(String(s.n));
    }
    // The newest baseline of each service in the window; the one before the window is left out.
    expect(new Set(rows.map((r) => r['result id']))).toEqual(
      new Set(['kafka-before', 'pg-before', 'trino-base', 'res-base']),
    );
    expect(markdown).not.toContain('old-kafka');
  });

  it('gives each validated gain with its interval and verdict as the stored validation holds them', async () => {
    const rows = tableAfter('Validated gains');
    expect(rows.map((r) => r['validation id'])).toContain('kafka-after');
    for (const row of rows) {
      const r = await stored(row['validation id']);
      const def = r.metrics.find((m) => m.label === row.metric);
      const m = r.validation?.metrics.find((x) => x.key === def?.key);
      if (!def || !m) throw new Error(`${row.metric} is not validated in ${r.id}`);
      expect(row['before id']).toBe(r.validation?.beforeId);
      expect(row.verdict?.split(':')[0]).toBe(m.verdict.replace('_', ' '));
      if (m.test) {
        expect(row.before).toBe(formatValue(m.test.medianBefore, def.unit));
        expect(row.after).toBe(formatValue(m.test.medianAfter, def.unit));
        const pct = (v: number) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}%`;
        expect(row['change [interval]']).toContain(
          `${pct(m.test.change)} [${pct(m.test.low)}, ${pct(m.test.high)}]`,
        );
      }
      const target = r.validation?.targets.find((t) => t.metric === m.key);
      expect(row.met).toBe(
        target ? (target.met ? 'met' : target.met === false ? 'not met' : 'not decided') : '—',
      );
    }
    const kafka = rows.find((r) => r['validation id'] === 'kafka-after' && r.target !== '—');
    expect(kafka?.verdict).toBe('improved');
    expect(kafka?.met).toBe('met');
  });

  it('lists the ledger: what, who asked, who approved, when, outcome, change id', async () => {
    const rows = tableAfter('Changes applied');
    expect(rows.map((r) => r['change id']).sort()).toEqual(['chg-0000000a', 'chg-0000000b']);
    for (const row of rows) {
      const c = await store.changes.get(row['change id'] ?? '');
      expect(row['asked by']).toBe(`@${c?.requestedBy}`);
      expect(row['approved by']).toBe(c?.approvals.map((a) => `@${a.by}`).join(', '));
      expect(row.outcome).toMatch(new RegExp(`^${c?.state}`));
      expect(row.when).toMatch(/^applied 2026-11-30 \d\d:\d\d UTC$/);
    }
  });

  it('says "not measured" with the command that would measure it', () => {
    const blanks = markdown
      .split('\n')
      .filter((l) => /not measured|\*\* not validated|no validation of/.test(l));
    expect(blanks.length).toBeGreaterThan(0);
    for (const l of blanks) expect(l).toMatch(/`\/perf [a-z]+[^`]*`/);
    expect(markdown).toContain('**ray** not measured: run `/perf baseline ray`');
    expect(sectionOf('Bottlenecks found')).toContain('not measured: run `/perf bottlenecks`');
  });

  it('ticks a success criterion only with a stored result behind it, and says what is missing otherwise', async () => {
    const boxes = sectionOf('Success criteria')
      .split('\n')
      .filter((l) => l.startsWith('- ['));
    // Four runbook targets, overall, baselines, changes validated, no regression left.
    expect(boxes).toHaveLength(8);
    for (const box of boxes.filter((b) => b.startsWith('- [x]'))) {
      const ids = [...(/\(from ([^)]*)\)/.exec(box)?.[1] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]);
      expect(ids.length, box).toBeGreaterThan(0);
      for (const id of ids) await stored(id);
    }
    for (const box of boxes.filter((b) => b.startsWith('- [ ]')))
      expect(box).toMatch(/\*\*( \(from [^)]*\))?: \S/);
    const box = (label: RegExp) => boxes.find((b) => label.test(b)) ?? '';
    expect(box(/kafka Producer throughput \+20%/)).toMatch(/^- \[x\].*`kafka-after`/);
    expect(box(/trino .* −30%/)).toMatch(/^- \[ \].*no validation of trino.*run `\/perf validate trino`/);
    expect(box(/ray .* \+15%/)).toMatch(/^- \[ \].*run `\/perf validate ray`/);
    expect(box(/baselines of every service/)).toMatch(/^- \[ \].*ray.*run `\/perf baseline ray`/);
    // The redis change cannot be validated by any probe: said, not ticked.
    expect(box(/every applied change validated/)).toMatch(
      /^- \[ \].*chg-0000000b \(redis, which no probe measures\)/,
    );
    expect(box(/overall \+30%/)).toMatch(/^- \[ \]/);
  });
});
