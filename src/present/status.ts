import type { Progress } from '../jobs/contracts.js';
import { bold, code, cut, type Doc, type IconName, icon, line, mention } from './document.js';
import type { Surface } from './surface.js';

/** The one status message of a thread, edited as the job moves: queued → running → done | failed | cancelled. */
export interface StatusView {
  /** e.g. `baseline kafka` */
  title: string;
  state: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  requestedBy: string;
  jobId?: string;
  progress?: Progress;
  /** A short line under the status, e.g. the error's one-line reason or "results below". */
  detail?: string | undefined;
  /** Who reads it: the terminal's user asked for it themselves, so the CLI shows no "requested by". */
  surface?: Surface;
}

/**
 * A detail that points at the Slack thread ("results in this thread"): the terminal prints the
 * results in place, so there it says nothing.
 */
export const threadDetail = (surface: Surface, text: string): string | undefined =>
  surface === 'slack' ? text : undefined;

const ICON: Record<StatusView['state'], IconName> = {
  queued: 'hourglass_flowing_sand',
  running: 'arrows_counterclockwise',
  done: 'white_check_mark',
  failed: 'x',
  cancelled: 'no_entry_sign',
};

/** A status line stays short: the full error is in the thread. */
const DETAIL_MAX = 500;

/** Pure: the status message for a thread's root. */
export function buildStatus(input: StatusView): Doc {
  const detail = input.detail === undefined ? undefined : cut(input.detail, DETAIL_MAX);
  const pct = input.progress ? ` ${Math.round(input.progress.pct)}%` : '';
  const step = input.progress ? ` · ${input.progress.message}` : '';
  const headline = line(
    icon(ICON[input.state]),
    ' ',
    bold(input.title),
    `: ${input.state}${input.state === 'running' ? pct : ''}${step}`,
  );
  const job = input.jobId ? [code(input.jobId)] : [];
  const by =
    input.surface === 'cli'
      ? line(...(input.jobId ? ['job ', ...job] : []))
      : line('requested by ', mention(input.requestedBy), ...(input.jobId ? [' · job ', ...job] : []));
  return {
    summary: line(`${input.title}: ${input.state}${pct}${step}${detail ? ` (${detail})` : ''}`),
    blocks: [
      { kind: 'paragraph', lines: detail ? [headline, line(detail)] : [headline] },
      { kind: 'note', parts: [by] },
    ],
  };
}
