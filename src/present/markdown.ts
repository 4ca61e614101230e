import { type Doc, type DocBlock, ICONS, type Inline, isEmptyLine, type Line } from './document.js';

/**
 * Pure: a document as GitHub-flavoured Markdown (the report file): tables as pipe tables with their
 * alignment, the user's words escaped so that they cannot become markup, links or HTML.
 *
 * @example await writeFile('report.md', renderMarkdown(doc))
 */
export function renderMarkdown(doc: Doc): string {
  if (doc.blocks.length === 0) return `${markdownLine(doc.summary)}\n`;
  return `${doc.blocks
    .map(blockMarkdown)
    .filter((t) => t !== '')
    .join('\n\n')}\n`;
}

/** Characters Markdown (or the HTML inside it) would read as markup. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>#|~&]/g, (c) => (c === '&' ? '&amp;' : `\\${c}`));
}

function blockMarkdown(block: DocBlock): string {
  switch (block.kind) {
    case 'heading':
      return `## ${escapeMarkdown(block.text)}`;
    case 'paragraph':
      // Two trailing spaces keep a line break inside the paragraph.
      return block.lines.map(markdownLine).join('  \n');
    case 'fields':
      return block.fields.map((f) => `- **${escapeMarkdown(f.label)}**: ${markdownLine(f.value)}`).join('\n');
    case 'table':
      return [...titleOf(block.title), ...pipeTable(block)].join('\n');
    case 'list':
      return [...titleOf(block.title), ...block.items.map((item) => `- ${markdownLine(item)}`)].join('\n');
    case 'checklist':
      return [
        ...titleOf(block.title),
        ...block.items.map((item) => `- [${item.done ? 'x' : ' '}] ${markdownLine(item.text)}`),
      ].join('\n');
    case 'note': {
      const parts = block.parts.filter((p) => !isEmptyLine(p)).map(markdownLine);
      return parts.length === 0 ? '' : `> ${parts.join(' · ')}`;
    }
    case 'code':
      return [...titleOf(block.title), fenced(block.text.trimEnd())].join('\n');
    case 'divider':
      return '---';
    case 'actions':
      return `> Actions (in Slack): ${block.buttons.map((b) => escapeMarkdown(b.label)).join(', ')}`;
  }
}

function titleOf(title: Line | undefined): string[] {
  return title && !isEmptyLine(title) ? [markdownLine(title), ''] : [];
}

function pipeTable(table: Extract<DocBlock, { kind: 'table' }>): string[] {
  const row = (cells: readonly string[]) =>
    `| ${table.columns.map((_, i) => escapeMarkdown(cells[i] ?? '').replace(/\n/g, ' ')).join(' | ')} |`;
  const rule = `| ${table.columns.map((c) => (c.align === 'right' ? '---:' : ':---')).join(' | ')} |`;
  return [row(table.columns.map((c) => c.header)), rule, ...table.rows.map(row)];
}

/** A fence longer than any run of backticks inside, so the text cannot close it. */
function fenced(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}\n${text}\n${fence}`;
}

export function markdownLine(value: Line): string {
  return value.map(span).join('');
}

function span(s: Inline): string {
  switch (s.kind) {
    case 'text':
      return escapeMarkdown(s.text).replace(/\n/g, '  \n');
    case 'bold':
      return `**${markdownLine(s.spans)}**`;
    case 'italic':
      return `_${escapeMarkdown(s.text)}_`;
    case 'code': {
      const ticks = '`'.repeat(Math.max(0, ...[...s.text.matchAll(/`+/g)].map((m) => m[0].length)) + 1);
      const pad = s.text.startsWith('`') || s.text.endsWith('`') ? ' ' : '';
      return `${ticks}${pad}${s.text}${pad}${ticks}`;
    }
    case 'link':
      return `[${escapeMarkdown(s.label ?? s.url)}](${s.url.replace(/[()\s]/g, encodeURIComponent)})`;
    case 'mention':
      return `@${s.user}`;
    case 'icon':
      return ICONS[s.name];
  }
}
