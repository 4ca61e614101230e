import { describe, expect, it } from 'vitest';
import type { ChangePlan } from '../../../src/changes/plan.js';
import { type ChangeRecord, ChangeRecordSchema } from '../../../src/changes/record.js';
import {
  buildChangeCard,
  buildChangeOutcome,
  buildChangesLedger,
  ChangeAction,
} from '../../../src/present/change-card.js';
import type { SlackBlock } from '../../../src/present/slack/message.js';
import { checkBlocks } from '../../../src/sim/slack/blocks.js';
import { slack, textOf } from './render.js';

const ref = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  namespace: 'dolphinscheduler',
  name: 'dolphinscheduler-api',
};
const before = '-Xms1g -Xmx1g -Xmn512m';
const after = '-Xms1g -Xmx1g -XX:+UseG1GC -XX:G1MaxNewGenPercent=40';

const plan = (over: Partial<ChangePlan> = {}): ChangePlan => ({
  component: 'dolphinscheduler',
  knobSet: 'jvm',
  settings: { options: after },
  notes: [],
  targets: [{ ref, resourceVersion: '1017', paths: [['spec']], before: [before], after: [after] }],
  writes: [],
  restores: [],
  diff: [
    { object: 'Deployment dolphinscheduler/dolphinscheduler-api', field: 'env JAVA_OPTS', before, after },
  ],
  restart: { workloads: [ref], cost: 'rolling restart of 1 dolphinscheduler-api pod' },
  checks: [{ name: 'server-side dry run', outcome: 'pass', detail: 'accepted' }],
  risk: 'high',
  riskReason: 'memory settings',
  undoable: true,
  ...over,
});

const record = (over: Partial<ChangeRecord> = {}): ChangeRecord =>
  ChangeRecordSchema.parse({
    id: 'chg-0a1b2c3d',
    service: 'dolphinscheduler',
    state: 'proposed',
    version: 1,
    requestedBy: 'UREQ',
    createdAt: '2026-12-01T10:00:00.000Z',
    expiresAt: '2026-12-01T11:00:00.000Z',
    history: [],
    plan: null,
    ...over,
  });

const now = '2026-12-01T10:05:00.000Z';
type ButtonEl = { action_id: string; style?: string; confirm?: unknown; value: string };
const buttonsOf = (blocks: readonly SlackBlock[] | undefined): ButtonEl[] =>
  (blocks ?? []).flatMap((b) =>
    (b as { type: string }).type === 'actions' ? (b as { elements: ButtonEl[] }).elements : [],
  );

