import type { Column, Doc, DocBlock, Line } from '../../../src/present/document.js';
import { line } from '../../../src/present/document.js';
import type { SlackBlock, SlackMessage } from '../../../src/present/slack/message.js';
import { renderSlack } from '../../../src/present/slack/render.js';
import { renderText } from '../../../src/present/text.js';

/**
 * A builder's document rendered for Slack, remembering the document, so that a test can check the
 * Block Kit and the terminal text of the same view.
 */
const docs = new WeakMap<SlackMessage, Doc>();

export function slack(doc: Doc): SlackMessage {
  const message = renderSlack(doc);
  docs.set(message, doc);
  return message;
}

/** The terminal text of the document behind a message made by `slack()`. */
export function textOf(message: SlackMessage): string {
  const doc = docs.get(message);
  if (!doc) throw new Error('not a message made by slack()');
  return renderText(doc);
}

/** The Block Kit of one document block. */
export function blocksOf(...blocks: DocBlock[]): SlackBlock[] {
  return [...(renderSlack({ summary: [], blocks }).blocks ?? [])];
}

export function tableBlocks(columns: readonly Column[], rows: readonly (readonly string[])[], title?: Line) {
  return blocksOf({ kind: 'table', columns, rows, ...(title ? { title } : {}) });
}

export const paragraph = (text: string): DocBlock => ({ kind: 'paragraph', lines: [line(text)] });
