import type { SerializedPerfError } from '../../errors.js';
import type { Block, Message } from '../../jobs/notifier.js';
import { codeBlock, context, cut, escapeMrkdwn, fitMessage, LIMITS, section } from './table.js';

/** Context keys shown in their own place rather than in the context line. */
const LAST_LINES = 'lastLines';

/**
 * Pure: a failure → its thread message: what happened and what to do (the user message), the code,
 * where (service, step, pod…), and the tool's last lines of output when the error carries them.
 */
export function renderError(title: string, error: SerializedPerfError): Message {
  const details = Object.entries(error.context).filter(([key]) => key !== LAST_LINES);
  const where = details.map(([key, value]) => `${key}: \`${escapeMrkdwn(String(value))}\``);
  const blocks: Block[] = [
    section(`:x: *${escapeMrkdwn(title)} failed*\n${escapeMrkdwn(error.userMessage)}`),
    context([
      `code \`${error.code}\``,
      error.retryable ? 'transient: running it again may succeed' : '',
      where.join(' · '),
    ]),
  ];
  const lastLines = error.context[LAST_LINES];
  if (typeof lastLines === 'string' && lastLines.trim() !== '')
    blocks.push(section(lastLinesText(lastLines)));
  return fitMessage(`${title} failed: ${error.userMessage} (${error.code})`, blocks);
}

/** The tail matters most (the error is at the end): when too long, the start is cut, and it says so. */
function lastLinesText(lines: string): string {
  const titleText = '*Last lines of output*\n';
  const room = LIMITS.sectionText - titleText.length - 8 - 40;
  const escaped = escapeMrkdwn(lines.replace(/`{3,}/g, "'''").trimEnd());
  if (escaped.length <= room) return `${titleText}${codeBlock(escaped)}`;
  const tail = escaped.slice(escaped.length - room);
  const fromLine = tail.indexOf('\n');
  return cut(
    `${titleText}${codeBlock(`[… earlier output cut]\n${fromLine >= 0 ? tail.slice(fromLine + 1) : tail}`)}`,
    LIMITS.sectionText,
  );
}
