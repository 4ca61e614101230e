import { approvalsNeeded } from '../changes/approval.js';
import type { EngineOutcome } from '../changes/knob.js';
import { type ChangePlan, describeRef, planAccepted } from '../changes/plan.js';
import type { ChangeRecord } from '../changes/record.js';
import type { ComponentName } from '../domain/components.js';
import { SERVICE_NAMES } from '../domain/services.js';
import {
  bold,
  code,
  cut,
  type Doc,
  type DocBlock,
  type IconName,
  icon,
  italic,
  type Line,
  line,
  mention,
} from './document.js';
import { interactionButton } from './interaction.js';
import { asCommand, type Surface } from './surface.js';

/**
 * The change's card (issue #15): what will change, exactly, what it costs, what the preflights and
 * the API server's dry run said, who may approve, and the buttons; then, edited in place, who
 * approved, how it went. Pure: the record and its plan in, a document out.
 */

/** The action ids of the card's buttons (`present/interaction.ts` routes them). */
export const ChangeAction = { approve: 'perf:approve', reject: 'perf:reject' } as const;

export interface ChangeCardView {
  surface: Surface;
  /** ISO time now, to tell an expired card from a live one. */
  now: string;
  /** `--dry-run`: the card without buttons, nothing stored. */
  dryRun?: boolean;
  /** The CLI's identity (its kubeconfig's user), said on the card. */
  actingAs?: string;
}

const STATE_ICON: Record<ChangeRecord['state'], IconName> = {
  proposed: 'hourglass_flowing_sand',
  approved: 'heavy_check_mark',
  applying: 'arrows_counterclockwise',
  applied: 'white_check_mark',
  rolled_back: 'arrows_counterclockwise',
  failed: 'x',
  rejected: 'no_entry_sign',
  expired: 'no_entry_sign',
};

const CHECK_ICON: Record<ChangePlan['checks'][number]['outcome'], IconName> = {
  pass: 'heavy_check_mark',
  warn: 'warning',
  fail: 'x',
};

/** A diff value as the card shows it; a long JVM line stays whole up to Slack's room. */
const MAX_VALUE = 600;

/** `2026-12-01 16:45 UTC`. */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const title = (record: ChangeRecord, plan: ChangePlan) =>
  `${plan.rollbackOf ? 'Rollback' : 'Change'} ${record.id}: ${record.service} ${plan.knobSet}`;

const tuneCommand = (plan: ChangePlan) =>
  `tune ${plan.component} ${plan.knobSet}${Object.keys(plan.settings).length > 0 ? ' …' : ''}`;

/** The exact before → after of every field the change writes, one block per object. */
function diffBlock(plan: ChangePlan): DocBlock {
  if (plan.diff.length === 0)
    return { kind: 'paragraph', lines: [line(italic('No field changes: the live values already match.'))] };
  const text = plan.diff
    .map((d) =>
      [
        `${d.object} · ${d.field}`,
        `- ${d.before === null ? '(not set)' : cut(d.before, MAX_VALUE)}`,
        `+ ${d.after === null ? '(removed)' : cut(d.after, MAX_VALUE)}`,
      ].join('\n'),
    )
    .join('\n\n');
  return { kind: 'code', title: line(bold('Diff'), ' (nothing else changes)'), text };
}

function checksBlock(plan: ChangePlan): DocBlock {
  const items = plan.checks.map((c) =>
    line(
      icon(CHECK_ICON[c.outcome]),
      ' ',
      bold(c.name),
      `: ${c.detail}`,
      ...(c.suggestion ? [' · did you mean ', code(c.suggestion), '?'] : []),
    ),
  );
  return {
    kind: 'list',
    title: line(bold('Preflight and dry run')),
    items: items.length > 0 ? items : [line(italic('no checks ran'))],
  };
}

function approvalLine(record: ChangeRecord, plan: ChangePlan): Line {
  const needed = approvalsNeeded(plan);
  const rule = needed === 2 ? 'two distinct approvers, neither the requester' : 'one approver';
  const so = record.approvals.flatMap((a, i) => [i === 0 ? '' : ', ', mention(a.by)]);
  return line(
    `${plan.risk} risk (${plan.riskReason}) · needs ${rule}`,
    ...(record.approvals.length > 0 ? [` · ${record.approvals.length} of ${needed}: `, ...so] : []),
  );
}

