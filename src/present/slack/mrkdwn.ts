import type { Inline, Line } from '../document.js';

/** Slack reads `&`, `<` and `>` as markup in every text object, code blocks included. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Only `<` and `>` (a link, a mention, `<!channel>`): for the fallback `text`, which notifications
 * show as written, where `&amp;` would read as such.
 */
export function escapeAngles(text: string): string {
  return text.replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A Slack user (U…, W…) or user group (S…) id. */
const SLACK_ID = /^[UWS][A-Z0-9]+$/;

/** A line as Slack mrkdwn: the user's words escaped (by `escapeText`), markup from the spans. */
export function mrkdwn(line: Line, escapeText: (text: string) => string = escapeMrkdwn): string {
  return line.map((s) => span(s, escapeText)).join('');
}

function span(s: Inline, escapeText: (text: string) => string): string {
  switch (s.kind) {
    case 'text':
      return escapeText(s.text);
    case 'bold':
      return `*${mrkdwn(s.spans, escapeText)}*`;
    case 'italic':
      return `_${escapeMrkdwn(s.text)}_`;
    case 'code':
      return `\`${escapeMrkdwn(s.text)}\``;
    case 'link':
      return s.label === undefined ? `<${s.url}>` : `<${s.url}|${escapeMrkdwn(s.label)}>`;
    case 'mention':
      // perfbot's own actor (`perfbot/auto`) or a CLI user is no Slack id: named as written.
      if (!SLACK_ID.test(s.user)) return `_${escapeMrkdwn(s.user)}_`;
      return s.user.startsWith('S') ? `<!subteam^${s.user}>` : `<@${s.user}>`;
    case 'icon':
      return `:${s.name}:`;
  }
}

export function codeBlock(text: string): string {
  return `\`\`\`\n${text}\n\`\`\``;
}
