import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/bot/grammar.js';
import type { ChangeRecord } from '../../../src/changes/record.js';
import { CHANGE_STATES } from '../../../src/changes/state.js';
import { splitCliFlags } from '../../../src/cli/main.js';
import { outcomeOf } from '../../../src/jobs/changes/apply.js';
import { statusChanges } from '../../../src/jobs/changes/ledger.js';
import { applyJobId, changeIdOf } from '../../../src/jobs/dispatcher.js';

const record = (id: string, state: ChangeRecord['state']): ChangeRecord => ({
  id,
  service: 'superset',
  state,
  version: 1,
  requestedBy: 'U0ALICE',
  createdAt: '2026-12-01T10:00:00.000Z',
  expiresAt: '2026-12-01T11:00:00.000Z',
  history: [],
  plan: {},
  approvals: [],
});

describe('change ids', () => {
  it('derives the change of a proposing job from its id, and the one apply job from the change', () => {
    expect(changeIdOf('tune-1a2b3c4d')).toBe('chg-1a2b3c4d');
    expect(changeIdOf('rollback-0badc0de')).toBe('chg-0badc0de');
    expect(changeIdOf('cli-buildbox-4242-deadbeef')).toBe('chg-deadbeef');
    expect(applyJobId('chg-1a2b3c4d')).toBe('apply-1a2b3c4d');
    expect(() => applyJobId('chg-nothex!')).toThrow();
  });
});

describe('statusChanges', () => {
  it('lists every change in flight and the five most recent that ended', () => {
    const ended = Array.from({ length: 8 }, (_, i) => record(`chg-0000000${i}`, 'applied'));
    const flying = CHANGE_STATES.filter((s) => ['proposed', 'approved', 'applying'].includes(s)).map((s, i) =>
      record(`chg-1000000${i}`, s),
    );
    const listed = statusChanges([...ended.slice(0, 4), ...flying, ...ended.slice(4)]);
    expect(listed.map((r) => r.id)).toEqual([...ended.slice(3).map((r) => r.id), ...flying.map((r) => r.id)]);
  });
});

describe('outcomeOf', () => {
  it("puts each engine outcome in the ledger's words", () => {
    expect(
      outcomeOf({ state: 'applied', resumed: true, verification: { ok: true, lines: ['env ok'] } }),
    ).toEqual({
      summary: 'applied and verified (resumed after a retry)',
      lines: ['env ok'],
    });
    expect(
      outcomeOf({
        state: 'rolled_back',
        reason: 'ProgressDeadlineExceeded',
        evidence: ['e1'],
        restore: { ok: true, lines: ['r1'] },
      }),
    ).toEqual({ summary: 'rolled back: ProgressDeadlineExceeded', lines: ['e1', 'r1'] });
    expect(outcomeOf({ state: 'moved', fields: ['Deployment a/b env X'] }).summary).toMatch(
      /changed since the card: propose again/,
    );
  });
});

describe('the CLI keeps a quoted value whole', () => {
  it('quotes again a word the shell kept whole, so that the grammar reads one setting', () => {
    const args = splitCliFlags(['tune', 'dolphinscheduler', 'jvm', 'options=-Xmx2g -XX:+UseG1GC', '--yes']);
    expect(args.yes).toBe(true);
    const parsed = parseCommand(args.text);
    expect(parsed.ok && parsed.value).toEqual({
      kind: 'tune',
      component: 'dolphinscheduler',
      knob: 'jvm',
      settings: { options: '-Xmx2g -XX:+UseG1GC' },
    });
  });
});
