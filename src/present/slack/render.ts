import { type Button, cut, type Doc, type DocBlock, isEmptyLine, keepTail, type Line } from '../document.js';
import { tableLines } from '../table.js';
import { LIMITS, type SlackBlock, type SlackMessage } from './message.js';
import { codeBlock, escapeAngles, escapeMrkdwn, mrkdwn } from './mrkdwn.js';

/**
 * Pure: a document → a Block Kit message within Slack's limits: 50 blocks (the last says how many
 * were cut), 3,000 characters per section text, 10 fields and 10 context elements, 150 per header
 * and a 4,000-character fallback.
 *
 * @example await client.chat.postMessage({ channel, ...renderSlack(doc) })
 */
export function renderSlack(doc: Doc): SlackMessage {
  const text = cut(mrkdwn(doc.summary, escapeAngles), LIMITS.text);
  const blocks = doc.blocks.flatMap(blockKit);
  return blocks.length === 0 ? { text } : { text, blocks: fitBlocks(blocks) };
}

function blockKit(block: DocBlock): SlackBlock[] {
  switch (block.kind) {
    case 'heading':
      return [header(block.text)];
    case 'paragraph':
      return [section(block.lines.map((l) => mrkdwn(l)).join('\n'))];
    case 'fields':
      return fields(block.fields);
    case 'table':
      return tableBlocks(block);
    case 'list': {
      const items = block.items.map((item) => `• ${mrkdwn(item)}`);
      return [section([...(block.title ? [mrkdwn(block.title)] : []), ...items].join('\n'))];
    }
    case 'checklist': {
      const items = block.items.map(
        (item) => `${item.done ? ':white_check_mark:' : ':white_large_square:'} ${mrkdwn(item.text)}`,
      );
      return [section([...(block.title ? [mrkdwn(block.title)] : []), ...items].join('\n'))];
    }
    case 'note':
      // A context block needs at least one element.
      return block.parts.some((p) => !isEmptyLine(p)) ? [context(block.parts)] : [];
    case 'code':
      return [codeSection(block)];
    case 'divider':
      return [{ type: 'divider' }];
    case 'actions':
      return block.buttons.length === 0
        ? []
        : [{ type: 'actions', elements: block.buttons.slice(0, LIMITS.actionsElements).map(button) }];
  }
}

export function section(text: string): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: cut(text, LIMITS.sectionText) } };
}

function header(text: string): SlackBlock {
  return { type: 'header', text: { type: 'plain_text', text: cut(text, LIMITS.header), emoji: true } };
}

function context(parts: readonly Line[]): SlackBlock {
  const elements = parts.filter((p) => !isEmptyLine(p)).slice(0, LIMITS.contextElements);
  return {
    type: 'context',
    elements: elements.map((p) => ({ type: 'mrkdwn', text: cut(mrkdwn(p), LIMITS.sectionText) })),
  };
}

/** Label/value pairs as section fields, 10 per section. */
function fields(pairs: readonly { label: string; value: Line }[]): SlackBlock[] {
  const blocks: SlackBlock[] = [];
  for (let i = 0; i < pairs.length; i += LIMITS.fields) {
    const chunk = pairs.slice(i, i + LIMITS.fields).map((f) => ({
      type: 'mrkdwn',
      text: cut(`*${escapeMrkdwn(f.label)}*\n${mrkdwn(f.value)}`, LIMITS.fieldText),
    }));
    blocks.push({ type: 'section', fields: chunk });
  }
  return blocks;
}

/**
 * A table as one or more sections, each a code block within the section limit; a long table is split
 * by rows and every part repeats the header. The title goes above the first part.
 */
function tableBlocks(table: Extract<DocBlock, { kind: 'table' }>): SlackBlock[] {
  // Widths are measured on the text as shown, so escaping comes after alignment.
  const [head = '', rule = '', ...body] = tableLines(table.columns, table.rows).map(escapeMrkdwn);
  const prefix = table.title ? `${mrkdwn(table.title)}\n` : '';
  const room = LIMITS.sectionText - 8 - head.length - rule.length - 2;
  const parts: string[][] = [[]];
  let used = prefix.length;
  for (const row of body) {
    const current = parts[parts.length - 1] ?? [];
    if (current.length > 0 && used + row.length + 1 > room) {
      parts.push([row]);
      used = row.length + 1;
    } else {
      current.push(row);
      used += row.length + 1;
    }
  }
  return parts.map((lines, i) =>
    section(`${i === 0 ? prefix : ''}${codeBlock([head, rule, ...lines].join('\n'))}`),
  );
}

/** Verbatim text in a code block; ``` inside would end it early, so it is replaced. */
function codeSection(block: Extract<DocBlock, { kind: 'code' }>): SlackBlock {
  const title = block.title ? `${mrkdwn(block.title)}\n` : '';
  const escaped = escapeMrkdwn(block.text.replace(/`{3,}/g, "'''").trimEnd());
  if (block.keep !== 'tail') return section(`${title}${codeBlock(escaped)}`);
  // The fence (8) and the cut note (≈ 40) must fit too.
  const room = LIMITS.sectionText - title.length - 8 - 40;
  return section(`${title}${codeBlock(keepTail(escaped, room))}`);
}

function button(b: Button): SlackBlock {
  return {
    type: 'button',
    action_id: b.actionId,
    text: { type: 'plain_text', text: cut(b.label, LIMITS.buttonText, '…'), emoji: true },
    value: b.value.slice(0, LIMITS.buttonValue),
    ...(b.style ? { style: b.style } : {}),
    ...(b.confirm
      ? {
          confirm: {
            title: { type: 'plain_text', text: b.confirm.title },
            text: { type: 'mrkdwn', text: escapeMrkdwn(b.confirm.text) },
            confirm: { type: 'plain_text', text: b.confirm.confirm },
            deny: { type: 'plain_text', text: b.confirm.deny },
          },
        }
      : {}),
  };
}

/** Keeps a message within 50 blocks; the last one says how many were cut. */
export function fitBlocks(blocks: readonly SlackBlock[]): SlackBlock[] {
  if (blocks.length <= LIMITS.blocks) return [...blocks];
  const cutNote = `… ${blocks.length - LIMITS.blocks + 1} more block(s) cut: Slack allows ${LIMITS.blocks} per message.`;
  return [
    ...blocks.slice(0, LIMITS.blocks - 1),
    { type: 'context', elements: [{ type: 'mrkdwn', text: cutNote }] },
  ];
}
