import { ICONS } from '../../present/document.js';
import type { SlackBlock as Block, SlackMessage as Message } from '../../present/slack/message.js';

/**
 * Pure: a Block Kit message, as the Slack stand-in received it over HTTP, shown to a person in the
 * demo console. Code blocks are kept verbatim (they are the tables), mrkdwn markup is removed, links
 * and mentions are written out. (perfbot's own terminal output never goes through Block Kit: the
 * CLI renders documents with `present/text.ts`.)
 */
export function messageToText(message: Message): string {
  if (!message.blocks || message.blocks.length === 0) return mrkdwnToText(message.text);
  return message.blocks
    .map(blockToText)
    .filter((text) => text !== '')
    .join('\n\n');
}

/** Slack shows `:name:` as its emoji: the same table the documents' renderers use. */
const EMOJI: Readonly<Record<string, string>> = ICONS;

function blockToText(block: Block): string {
  switch (block.type) {
    case 'header': {
      const title = textOf(block.text);
      return `${title}\n${'═'.repeat(Math.min(80, [...title].length))}`;
    }
    case 'section':
      return [textOf(block.text), ...listOf(block.fields).map(textOf)].filter(Boolean).join('\n');
    case 'context':
      return listOf(block.elements)
        .map((e) => (isRecord(e) && e.type === 'image' ? '' : textOf(e)))
        .filter(Boolean)
        .join(' · ');
    case 'divider':
      return '─'.repeat(40);
    case 'image':
      return `[image: ${String(block.alt_text ?? '')}] ${String(block.image_url ?? '')}`.trim();
    case 'actions':
      return listOf(block.elements)
        .map((e) => `[ ${isRecord(e) ? textOf(e.text) : ''} ]`)
        .join(' ');
    case 'rich_text':
      return '';
    default:
      return textOf(block.text);
  }
}

function textOf(value: unknown): string {
  if (!isRecord(value) || typeof value.text !== 'string') return '';
  return value.type === 'mrkdwn' ? mrkdwnToText(value.text) : unescapeEntities(value.text);
}

/** Strips mrkdwn outside code blocks; the inside of a code block is shown as it is. */
export function mrkdwnToText(text: string): string {
  return text
    .split(/```/)
    .map((part, i) =>
      i % 2 === 1 ? unescapeEntities(part.replace(/^\n/, '').replace(/\n$/, '')) : inline(part),
    )
    .join('')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function inline(text: string): string {
  return unescapeEntities(
    text
      .replace(/<([^<>|]+)\|([^<>]+)>/g, (_all, target: string, label: string) => linkText(target, label))
      .replace(/<([^<>]+)>/g, (_all, target: string) => linkText(target, undefined))
      .replace(/:([a-z0-9_+-]+):/g, (all, name: string) => EMOJI[name] ?? all)
      .replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s).,:;!?])/gm, '$1$2')
      .replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s).,:;!?])/gm, '$1$2')
      .replace(/(^|[\s(])~([^~\n]+)~(?=$|[\s).,:;!?])/gm, '$1$2')
      .replace(/`([^`\n]+)`/g, '$1'),
  );
}

function linkText(target: string, label: string | undefined): string {
  if (target.startsWith('@')) return `@${label ?? target.slice(1)}`;
  if (target.startsWith('#')) return `#${label ?? target.slice(1)}`;
  if (target.startsWith('!')) return `@${label ?? target.slice(1).split('^')[0]}`;
  return label && label !== target ? `${label} (${target})` : target;
}

function unescapeEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
