import { type Doc, type DocBlock, isEmptyLine, keepTail, plainText } from './document.js';
import { tableLines } from './table.js';

/** A tool's output is cut to its last screenful: its error is at the end. */
const TAIL_ROOM = 2900;

/**
 * Pure: a document as terminal text (the CLI prints it): headings underlined, tables aligned,
 * small print joined with ` · `, emoji as characters, no markup.
 *
 * @example process.stdout.write(`${renderText(buildSummary(result))}\n`)
 */
export function renderText(doc: Doc): string {
  if (doc.blocks.length === 0) return plainText(doc.summary).trim();
  return doc.blocks
    .map(blockText)
    .filter((t) => t !== '')
    .join('\n\n');
}

function blockText(block: DocBlock): string {
  switch (block.kind) {
    case 'heading':
      return `${block.text}\n${'═'.repeat(Math.min(80, [...block.text].length))}`;
    case 'paragraph':
      return tidy(block.lines.map(plainText).join('\n'));
    case 'fields':
      return block.fields.map((f) => `${f.label}: ${plainText(f.value)}`).join('\n');
    case 'table':
      return [...titleOf(block.title), ...tableLines(block.columns, block.rows)].join('\n');
    case 'list':
      return [...titleOf(block.title), ...block.items.map((item) => `• ${plainText(item)}`)].join('\n');
    case 'checklist':
      return [
        ...titleOf(block.title),
        ...block.items.map((item) => `[${item.done ? 'x' : ' '}] ${plainText(item.text)}`),
      ].join('\n');
    case 'note':
      return block.parts
        .filter((p) => !isEmptyLine(p))
        .map(plainText)
        .join(' · ');
    case 'code': {
      const body = block.text.trimEnd();
      return [...titleOf(block.title), block.keep === 'tail' ? keepTail(body, TAIL_ROOM) : body].join('\n');
    }
    case 'divider':
      return '─'.repeat(40);
    case 'actions':
      return block.buttons.map((b) => `[ ${b.label} ]`).join(' ');
  }
}

function titleOf(title: Parameters<typeof plainText>[0] | undefined): string[] {
  return title && !isEmptyLine(title) ? [plainText(title)] : [];
}

function tidy(text: string): string {
  return text.replace(/\n{3,}/g, '\n\n').trim();
}
