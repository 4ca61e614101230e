/**
 * The format-neutral document every view builds: pure data, no Slack, terminal or Markdown syntax.
 * Renderers turn it into Block Kit (`present/slack/`), terminal text (`text.ts`) or Markdown
 * (`markdown.ts`); each escapes the user's text for its own format.
 *
 * @example const doc: Doc = { summary: line('baseline kafka: queued'), blocks: [{ kind: 'heading', text: 'Baseline: kafka' }] }
 */
export interface Doc {
  /** One line for notifications, the accessibility fallback and status edits in a terminal. */
  summary: Line;
  blocks: readonly DocBlock[];
}

/** Emoji by name: Slack writes `:name:`, the terminal and Markdown the character. */
export const ICONS = {
  white_check_mark: '✅',
  heavy_check_mark: '✔',
  x: '❌',
  warning: '⚠',
  hourglass_flowing_sand: '⏳',
  arrows_counterclockwise: '🔄',
  no_entry_sign: '🚫',
  chart_with_upwards_trend: '📈',
  chart_with_downwards_trend: '📉',
  information_source: 'ℹ',
  rotating_light: '🚨',
  bulb: '💡',
  construction: '🚧',
  grey_question: '❔',
} as const;
export type IconName = keyof typeof ICONS;

export type Inline =
  | { kind: 'text'; text: string }
  /** Bold around spans, e.g. `bold('compared with ', code(id))`. */
  | { kind: 'bold'; spans: readonly Inline[] }
  | { kind: 'italic'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'link'; url: string; label?: string }
  /** A Slack user id (U…) or user group id (S…); a terminal shows `@U…`. */
  | { kind: 'mention'; user: string }
  | { kind: 'icon'; name: IconName };

/** A line of inline spans; a text span may hold line breaks. */
export type Line = readonly Inline[];

export interface Column {
  header: string;
  align?: 'left' | 'right';
}

export interface Button {
  /** Routed by the interaction registry, e.g. `perf:approve`. */
  actionId: string;
  label: string;
  /** What the handler gets back (an `InteractionValue`, JSON). */
  value: string;
  style?: 'primary' | 'danger';
  confirm?: { title: string; text: string; confirm: string; deny: string };
}

/** One box of a checklist: ticked only when `done`. */
export interface CheckItem {
  done: boolean;
  text: Line;
}

export type DocBlock =
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; lines: readonly Line[] }
  | { kind: 'fields'; fields: readonly { label: string; value: Line }[] }
  /** Cells are plain text, aligned by the renderer; `title` goes above. */
  | { kind: 'table'; title?: Line; columns: readonly Column[]; rows: readonly (readonly string[])[] }
  | { kind: 'list'; title?: Line; items: readonly Line[] }
  /** Boxes ticked or not (the report's success criteria): Markdown `- [x]`, Slack and terminal marks. */
  | { kind: 'checklist'; title?: Line; items: readonly CheckItem[] }
  /** Small print under a block: its parts are shown side by side; empty parts are dropped. */
  | { kind: 'note'; parts: readonly Line[] }
  /** Verbatim text (a tool's output); `keep: 'tail'` says the end matters when it must be cut. */
  | { kind: 'code'; title?: Line; text: string; keep?: 'head' | 'tail' }
  | { kind: 'divider' }
  | { kind: 'actions'; buttons: readonly Button[] };

export const text = (value: string): Inline => ({ kind: 'text', text: value });
export const bold = (...parts: readonly (Inline | string)[]): Inline => ({
  kind: 'bold',
  spans: line(...parts),
});
export const italic = (value: string): Inline => ({ kind: 'italic', text: value });
export const code = (value: string): Inline => ({ kind: 'code', text: value });
export const icon = (name: IconName): Inline => ({ kind: 'icon', name });
export const mention = (user: string): Inline => ({ kind: 'mention', user });

/** A line from spans and plain strings: `line(icon('x'), ' ', bold('failed'))`. */
export function line(...parts: readonly (Inline | string | readonly Inline[])[]): Line {
  return parts.flatMap((part) => (typeof part === 'string' ? [text(part)] : 'kind' in part ? [part] : part));
}

/** Joins lines with a separator between them (a text span). */
export function joinLines(lines: readonly Line[], separator: string): Line {
  return lines.flatMap((l, i) => (i === 0 ? l : [text(separator), ...l]));
}

/** True when a line shows nothing (no spans, or only empty text). */
export function isEmptyLine(value: Line): boolean {
  return value.every((span) => span.kind === 'text' && span.text === '');
}

/** The words of a line without any markup (a terminal, a fallback). */
export function plainText(value: Line): string {
  return value
    .map((span) => {
      switch (span.kind) {
        case 'link':
          return span.label && span.label !== span.url ? `${span.label} (${span.url})` : span.url;
        case 'mention':
          return `@${span.user}`;
        case 'icon':
          return ICONS[span.name];
        case 'bold':
          return plainText(span.spans);
        default:
          return span.text;
      }
    })
    .join('');
}

/**
 * Keeps the end of a long text within `room` characters, from a line start, and says the start was
 * cut (a tool's error is at the end of its output).
 */
export function keepTail(value: string, room: number): string {
  if (value.length <= room) return value;
  const tail = value.slice(value.length - room);
  const fromLine = tail.indexOf('\n');
  return `[… earlier output cut]\n${fromLine >= 0 ? tail.slice(fromLine + 1) : tail}`;
}

/** Cuts at a line end where possible, and says so. */
export function cut(value: string, max: number, note = '… (cut)'): string {
  if (value.length <= max) return value;
  const room = value.slice(0, max - note.length - 1);
  const atLine = room.lastIndexOf('\n');
  return `${atLine > max / 2 ? room.slice(0, atLine) : room}\n${note}`;
}
