import type { Block } from '../../jobs/notifier.js';

/**
 * Block Kit helpers shared by the result views: monospace tables in code blocks, escaping, and the
 * limits of /work/shared/reference/slack.md (a message over them fails with `invalid_blocks`).
 */
export const LIMITS = {
  blocks: 50,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  header: 150,
  text: 4000,
} as const;

export interface Column {
  header: string;
  align?: 'left' | 'right';
}

type Cell = string;

// These emoji take two terminal columns; counting them as one would shift every column after them.
const WIDE = /[\u2705\u274C\u{1F300}-\u{1FAFF}]/gu;

/** Columns a string takes in a monospace font. */
export function displayWidth(text: string): number {
  return [...text].length + (text.match(WIDE)?.length ?? 0);
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'right' ? fill + text : text + fill;
}

/** Aligned rows (header, rule, rows), without the code fence. */
export function tableLines(columns: readonly Column[], rows: readonly (readonly Cell[])[]): string[] {
  const widths = columns.map((c, i) =>
    Math.max(displayWidth(c.header), ...rows.map((r) => displayWidth(r[i] ?? ''))),
  );
  const line = (cells: readonly Cell[]): string =>
    columns
      .map((c, i) => pad(cells[i] ?? '', widths[i] ?? 0, c.align ?? 'left'))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)];
}

/** Slack reads `&`, `<` and `>` as markup in every text object, code blocks included. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function section(text: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: cut(text, LIMITS.sectionText) } };
}

export function header(text: string): Block {
  return { type: 'header', text: { type: 'plain_text', text: cut(text, LIMITS.header), emoji: true } };
}

export function context(parts: readonly string[]): Block {
  const elements = parts.filter((p) => p !== '').slice(0, 10);
  return {
    type: 'context',
    elements: elements.map((text) => ({ type: 'mrkdwn', text: cut(text, LIMITS.sectionText) })),
  };
}

/** Cuts at a line end where possible, and says so. */
export function cut(text: string, max: number, note = '… (cut)'): string {
  if (text.length <= max) return text;
  const room = text.slice(0, max - note.length - 1);
  const atLine = room.lastIndexOf('\n');
  return `${atLine > max / 2 ? room.slice(0, atLine) : room}\n${note}`;
}

/**
 * A table as one or more sections, each a code block within the section limit; a long table is split
 * by rows and every part repeats the header. `title` (mrkdwn) goes above the first part.
 */
export function tableBlocks(
  columns: readonly Column[],
  rows: readonly (readonly Cell[])[],
  title?: string,
): Block[] {
  // Widths are measured on the text as shown, so escaping comes after alignment.
  const [head = '', rule = '', ...body] = tableLines(columns, rows).map(escapeMrkdwn);
  const prefix = title ? `${title}\n` : '';
  const room = LIMITS.sectionText - 8 - head.length - rule.length - 2;
  const parts: string[][] = [[]];
  let used = prefix.length;
  for (const line of body) {
    const current = parts[parts.length - 1] ?? [];
    if (current.length > 0 && used + line.length + 1 > room) {
      parts.push([line]);
      used = line.length + 1;
    } else {
      current.push(line);
      used += line.length + 1;
    }
  }
  return parts.map((lines, i) =>
    section(`${i === 0 ? prefix : ''}${codeBlock([head, rule, ...lines].join('\n'))}`),
  );
}

export function codeBlock(text: string): string {
  return `\`\`\`\n${text}\n\`\`\``;
}

/** Keeps a message within 50 blocks (the last one says how many were cut) and its text within 4,000 characters. */
export function fitMessage(text: string, blocks: readonly Block[]): { text: string; blocks: Block[] } {
  const fitted =
    blocks.length <= LIMITS.blocks
      ? [...blocks]
      : [
          ...blocks.slice(0, LIMITS.blocks - 1),
          context([
            `… ${blocks.length - LIMITS.blocks + 1} more block(s) cut: Slack allows ${LIMITS.blocks} per message.`,
          ]),
        ];
  return { text: cut(text, LIMITS.text), blocks: fitted };
}
