import { describe, expect, it } from 'vitest';
import { validate } from '../../../src/analysis/validation.js';
import { ChangeRecordSchema } from '../../../src/changes/record.js';
import { code, line, mention } from '../../../src/present/document.js';
import type { SlackBlock } from '../../../src/present/slack/message.js';
import {
  buildValidation,
  buildValidationMessage,
  ValidationAction,
} from '../../../src/present/validation.js';
import { checkBlocks } from '../../../src/sim/slack/blocks.js';
import { resultFor } from '../../helpers/results.js';
import { slack, textOf } from './render.js';

const T = 'producer.records_per_sec';
const L = 'producer.latency_avg_ms';
const kafka = (id: string, t: number[], l: number[]) =>
  resultFor('kafka', { id, runs: t.length, fixed: { [T]: t, [L]: l } });
const applied = ChangeRecordSchema.parse({
  id: 'chg-0a1b2c3d',
  service: 'kafka',
  state: 'applied',
  version: 4,
  requestedBy: 'UREQ',
  createdAt: '2026-12-01T10:00:00.000Z',
  expiresAt: '2026-12-01T11:00:00.000Z',
  history: [],
  approvals: [{ by: 'UAPPR1', at: '2026-12-01T10:01:00.000Z' }],
  plan: { knobSet: 'jvm' },
});
const actionIds = (blocks: readonly SlackBlock[] | undefined) =>
  (blocks ?? []).flatMap((b) =>
    (b as { type: string }).type === 'actions'
      ? (b as { elements: { action_id: string }[] }).elements.map((e) => e.action_id)
      : [],
  );

describe('the validation document', () => {
  it('a regression after an applied change: the interval, the change from the ledger and Roll back', () => {
    const v = validate(
      kafka('b', [100e3, 101e3, 99e3, 100.5e3, 99.5e3], [9, 9, 9, 9, 9]),
      kafka('a', [80e3, 81e3, 79e3, 80.5e3, 79.5e3], [9, 9, 9, 9, 9]),
      {
        defaultThreshold: 0.03,
        alpha: 0.05,
        targets: [{ metric: T, change: 0.2 }],
      },
    );
    if (!v.ok) throw new Error(v.reason);
    const message = slack(
      buildValidation({
        service: 'kafka',
        surface: 'slack',
        validation: v,
        changes: [applied],
        moreRunsAllowed: true,
        record: { recordId: 'val-1', version: 1 },
      }),
    );
    expect(checkBlocks(message.blocks)).toEqual([]);
    const text = textOf(message);
    expect(text).toMatch(/Producer throughput.*-20\.\d% \[-2\d\.\d%, -1\d\.\d%\].*regressed/);
    expect(text).toContain('chg-0a1b2c3d kafka jvm applied');
    expect(text).toMatch(/producer\.records_per_sec missed/);
    expect(actionIds(message.blocks)).toContain(ValidationAction.rollback);
  });

  it('too few runs: inconclusive with the reason, Run more offered, no Roll back without a change', () => {
    const v = validate(kafka('b', [1, 2, 3], [1, 2, 3]), kafka('a', [2, 3, 4], [1, 2, 3]), {
      defaultThreshold: 0.03,
      alpha: 0.05,
      targets: [],
    });
    if (!v.ok) throw new Error(v.reason);
    const message = slack(
      buildValidation({
        service: 'kafka',
        surface: 'slack',
        validation: v,
        changes: [],
        moreRunsAllowed: true,
        record: { recordId: 'val-1', version: 1 },
      }),
    );
    expect(textOf(message)).toMatch(/needs ≥ 4 runs a side/);
    expect(actionIds(message.blocks)).toEqual([ValidationAction.more]);
  });

  it('once a button acted: what it did, no buttons, the before result named', () => {
    const v = validate(
      kafka('b', [100e3, 101e3, 99e3, 100.5e3, 99.5e3], [9, 9, 9, 9, 9]),
      kafka('a', [80e3, 81e3, 79e3, 80.5e3, 79.5e3], [9, 9, 9, 9, 9]),
      { defaultThreshold: 0.03, alpha: 0.05, targets: [] },
    );
    if (!v.ok) throw new Error(v.reason);
    const message = slack(
      buildValidationMessage({
        service: 'kafka',
        surface: 'slack',
        validation: v,
        changes: [applied],
        chosen: 'the last result before change chg-0a1b2c3d was applied',
        moreRunsAllowed: true,
        record: { recordId: 'val-1', version: 0 },
        acted: line('Roll back of ', code('chg-0a1b2c3d'), ' asked by ', mention('U0ALICE')),
      }),
    );
    expect(checkBlocks(message.blocks)).toEqual([]);
    expect(actionIds(message.blocks)).toEqual([]);
    const text = textOf(message);
    expect(text).toMatch(/^Before: the last result before change chg-0a1b2c3d was applied\./m);
    expect(text).toContain('Roll back of chg-0a1b2c3d asked by');
    expect(text).not.toContain('To undo it');
  });

  it('Roll back only while the last change is applied: a rolled-back one gets none', () => {
    const v = validate(
      kafka('b', [100e3, 101e3, 99e3, 100.5e3, 99.5e3], [9, 9, 9, 9, 9]),
      kafka('a', [80e3, 81e3, 79e3, 80.5e3, 79.5e3], [9, 9, 9, 9, 9]),
      { defaultThreshold: 0.03, alpha: 0.05, targets: [] },
    );
    if (!v.ok) throw new Error(v.reason);
    const message = slack(
      buildValidation({
        service: 'kafka',
        surface: 'slack',
        validation: v,
        changes: [{ ...applied, state: 'rolled_back' }],
        moreRunsAllowed: false,
        record: { recordId: 'val-1', version: 0 },
      }),
    );
    expect(actionIds(message.blocks)).toEqual([]);
  });
});
