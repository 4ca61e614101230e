import type { Finding, Severity } from '../bottlenecks/rules.js';
import { bold, code, type Doc, type DocBlock, type IconName, icon, type Line, line } from './document.js';
import { interactionButton } from './interaction.js';
import { asCommand, type Surface } from './surface.js';

/**
 * `/perf bottlenecks`'s answer (issue #17), pure: the findings ranked, each with its severity, its
 * statement, the evidence and, where a knob addresses it, a Propose fix button (Slack) or the
 * command that proposes it (terminal). A healthy platform says what was checked.
 */

/**
 * The action id of Propose fix. Its value is only a reference: the stored answer's id and the
 * finding's index in it (`proposeFixValue`); the click reads the finding (and its fix) back from the
 * store, never from the button.
 */
export const BottleneckAction = { proposeFix: 'perf:propose-fix' } as const;

/** Stored answers never change: every button names their one version. */
export const ANSWER_VERSION = 1;

/** `{"recordId":"bottlenecks-1a2b3c4d","version":1,"item":2}`: the answer, and which finding. */
export const proposeFixValue = (answerId: string, index: number) => ({
  recordId: answerId,
  version: ANSWER_VERSION,
  item: index,
});

const SEVERITY: Record<Severity, IconName> = {
  critical: 'rotating_light',
  warning: 'warning',
  info: 'information_source',
};

/** `tune postgres pool max_connections=150`: the fix as a command. */
export function fixCommand(f: NonNullable<Finding['fix']>): string {
  const pairs = Object.entries(f.settings).map(([k, v]) => `${k}=${v}`);
  return ['tune', f.component, f.knobSet, ...pairs].join(' ');
}

export interface BottlenecksView {
  findings: readonly Finding[];
  /** The sources read ("nodes", "pods", "postgres", …), for "what was checked". */
  checked: readonly string[];
  surface: Surface;
  /** The stored answer the buttons point at, when it was stored (Slack); the terminal prints commands. */
  answerId?: string;
  /** Milliseconds the check took. */
  tookMs: number;
  /** A line under the heading (who opened which fix, after a click). */
  note?: Line;
}

const MAX_SHOWN = 20;

export function buildBottlenecks(view: BottlenecksView): Doc {
  const { findings, surface } = view;
  const took = `${(view.tookMs / 1000).toFixed(1)} s`;
  if (findings.length === 0)
    return {
      summary: line('bottlenecks: no findings'),
      blocks: [
        { kind: 'heading', text: 'Bottlenecks' },
        {
          kind: 'paragraph',
          lines: [
            line(icon('white_check_mark'), ' ', bold('No findings'), ` in ${took}.`),
            line('Checked: ', view.checked.join(', '), '.'),
          ],
        },
      ],
    };
  const blocks: DocBlock[] = [
    { kind: 'heading', text: 'Bottlenecks' },
    {
      kind: 'paragraph',
      lines: [
        line(
          `${findings.length} finding(s) in ${took}: `,
          (['critical', 'warning', 'info'] as const)
            .map((s) => `${findings.filter((f) => f.severity === s).length} ${s}`)
            .join(', '),
        ),
      ],
    },
  ];
  if (view.note) blocks.push({ kind: 'note', parts: [view.note] });
  findings.slice(0, MAX_SHOWN).forEach((f, index) => {
    const lines: Line[] = [
      line(icon(SEVERITY[f.severity]), ' ', bold(`${index + 1}. ${f.subject}`), `: ${f.statement}`),
      ...f.evidence.map((e) => line('   ', e)),
    ];
    if (f.fix && (surface === 'cli' || view.answerId === undefined))
      lines.push(line('   fix: ', code(asCommand(surface, fixCommand(f.fix)))));
    blocks.push({ kind: 'paragraph', lines });
    if (f.fix && surface === 'slack' && view.answerId !== undefined)
      blocks.push({
        kind: 'actions',
        buttons: [
          interactionButton(
            // Numbered: Slack wants the action ids of one message unique (routed to the base id's handler).
            `${BottleneckAction.proposeFix}:${index}`,
            `Propose fix: ${fixCommand(f.fix)}`.slice(0, 75),
            proposeFixValue(view.answerId, index),
          ),
        ],
      });
  });
  if (findings.length > MAX_SHOWN)
    blocks.push({
      kind: 'note',
      parts: [line(`${findings.length - MAX_SHOWN} more not shown (lower ranked).`)],
    });
  blocks.push({ kind: 'note', parts: [line('Checked: ', view.checked.join(', '), '.')] });
  return { summary: line(`bottlenecks: ${findings.length} finding(s)`), blocks };
}
