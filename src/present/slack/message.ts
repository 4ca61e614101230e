/** Block Kit JSON as sent to Slack (the renderer builds it; Slack, or the fake Slack in tests, validates it). */
export type SlackBlock = Record<string, unknown>;

export interface SlackMessage {
  /** Notification and accessibility fallback; always sent. */
  text: string;
  blocks?: readonly SlackBlock[];
}

/**
 * Slack's limits (/work/shared/reference/slack.md): a message over them fails with `invalid_blocks`
 * (or `msg_too_long`), so the renderer keeps every message within them.
 */
export const LIMITS = {
  /** Blocks per message. */
  blocks: 50,
  /** A section's or context element's text. */
  sectionText: 3000,
  /** Fields per section. */
  fields: 10,
  fieldText: 2000,
  /** Elements per context block. */
  contextElements: 10,
  header: 150,
  /** The fallback `text`: Slack truncates past 40,000, but notifications show far less. */
  text: 4000,
  /** Buttons per actions block. */
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
} as const;
