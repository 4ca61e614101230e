// PLACEHOLDER until main's change-card lands (helper C codes against its announced signatures):
// replaced by `git merge main`. Minimal documents, so that the flow compiles and runs.
import type { EngineOutcome } from '../changes/knob.js';
import { type ChangePlan, planAccepted } from '../changes/plan.js';
import type { ChangeRecord } from '../changes/record.js';
import type { ComponentName } from '../domain/components.js';
import { type Doc, line } from './document.js';
import { interactionButton } from './interaction.js';
import type { Surface } from './surface.js';

export const ChangeAction = { approve: 'perf:approve', reject: 'perf:reject' } as const;

export function buildChangeCard(
  record: ChangeRecord,
  plan: ChangePlan,
  view: { surface: Surface; now: string; dryRun?: boolean; actingAs?: string },
): Doc {
  const open =
    record.state === 'proposed' && planAccepted(plan) && !view.dryRun && view.now <= record.expiresAt;
  const value = { recordId: record.id, version: record.version };
  return {
    summary: line(`change ${record.id}: ${plan.component} ${plan.knobSet} (${record.state})`),
    blocks: [
      { kind: 'heading', text: `Change ${record.id}: ${plan.component} ${plan.knobSet}` },
      { kind: 'list', items: plan.diff.map((d) => line(`${d.object} ${d.field}: ${d.before} → ${d.after}`)) },
      { kind: 'list', items: plan.checks.map((c) => line(`${c.outcome} ${c.name}: ${c.detail}`)) },
      { kind: 'paragraph', lines: [line(`state ${record.state}; approvals ${record.approvals.length}`)] },
      ...(open
        ? [
            {
              kind: 'actions' as const,
              buttons: [
                interactionButton(ChangeAction.approve, 'Approve', value),
                interactionButton(ChangeAction.reject, 'Reject', value),
              ],
            },
          ]
        : []),
    ],
  };
}

export function buildChangeProgress(record: ChangeRecord, _plan: ChangePlan, text: string): Doc {
  return { summary: line(`${record.id}: ${text}`), blocks: [{ kind: 'paragraph', lines: [line(text)] }] };
}

export function buildChangeOutcome(
  record: ChangeRecord,
  plan: ChangePlan,
  outcome: EngineOutcome,
  _surface: Surface,
): Doc {
  return {
    summary: line(`${record.id}: ${outcome.state}`),
    blocks: [{ kind: 'paragraph', lines: [line(`${plan.component} ${plan.knobSet}: ${outcome.state}`)] }],
  };
}

export function buildChangesLedger(
  records: readonly ChangeRecord[],
  _surface: Surface,
  component?: ComponentName,
): Doc {
  return {
    summary: line(`changes${component ? ` of ${component}` : ''}: ${records.length}`),
    blocks: [{ kind: 'list', items: records.map((r) => line(`${r.id} ${r.service} ${r.state}`)) }],
  };
}
