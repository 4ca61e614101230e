import type { SerializedPerfError } from '../errors.js';
import { bold, code, type Doc, type DocBlock, icon, joinLines, line } from './document.js';

/** Context keys shown in their own place rather than in the context line. */
const LAST_LINES = 'lastLines';

/**
 * Pure: a failure → its thread message: what happened and what to do (the user message), the code,
 * where (service, step, pod…), and the tool's last lines of output when the error carries them.
 */
export function buildError(title: string, error: SerializedPerfError): Doc {
  const details = Object.entries(error.context).filter(([key]) => key !== LAST_LINES);
  const where = details.map(([key, value]) => line(`${key}: `, code(String(value))));
  const blocks: DocBlock[] = [
    { kind: 'paragraph', lines: [line(icon('x'), ' ', bold(`${title} failed`)), line(error.userMessage)] },
    {
      kind: 'note',
      parts: [
        line('code ', code(error.code)),
        line(error.retryable ? 'transient: running it again may succeed' : ''),
        joinLines(where, ' · '),
      ],
    },
  ];
  const lastLines = error.context[LAST_LINES];
  if (typeof lastLines === 'string' && lastLines.trim() !== '')
    blocks.push({ kind: 'code', title: line(bold('Last lines of output')), text: lastLines, keep: 'tail' });
  return { summary: line(`${title} failed: ${error.userMessage} (${error.code})`), blocks };
}
