import type { CommandKind } from '../../commands/command.js';
import type { JobView } from '../../jobs/dispatcher.js';
import type { Block, Message } from '../../jobs/notifier.js';
import type { UsageError } from '../grammar.js';
import { escapeMrkdwn as esc } from './table.js';

/**
 * Pure: the bot's own short answers to `/perf` (ephemeral: only the person who typed sees them).
 * Block Kit limits (reference/slack.md): section text ≤ 3000 characters, so long text is cut.
 */

const SECTION_MAX = 3000;
const section = (text: string): Block => ({
  type: 'section',
  text: { type: 'mrkdwn', text: text.length > SECTION_MAX ? `${text.slice(0, SECTION_MAX - 1)}…` : text },
});
const context = (text: string): Block => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });

/**
 * A usage error: what was wrong, the nearest valid command, then the usage. The user's own words and
 * the usage's `<service>` placeholders are escaped: Slack would read `<…>` as a link or a mention.
 */
export function renderUsage(error: UsageError): Message {
  const did = error.suggestion === undefined ? '' : ` Did you mean \`${esc(error.suggestion)}\`?`;
  const headline = `:warning: ${esc(error.message)}.${did}`;
  return {
    text: `${esc(error.message)}.${did}\nUsage:\n${esc(error.usage)}`,
    blocks: [section(headline), section(`Usage:\n\`\`\`${esc(error.usage)}\`\`\``)],
  };
}

export function renderHelp(text: string): Message {
  return {
    text: esc(text),
    blocks: [section(esc(text)), context('Results land in a thread; progress edits one message.')],
  };
}

export function renderNotAuthorized(message: string): Message {
  return { text: message, blocks: [section(`:no_entry_sign: ${message}`)] };
}

export function renderNotAvailable(kind: CommandKind): Message {
  const text = `\`/perf ${kind}\` is not available yet: it parses, but its feature is still being built. \`/perf help\` lists what runs today.`;
  return { text, blocks: [section(`:construction: ${text}`)] };
}

/** The acknowledgement of a job-backed command: the thread it starts carries the rest. */
export function renderAccepted(title: string): Message {
  const text = `Starting \`${title}\`: perfbot opens a thread in this channel and reports there.`;
  return { text, blocks: [section(`:hourglass_flowing_sand: ${text}`)] };
}

/** Something failed after the command was acknowledged: say what and what to do next. */
export function renderFailure(title: string, userMessage: string): Message {
  const text = `\`${esc(title)}\` could not start: ${esc(userMessage)}`;
  return { text, blocks: [section(`:x: ${text}`)] };
}

const STATE_ICON: Record<JobView['state'], string> = {
  waiting: ':hourglass_flowing_sand:',
  prioritized: ':hourglass_flowing_sand:',
  delayed: ':hourglass_flowing_sand:',
  'waiting-children': ':hourglass_flowing_sand:',
  active: ':arrows_counterclockwise:',
  completed: ':white_check_mark:',
  failed: ':x:',
  unknown: ':grey_question:',
};

const jobLine = (job: JobView) =>
  `${STATE_ICON[job.state]} \`${job.id}\` ${job.summary}: ${job.state}${job.progress ? ` · ${job.progress}` : ''} (<@${job.requestedBy}>)`;

/** `/perf status`: one job, or the recent ones (newest first). */
export function renderJobs(jobs: readonly JobView[], askedFor?: string): Message {
  if (jobs.length === 0) {
    const text = askedFor === undefined ? 'No recent jobs.' : `No job \`${askedFor}\` (it may have expired).`;
    return { text, blocks: [section(text)] };
  }
  const lines = jobs.map(jobLine);
  return { text: lines.join('\n'), blocks: [section(lines.join('\n'))] };
}

export function renderCancel(jobId: string, result: { cancelled: boolean; reason: string }): Message {
  const text = result.cancelled
    ? `Cancelled job \`${jobId}\`: ${result.reason}`
    : `Job \`${jobId}\` was not cancelled: ${result.reason}`;
  return {
    text,
    blocks: [section(`${result.cancelled ? ':no_entry_sign:' : ':information_source:'} ${text}`)],
  };
}
