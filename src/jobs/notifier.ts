/**
 * Where a job's words go: a Slack thread (`bot/slack-notifier.ts`) or the terminal (`cli/console-notifier.ts`).
 * The job code is the same for both; only the notifier differs.
 */

/** Block Kit JSON, as built by `bot/views`. */
export type Block = Record<string, unknown>;

export interface Message {
  /** Notification and accessibility fallback; always sent (Slack: keep it under 4,000 characters). */
  text: string;
  blocks?: readonly Block[];
}

/** A message's address: the root message's `ts` is the thread id. */
export interface MessageRef {
  channel: string;
  ts: string;
}

export interface ThreadRef {
  channel: string;
  threadTs: string;
}

/** A chart to show: PNG bytes (uploaded) or a QuickChart URL (linked in an image block). */
export type ChartOutput =
  | { kind: 'png'; png: Uint8Array; filename: string; title: string; altText: string }
  | { kind: 'url'; url: string; title: string; altText: string };

/** @example const ref = await notifier.postRoot('C123', { text: 'baseline kafka: queued' }) */
export interface Notifier {
  postRoot(channel: string, message: Message): Promise<MessageRef>;
  postInThread(thread: ThreadRef, message: Message): Promise<MessageRef>;
  update(ref: MessageRef, message: Message): Promise<void>;
  postChart(thread: ThreadRef, chart: ChartOutput): Promise<void>;
  postEphemeral(channel: string, user: string, message: Message): Promise<void>;
}