/** One line on where the change stands: waiting, approved by whom, how it ended. */
function stateLine(record: ChangeRecord, plan: ChangePlan, view: ChangeCardView): Line {
  const last = record.history.at(-1);
  const by = last ? [' by ', mention(last.actor), ` at ${formatTime(last.at)}`] : [];
  const expired = record.state === 'proposed' && view.now > record.expiresAt;
  const state = expired ? 'expired' : record.state;
  const head = [icon(STATE_ICON[state]), ' ', bold(state.replace('_', ' '))];
  if (view.dryRun)
    return line(icon('information_source'), ' ', bold('dry run'), ': nothing was stored or changed.');
  if (state === 'proposed') {
    if (!planAccepted(plan))
      return line(
        icon('x'),
        ' ',
        bold('refused by the preflight'),
        ': no Approve. Fix the values and propose again.',
      );
    return line(...head, `: waiting for approval until ${formatTime(record.expiresAt)}`);
  }
  if (state === 'expired')
    return line(...head, `: the approval window closed at ${formatTime(record.expiresAt)}; propose again.`);
  if (state === 'approved') return line(...head, ...by, ': applying next.');
  if (state === 'applying') return line(...head, ': writing, then watching the rollout.');
  return line(...head, ...by, ...(record.outcome ? [`: ${record.outcome.summary}`] : []));
}

function buttons(record: ChangeRecord, plan: ChangePlan, view: ChangeCardView): DocBlock[] {
  const live = record.state === 'proposed' && view.now <= record.expiresAt && !view.dryRun;
  if (!live || view.surface === 'cli') return [];
  const value = { recordId: record.id, version: record.version };
  const reject = interactionButton(ChangeAction.reject, 'Reject', value);
  if (!planAccepted(plan)) return [{ kind: 'actions', buttons: [reject] }];
  const restart = plan.restart?.cost;
  const approve = interactionButton(ChangeAction.approve, 'Approve', value, {
    style: restart ? 'danger' : 'primary',
    confirm: {
      title: `Apply ${record.service} ${plan.knobSet}?`,
      text: cut(
        `${plan.targets.map((t) => describeRef(t.ref)).join(', ')} will change as the diff shows.${restart ? ` ${restart}.` : ''}`,
        300,
      ),
      confirm: 'Approve',
      deny: 'Cancel',
    },
  });
  return [{ kind: 'actions', buttons: [approve, reject] }];
}

/**
 * The card of one change, in whatever state it is: Slack replaces the message with it at each step;
 * the terminal prints it before its y/N question.
 *
 * @example buildChangeCard(record, planOf(record), { surface: 'slack', now: new Date().toISOString() })
 */
export function buildChangeCard(record: ChangeRecord, plan: ChangePlan, view: ChangeCardView): Doc {
  const objects = plan.targets.map((t) =>
    line(code(describeRef(t.ref)), ` at resourceVersion ${t.resourceVersion}`),
  );
  const fields: { label: string; value: Line }[] = [
    {
      label: 'Objects',
      value: objects.flatMap((o, i) => (i === 0 ? o : [{ kind: 'text', text: '\n' } as const, ...o])),
    },
    { label: 'Risk', value: approvalLine(record, plan) },
    {
      label: 'Requested by',
      value: view.actingAs
        ? line(code(view.actingAs), ' (the kubeconfig\u2019s identity)')
        : line(mention(record.requestedBy), ` at ${formatTime(record.createdAt)}`),
    },
    { label: 'Restart', value: line(plan.restart ? plan.restart.cost : 'none: applied live') },
  ];
  const notes: Line[] = plan.notes.map((n) => line(icon('bulb'), ' ', n));
  if (view.actingAs)
    notes.push(
      line(
        'In the terminal your confirmation approves it, as ',
        code(view.actingAs),
        '; the rules that need other people (two approvers, no self-approval) are Slack\u2019s.',
      ),
    );
  if (!plan.undoable) notes.push(line(icon('warning'), ' This change cannot be rolled back.'));
  const blocks: DocBlock[] = [
    { kind: 'heading', text: title(record, plan) },
    { kind: 'paragraph', lines: [stateLine(record, plan, view)] },
    { kind: 'fields', fields },
    diffBlock(plan),
    checksBlock(plan),
    ...(notes.length > 0 ? [{ kind: 'list', items: notes } as const] : []),
    ...buttons(record, plan, view),
  ];
  const summary = `${title(record, plan)}: ${view.dryRun ? 'dry run' : record.state.replace('_', ' ')}`;
  return { summary: line(summary), blocks };
}

/** A rollout progress line in the thread: "trino-worker: 1 of 2 pods updated". */
export function buildChangeProgress(record: ChangeRecord, plan: ChangePlan, progress: string): Doc {
  const text = `${record.id} ${record.service} ${plan.knobSet}: ${progress}`;
  return {
    summary: line(text),
    blocks: [
      {
        kind: 'paragraph',
        lines: [line(icon('arrows_counterclockwise'), ' ', bold(`${record.id}`), ` ${progress}`)],
      },
    ],
  };
}

const isService = (c: ComponentName): boolean => (SERVICE_NAMES as readonly string[]).includes(c);

