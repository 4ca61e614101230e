/**
 * Names Slack and perfbot agree on: the slash command, the HTTP routes of the bot's one port, and
 * (as they come) the action ids of buttons. `manifest.yml` uses the same values.
 */
export const SLASH_COMMAND = '/perf';

export const Route = {
  /** Slash commands and interactivity (HTTP mode); Bolt verifies the signature here. */
  slackEvents: '/slack/events',
  healthz: '/healthz',
  readyz: '/readyz',
  metrics: '/metrics',
} as const;
export type Route = (typeof Route)[keyof typeof Route];
