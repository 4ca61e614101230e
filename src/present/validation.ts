import { formatValue } from '../analysis/format.js';
import { median, type ShiftJudgement } from '../analysis/shift.js';
import type { Validation } from '../analysis/validation.js';
import type { ChangeRecord } from '../changes/record.js';
import type { ServiceName } from '../domain/services.js';
import {
  bold,
  code,
  type Doc,
  type DocBlock,
  type IconName,
  icon,
  type Line,
  line,
  mention,
} from './document.js';
import { interactionButton } from './interaction.js';
import { asCommand, type Surface } from './surface.js';

/**
 * `/perf validate <service>`'s answer (issue #16), pure: per metric before and after with their
 * spread, the change and its interval, and a verdict; the targets judged on the interval; the
 * changes applied between the two results; what differs between the environments; and, after a
 * change, Roll back when a metric regressed and Run more while inconclusive.
 */

/** The action ids of validation's buttons. */
export const ValidationAction = { rollback: 'perf:validate-rollback', more: 'perf:validate-more' } as const;

export interface ValidationView {
  service: ServiceName;
  surface: Surface;
  validation: Extract<Validation, { ok: true }>;
  /** Changes of the service applied between the two results, from the ledger, oldest first. */
  changes: readonly ChangeRecord[];
  /** Runs a side still allowed by the cap: Run more is offered only while some are. */
  moreRunsAllowed: boolean;
  /** The record the buttons act on (the validation's own), when it offers any. */
  record?: { recordId: string; version: number };
  /** Said under the validation once a button acted on it (its buttons are gone then). */
  acted?: Line;
}

/**
 * The message validation posts: how the before result was chosen, then the validation; a click on
 * one of its buttons rebuilds it from the stored results with what the click did (`acted`).
 *
 * @example buildValidationMessage({ ...view, chosen: 'the last result before change chg-1a2b3c4d was applied' })
 */
export function buildValidationMessage(view: ValidationView & { chosen: string }): Doc {
  const doc = buildValidation(view);
  return {
    ...doc,
    blocks: [{ kind: 'paragraph', lines: [line(`Before: ${view.chosen}.`)] }, ...doc.blocks],
  };
}

const VERDICT: Record<ShiftJudgement['verdict'], [IconName, string]> = {
  improved: ['chart_with_upwards_trend', 'improved'],
  regressed: ['chart_with_downwards_trend', 'regressed'],
  no_change: ['heavy_check_mark', 'no meaningful change'],
  inconclusive: ['grey_question', 'inconclusive'],
};