/**
 * How the change ended, posted in the thread: verified (and what to run next), restored by itself
 * (why, and the failing pods' events and log lines), or not applied.
 */
export function buildChangeOutcome(
  record: ChangeRecord,
  plan: ChangePlan,
  outcome: EngineOutcome,
  surface: Surface,
): Doc {
  const what = `${record.service} ${plan.knobSet} (${record.id})`;
  const validate = asCommand(surface, `validate ${isService(record.service) ? record.service : 'all'}`);
  switch (outcome.state) {
    case 'applied':
      return {
        summary: line(`${what}: applied and verified`),
        blocks: [
          {
            kind: 'paragraph',
            lines: [
              line(
                icon('white_check_mark'),
                ' ',
                bold(`Applied and verified: ${what}`),
                outcome.resumed ? ' (resumed after a retry)' : '',
              ),
            ],
          },
          {
            kind: 'list',
            title: line(bold('Verified')),
            items: outcome.verification.lines.map((l) => line(l)),
          },
          {
            kind: 'note',
            parts: [
              line(
                icon('bulb'),
                ' Next: ',
                code(validate),
                ' measures again and says whether it paid off; ',
                code(asCommand(surface, `rollback ${record.id}`)),
                ' undoes it.',
              ),
            ],
          },
        ],
      };
    case 'rolled_back':
      return {
        summary: line(`${what}: failed and restored: ${outcome.reason}`),
        blocks: [
          {
            kind: 'paragraph',
            lines: [
              line(icon('rotating_light'), ' ', bold(`Restored by itself: ${what}`)),
              line(outcome.reason),
            ],
          },
          ...evidence(outcome.evidence),
          {
            kind: 'list',
            title: line(bold('Restore verified')),
            items: outcome.restore.lines.map((l) => line(l)),
          },
        ],
      };
    case 'failed':
      return {
        summary: line(`${what}: failed: ${outcome.reason}`),
        blocks: [
          { kind: 'paragraph', lines: [line(icon('x'), ' ', bold(`Failed: ${what}`)), line(outcome.reason)] },
          ...evidence(outcome.evidence),
        ],
      };
    case 'moved':
      return {
        summary: line(`${what}: not applied, the objects changed since the card`),
        blocks: [
          {
            kind: 'paragraph',
            lines: [
              line(icon('no_entry_sign'), ' ', bold(`Not applied: ${what}`)),
              line(
                'The objects changed since the card (',
                outcome.fields.join(', '),
                '): nothing was written. Propose again: ',
                code(asCommand(surface, tuneCommand(plan))),
                '.',
              ),
            ],
          },
        ],
      };
  }
}

function evidence(lines: readonly string[]): DocBlock[] {
  return lines.length === 0
    ? []
    : [{ kind: 'code', title: line(bold('Evidence')), text: lines.join('\n'), keep: 'tail' }];
}

/**
 * The ledger (`/perf changes [component]`): every change, newest first, with who asked, who approved,
 * what, when and how it ended.
 */
export function buildChangesLedger(
  records: readonly ChangeRecord[],
  surface: Surface,
  component?: ComponentName,
): Doc {
  const scope = component ? ` of ${component}` : '';
  const shown = [...records].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, 50);
  if (shown.length === 0)
    return {
      summary: line(`No changes${scope} yet`),
      blocks: [
        {
          kind: 'paragraph',
          lines: [
            line(
              `No changes${scope} yet. Propose one with `,
              code(asCommand(surface, `tune ${component ?? '<component>'} <knob-set>`)),
              '.',
            ),
          ],
        },
      ],
    };
  const items = shown.map((r) => {
    const knob = (r.plan as { knobSet?: unknown } | null)?.knobSet;
    const approvers = r.approvals.flatMap((a, i) => [i === 0 ? '' : ', ', mention(a.by)]);
    return line(
      icon(STATE_ICON[r.state]),
      ' ',
      code(r.id),
      ' ',
      bold(`${r.service}${typeof knob === 'string' ? ` ${knob}` : ''}`),
      ` ${r.state.replace('_', ' ')} · asked by `,
      mention(r.requestedBy),
      ` ${formatTime(r.createdAt)}`,
      ...(approvers.length > 0 ? [' · approved by ', ...approvers] : []),
      ...(r.outcome ? [` · ${r.outcome.summary}`] : []),
    );
  });
  const more =
    records.length > shown.length ? [line(`${records.length - shown.length} older not shown`)] : [];
  return {
    summary: line(`${records.length} change${records.length === 1 ? '' : 's'}${scope}`),
    blocks: [
      { kind: 'heading', text: `Changes${scope}` },
      { kind: 'list', items: [...items, ...more] },
    ],
  };
}
