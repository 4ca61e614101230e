import type { CommandKind } from '../commands/command.js';
import type { JobView } from '../jobs/dispatcher.js';
import { code, type Doc, type IconName, icon, joinLines, type Line, line, mention } from './document.js';
import { asCommand, type Surface } from './surface.js';

/** Pure: the bot's own short answers to `/perf` (ephemeral: only the person who typed sees them). */

/** A usage error as the grammar reports it (`bot/grammar.ts`): commands without their prefix. */
export interface UsageReply {
  message: string;
  suggestion?: string;
  /** One command's usage per line, e.g. `history <service> [--limit N]`. */
  usage: string;
}

const paragraph = (...lines: Line[]): Doc['blocks'][number] => ({ kind: 'paragraph', lines });

/**
 * A usage error: what was wrong, the nearest valid command, then the usage. The renderers escape the
 * user's words and the usage's `<service>` placeholders (Slack would read `<…>` as a link or a mention).
 */
export function buildUsage(error: UsageReply, surface: Surface = 'slack'): Doc {
  const suggested = error.suggestion === undefined ? undefined : asCommand(surface, error.suggestion);
  const did = suggested === undefined ? '' : ` Did you mean \`${suggested}\`?`;
  const usage = error.usage
    .split('\n')
    .map((l) => (/^[a-z]/.test(l) ? asCommand(surface, l) : l))
    .join('\n');
  return {
    summary: line(`${error.message}.${did}\nUsage:\n${usage}`),
    blocks: [
      paragraph(line(icon('warning'), ` ${error.message}.${did}`)),
      { kind: 'code', title: line('Usage:'), text: usage },
    ],
  };
}

/** `help`, as `bot/grammar.ts`'s `helpText` writes it for the reader's surface. */
export function buildHelp(help: string, surface: Surface = 'slack'): Doc {
  const where =
    surface === 'slack'
      ? 'Results land in a thread; progress edits one message.'
      : 'Results print here; charts are written as PNG files (--charts DIR).';
  return { summary: line(help), blocks: [paragraph(line(help)), { kind: 'note', parts: [line(where)] }] };
}

/** A refusal: who may do it instead, as mentions the reader can click. */
export function buildNotAuthorized(message: Line): Doc {
  return iconReply('no_entry_sign', message);
}

/** The access policy's refusal (`bot/authorize.ts` decides; the same words, with clickable mentions). */
export function buildRefusal(kind: CommandKind, allowed: readonly string[]): Doc {
  const where = line(code(`access.commands.${kind}`), ' in perfbot.yaml');
  if (allowed.length === 0)
    return buildNotAuthorized(
      line(
        'Nobody may run ',
        code(`/perf ${kind}`),
        ' yet: a platform admin can add Slack user or group ids to ',
        where,
        '.',
      ),
    );
  const who = joinLines(
    allowed.map((p) => line(mention(p))),
    ', ',
  );
  return buildNotAuthorized(
    line(
      'You may not run ',
      code(`/perf ${kind}`),
      '. Allowed: ',
      who,
      ' (set by ',
      where,
      '). Ask one of them to run it, or an admin to add you.',
    ),
  );
}

export function buildNotAvailable(kind: CommandKind, surface: Surface = 'slack'): Doc {
  return iconReply(
    'construction',
    line(
      code(asCommand(surface, kind)),
      ' is not available yet: it parses, but its feature is still being built. ',
      code(asCommand(surface, 'help')),
      ' lists what runs today.',
    ),
  );
}

/** The acknowledgement of a job-backed command: the thread it starts carries the rest. */
export function buildAccepted(title: string): Doc {
  return iconReply(
    'hourglass_flowing_sand',
    line('Starting ', code(title), ': perfbot opens a thread in this channel and reports there.'),
  );
}

/** Something failed after the command was acknowledged: say what and what to do next. */
export function buildFailure(title: string, userMessage: string): Doc {
  return iconReply('x', line(code(title), ` could not start: ${userMessage}`));
}

const STATE_ICON: Record<JobView['state'], IconName> = {
  waiting: 'hourglass_flowing_sand',
  prioritized: 'hourglass_flowing_sand',
  delayed: 'hourglass_flowing_sand',
  'waiting-children': 'hourglass_flowing_sand',
  active: 'arrows_counterclockwise',
  completed: 'white_check_mark',
  failed: 'x',
  unknown: 'grey_question',
};

const jobLine = (job: JobView): Line =>
  line(
    icon(STATE_ICON[job.state]),
    ' ',
    code(job.id),
    ` ${job.summary}: ${job.state}${job.progress ? ` · ${job.progress}` : ''} (`,
    mention(job.requestedBy),
    ')',
  );

/** `/perf status`: one job, or the recent ones (newest first). */
export function buildJobs(jobs: readonly JobView[], askedFor?: string): Doc {
  if (jobs.length === 0) {
    const none =
      askedFor === undefined
        ? line('No recent jobs.')
        : line('No job ', code(askedFor), ' (it may have expired).');
    return { summary: none, blocks: [paragraph(none)] };
  }
  const lines = joinLines(jobs.map(jobLine), '\n');
  return { summary: lines, blocks: [paragraph(lines)] };
}

export function buildCancel(jobId: string, result: { cancelled: boolean; reason: string }): Doc {
  const said = result.cancelled
    ? line('Cancelled job ', code(jobId), `: ${result.reason}`)
    : line('Job ', code(jobId), ` was not cancelled: ${result.reason}`);
  return {
    summary: said,
    blocks: [paragraph(line(icon(result.cancelled ? 'no_entry_sign' : 'information_source'), ' ', said))],
  };
}

/** A reply whose fallback is its text and whose one block leads with an icon. */
function iconReply(name: IconName, said: Line): Doc {
  return { summary: said, blocks: [paragraph(line(icon(name), ' ', said))] };
}
