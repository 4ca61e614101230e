import type { Progress } from '../../jobs/contracts.js';
import type { Message } from '../../jobs/notifier.js';
import { cut, escapeMrkdwn } from './table.js';

/** The one status message of a thread, edited as the job moves: queued → running → done | failed | cancelled. */
export interface StatusView {
  /** e.g. `baseline kafka` */
  title: string;
  state: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  requestedBy: string;
  jobId?: string;
  progress?: Progress;
  /** A short line under the status, e.g. the error's one-line reason or "results below". */
  detail?: string;
}

const ICON: Record<StatusView['state'], string> = {
  queued: ':hourglass_flowing_sand:',
  running: ':arrows_counterclockwise:',
  done: ':white_check_mark:',
  failed: ':x:',
  cancelled: ':no_entry_sign:',
};

/** A status line stays short: the full error is in the thread. */
const DETAIL_MAX = 500;

/** Pure: the status message for a thread's root. */
export function renderStatus(input: StatusView): Message {
  // The detail may quote a tool's output: escaped so that `<…>` in it is neither a link nor a mention.
  const view =
    input.detail === undefined ? input : { ...input, detail: cut(escapeMrkdwn(input.detail), DETAIL_MAX) };
  const pct = view.progress ? ` ${Math.round(view.progress.pct)}%` : '';
  const step = view.progress ? ` · ${view.progress.message}` : '';
  const headline = `${ICON[view.state]} *${view.title}*: ${view.state}${view.state === 'running' ? pct : ''}${step}`;
  const context = [`requested by <@${view.requestedBy}>`, view.jobId ? `job \`${view.jobId}\`` : undefined]
    .filter((part): part is string => part !== undefined)
    .join(' · ');
  const lines = [headline, view.detail].filter((line): line is string => Boolean(line));
  return {
    text: `${view.title}: ${view.state}${pct}${step}${view.detail ? ` (${view.detail})` : ''}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n').slice(0, 3000) } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: context }] },
    ],
  };
}