describe('the change card', () => {
  it('shows the object and its version, the exact diff, the restart, the tier and both buttons', () => {
    const message = slack(buildChangeCard(record(), plan(), { surface: 'slack', now }));
    expect(checkBlocks(message.blocks)).toEqual([]);
    const text = textOf(message);
    expect(text).toContain('Deployment dolphinscheduler/dolphinscheduler-api');
    expect(text).toContain('resourceVersion 1017');
    expect(text).toContain(`- ${before}`);
    expect(text).toContain(`+ ${after}`);
    expect(text).toContain('rolling restart of 1 dolphinscheduler-api pod');
    expect(text).toContain('two distinct approvers, neither the requester');
    const [approve, reject] = buttonsOf(message.blocks);
    expect(approve?.action_id).toBe(ChangeAction.approve);
    expect(approve?.style).toBe('danger');
    expect(approve?.confirm).toBeDefined();
    expect(JSON.parse(approve?.value ?? '{}')).toEqual({ recordId: 'chg-0a1b2c3d', version: 1 });
    expect(reject?.action_id).toBe(ChangeAction.reject);
  });

  it('a failed preflight: its reason and the suggestion, and no Approve', () => {
    const refused = plan({
      checks: [
        {
          name: 'JVM preflight',
          outcome: 'fail',
          detail: "-XX:G1MaxNewGenPercent=40: Unrecognized VM option 'G1MaxNewGenPercent=40'",
          suggestion: '-XX:G1MaxNewSizePercent=40',
        },
      ],
    });
    const message = slack(buildChangeCard(record(), refused, { surface: 'slack', now }));
    const text = textOf(message);
    expect(text).toContain("Unrecognized VM option 'G1MaxNewGenPercent=40'");
    expect(text).toContain('-XX:G1MaxNewSizePercent=40');
    expect(buttonsOf(message.blocks).map((b) => b.action_id)).toEqual([ChangeAction.reject]);
  });

  it('a dry run, an expired card and the terminal show no buttons', () => {
    const dry = slack(buildChangeCard(record(), plan(), { surface: 'slack', now, dryRun: true }));
    expect(buttonsOf(dry.blocks)).toEqual([]);
    expect(textOf(dry)).toMatch(/dry run/);
    const late = slack(
      buildChangeCard(record(), plan(), { surface: 'slack', now: '2026-12-01T12:00:00.000Z' }),
    );
    expect(buttonsOf(late.blocks)).toEqual([]);
    expect(textOf(late)).toMatch(/expired/);
    const cli = slack(buildChangeCard(record(), plan(), { surface: 'cli', now, actingAs: 'kind-admin' }));
    expect(buttonsOf(cli.blocks)).toEqual([]);
    expect(textOf(cli)).toContain('kind-admin');
  });

  it('one of two approvals shows who approved; an applied card says by whom and how it ended', () => {
    const once = record({ version: 2, approvals: [{ by: 'UAPPR1', at: now }] });
    expect(textOf(slack(buildChangeCard(once, plan(), { surface: 'slack', now })))).toContain(
      '1 of 2: @UAPPR1',
    );
    const applied = record({
      state: 'applied',
      version: 5,
      history: [{ actor: 'UAPPR2', at: now, from: 'applying', to: 'applied' }],
      outcome: { summary: 'applied and verified', lines: [] },
    });
    const message = slack(buildChangeCard(applied, plan(), { surface: 'slack', now }));
    expect(buttonsOf(message.blocks)).toEqual([]);
    expect(textOf(message)).toMatch(/applied by @UAPPR2 .*applied and verified/);
  });
});

describe('the outcome and the ledger', () => {
  it('a rollback by itself shows why and the evidence; an applied one suggests validate', () => {
    const rolled = buildChangeOutcome(
      record(),
      plan(),
      {
        state: 'rolled_back',
        reason: 'dolphinscheduler-api: CrashLoopBackOff',
        evidence: ["dolphinscheduler-api-x: Unrecognized VM option 'PrintGCDateStamps'"],
        restore: { ok: true, lines: ['env JAVA_OPTS reads the snapshot again'] },
      },
      'slack',
    );
    const text = textOf(slack(rolled));
    expect(text).toContain('CrashLoopBackOff');
    expect(text).toContain("Unrecognized VM option 'PrintGCDateStamps'");
    const applied = buildChangeOutcome(
      record({ service: 'postgres' }),
      plan({ component: 'postgres', knobSet: 'pool' }),
      { state: 'applied', resumed: false, verification: { ok: true, lines: ['SHOW max_connections: 200'] } },
      'cli',
    );
    expect(textOf(slack(applied))).toContain('perfbot validate postgres');
  });

  it('the ledger lists newest first with requester, approvers and outcome', () => {
    const older = record({ id: 'chg-00000001', createdAt: '2026-12-01T09:00:00.000Z', plan: plan() });
    const newer = record({
      id: 'chg-00000002',
      state: 'applied',
      createdAt: '2026-12-01T10:00:00.000Z',
      approvals: [{ by: 'UAPPR1', at: now }],
      outcome: { summary: 'applied and verified', lines: [] },
      plan: plan(),
    });
    const text = textOf(slack(buildChangesLedger([older, newer], 'slack')));
    expect(text.indexOf('chg-00000002')).toBeLessThan(text.indexOf('chg-00000001'));
    expect(text).toContain('approved by @UAPPR1');
    expect(text).toContain('dolphinscheduler jvm');
    expect(textOf(slack(buildChangesLedger([], 'cli', 'redis')))).toContain('perfbot tune redis');
  });
});
