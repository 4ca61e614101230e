import type { Doc } from './document.js';

/**
 * Where a job's words go: a Slack thread (`bot/slack-notifier.ts`, Block Kit by `present/slack/`) or
 * the terminal (`cli/console-notifier.ts`, text by `present/text.ts`). The job code hands both the same
 * documents; only the notifier (and so the renderer) differs.
 */

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

/**
 * How an edit may be treated. A best-effort edit (a progress line) is tried once and never waited
 * on: a rate limit or an error is thrown at once, and the caller drops it; a newer edit or the final
 * status supersedes it anyway.
 */
export interface UpdateOptions {
  bestEffort?: boolean;
}

/** @example const ref = await notifier.postRoot('C123', buildStatus({ title: 'baseline kafka', state: 'queued', requestedBy: 'U1' })) */
export interface Notifier {
  postRoot(channel: string, doc: Doc): Promise<MessageRef>;
  postInThread(thread: ThreadRef, doc: Doc): Promise<MessageRef>;
  update(ref: MessageRef, doc: Doc, options?: UpdateOptions): Promise<void>;
  /**
   * The charts of one answer, in order, as one post where the surface allows (Slack: one files upload,
   * its files uploaded in parallel, up to ten to a message), so that a result's charts cost one round
   * trip rather than one per chart.
   */
  postCharts(thread: ThreadRef, charts: readonly ChartOutput[]): Promise<void>;
  postEphemeral(channel: string, user: string, doc: Doc): Promise<void>;
}
