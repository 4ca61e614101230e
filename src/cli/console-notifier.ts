import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Doc, plainText } from '../present/document.js';
import type { ChartOutput, MessageRef, Notifier, ThreadRef, UpdateOptions } from '../present/notifier.js';
import { renderText } from '../present/text.js';

export interface ConsoleNotifierOptions {
  /** Where charts are written as PNG files. */
  chartDir: string;
  write: (text: string) => void;
}

/**
 * The CLI's notifier: the same documents the Slack thread gets, printed by the text renderer; charts
 * written as PNG files whose paths are printed. Status edits print their summary line, only when it
 * changes; once a status got its final (not best-effort) edit, a late progress edit of it is not printed.
 */
export function createConsoleNotifier(options: ConsoleNotifierOptions): Notifier & { charts: string[] } {
  let counter = 0;
  const lastStatus = new Map<string, string>();
  const final = new Set<string>();
  const charts: string[] = [];
  const print = (doc: Doc) => options.write(`${renderText(doc)}\n`);
  const nextTs = () => `cli.${String(++counter).padStart(6, '0')}`;

  return {
    charts,
    async postRoot(channel: string, doc: Doc): Promise<MessageRef> {
      const ts = nextTs();
      lastStatus.set(ts, plainText(doc.summary));
      print(doc);
      return { channel, ts };
    },
    async postInThread(thread: ThreadRef, doc: Doc): Promise<MessageRef> {
      print(doc);
      return { channel: thread.channel, ts: nextTs() };
    },
    async update(ref: MessageRef, doc: Doc, updateOptions?: UpdateOptions): Promise<void> {
      if (updateOptions?.bestEffort === true && final.has(ref.ts)) return;
      if (updateOptions?.bestEffort !== true) final.add(ref.ts);
      const line = plainText(doc.summary);
      if (lastStatus.get(ref.ts) === line) return;
      lastStatus.set(ref.ts, line);
      options.write(`  · ${line}\n`);
    },
    async postCharts(_thread: ThreadRef, list: readonly ChartOutput[]): Promise<void> {
      for (const chart of list) {
        if (chart.kind === 'url') {
          options.write(`chart: ${chart.title}\n  ${chart.url}\n`);
          continue;
        }
        await mkdir(options.chartDir, { recursive: true });
        const path = resolve(join(options.chartDir, chart.filename));
        await writeFile(path, chart.png);
        charts.push(path);
        options.write(`chart: ${chart.title}\n  written to ${path}\n  ${chart.altText}\n`);
      }
    },
    async postEphemeral(_channel: string, _user: string, doc: Doc): Promise<void> {
      print(doc);
    },
  };
}