const pct = (v: number) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}%`;

/** `1,234 ms ±56` : the median and the spread (half the range) of the runs. */
function sideOf(values: readonly number[], unit: string): string {
  if (values.length === 0) return 'no data';
  const spread = (Math.max(...values) - Math.min(...values)) / 2;
  return `${formatValue(median(values), unit)} ±${formatValue(spread, '')} (n=${values.length})`;
}

function changeOf(j: ShiftJudgement): string {
  const t = j.test;
  if (!t) return '—';
  return `${pct(t.change)} [${pct(t.low)}, ${pct(t.high)}]`;
}

/**
 * The validation of one service as a document.
 *
 * @example buildValidation({ service: 'kafka', surface: 'slack', validation, changes, moreRunsAllowed: true })
 */
export function buildValidation(view: ValidationView): Doc {
  const { validation: v, service, surface } = view;
  const level = v.metrics.find((m) => m.judgement.test)?.judgement.test?.level;
  const rows = v.metrics.map((m) => {
    const [, word] = VERDICT[m.judgement.verdict];
    return [
      m.label,
      sideOf(m.before, m.unit),
      sideOf(m.after, m.unit),
      changeOf(m.judgement),
      m.judgement.reason ? `${word}: ${m.judgement.reason}` : word,
    ];
  });
  const regressed = v.metrics.filter((m) => m.judgement.verdict === 'regressed');
  const inconclusive = v.metrics.filter((m) => m.judgement.verdict === 'inconclusive');
  const targetLines: Line[] = v.targets.map((t) => {
    const [mark, word]: [IconName, string] =
      t.met === true
        ? ['white_check_mark', 'met']
        : t.met === false
          ? ['x', 'missed']
          : ['grey_question', 'not decided'];
    return line(icon(mark), ' ', bold(t.metric), ` ${word}: ${t.reason}`);
  });
  const changeLines: Line[] = view.changes.map((c) => {
    const knob = (c.plan as { knobSet?: unknown } | null)?.knobSet;
    const approvers = c.approvals.flatMap((a, i) => [i === 0 ? '' : ', ', mention(a.by)]);
    return line(
      code(c.id),
      ` ${c.service}${typeof knob === 'string' ? ` ${knob}` : ''} ${c.state.replace('_', ' ')} · asked by `,
      mention(c.requestedBy),
      ...(approvers.length > 0 ? [' · approved by ', ...approvers] : []),
    );
  });
  const headline =
    regressed.length > 0
      ? line(
          icon('rotating_light'),
          ' ',
          bold(`${regressed.length} metric(s) regressed`),
          ': ',
          regressed.map((m) => m.label).join(', '),
        )
      : inconclusive.length === v.metrics.length
        ? line(icon('grey_question'), ' ', bold('Inconclusive'), ': no metric could be decided yet.')
        : line(
            icon('white_check_mark'),
            ' ',
            bold('No regression'),
            ` · ${v.metrics.filter((m) => m.judgement.verdict === 'improved').length} improved`,
          );
  const blocks: DocBlock[] = [
    { kind: 'heading', text: `Validation: ${service}` },
    {
      kind: 'paragraph',
      lines: [headline, line('compared ', code(v.beforeId), ' (before) with ', code(v.afterId), ' (after)')],
    },
    {
      kind: 'table',
      title: line(
        bold('Before → after'),
        level ? `, change with its ${Math.round(level * 100)}% interval` : '',
      ),
      columns: [
        { header: 'metric' },
        { header: 'before', align: 'right' },
        { header: 'after', align: 'right' },
        { header: 'change [interval]', align: 'right' },
        { header: 'verdict' },
      ],
      rows,
    },
    ...(targetLines.length > 0
      ? [
          {
            kind: 'list',
            title: line(bold('Targets'), ', judged on the interval'),
            items: targetLines,
          } as const,
        ]
      : []),
    ...(changeLines.length > 0
      ? [{ kind: 'list', title: line(bold('Changes applied between the two')), items: changeLines } as const]
      : []),
    ...(v.differences.length > 0
      ? [
          {
            kind: 'list',
            title: line(icon('warning'), ' ', bold('The environments differ')),
            items: v.differences.map((d) => line(d)),
          } as const,
        ]
      : []),
    {
      kind: 'note',
      parts: [
        line(
          'Exact Mann–Whitney test and Hodges–Lehmann interval on the runs; improved or regressed only when the whole interval clears the threshold. ',
        ),
      ],
    },
  ];
  const buttons = [];
  const lastChange = view.changes.at(-1);
  if (view.record && surface === 'slack' && !view.acted) {
    if (regressed.length > 0 && lastChange?.state === 'applied')
      buttons.push(
        interactionButton(ValidationAction.rollback, `Roll back ${lastChange.id}`, view.record, {
          style: 'danger',
        }),
      );
    if (inconclusive.length > 0 && view.moreRunsAllowed)
      buttons.push(interactionButton(ValidationAction.more, 'Run more', view.record));
  }
  if (view.acted) blocks.push({ kind: 'paragraph', lines: [view.acted] });
  else if (buttons.length > 0) blocks.push({ kind: 'actions', buttons });
  else if (regressed.length > 0 && lastChange?.state === 'applied')
    blocks.push({
      kind: 'paragraph',
      lines: [line('To undo it: ', code(asCommand(surface, `rollback ${lastChange.id}`)))],
    });
  return {
    summary: line(`validation ${service}: ${rows.length} metrics, ${regressed.length} regressed`),
    blocks,
  };
}
