import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { messageToText } from '../bot/views/text.js';
import type { ChartOutput, Message, MessageRef, Notifier, ThreadRef } from '../jobs/notifier.js';

export interface ConsoleNotifierOptions {
  /** Where charts are written as PNG files. */
  chartDir: string;
  write: (text: string) => void;
}

/**
 * The CLI's notifier: the same messages the Slack thread gets, printed as text; charts written as
 * PNG files whose paths are printed. Status edits print only when the line changes.
 */
export function createConsoleNotifier(options: ConsoleNotifierOptions): Notifier & { charts: string[] } {
  let counter = 0;
  const lastStatus = new Map<string, string>();
  const charts: string[] = [];
  const print = (message: Message) => options.write(`${messageToText(message)}\n`);
  const nextTs = () => `cli.${String(++counter).padStart(6, '0')}`;

  return {
    charts,
    async postRoot(channel: string, message: Message): Promise<MessageRef> {
      const ts = nextTs();
      lastStatus.set(ts, message.text);
      print(message);
      return { channel, ts };
    },
    async postInThread(thread: ThreadRef, message: Message): Promise<MessageRef> {
      print(message);
      return { channel: thread.channel, ts: nextTs() };
    },
    async update(ref: MessageRef, message: Message): Promise<void> {
      if (lastStatus.get(ref.ts) === message.text) return;
      lastStatus.set(ref.ts, message.text);
      options.write(`  · ${message.text}\n`);
    },
    async postChart(_thread: ThreadRef, chart: ChartOutput): Promise<void> {
      if (chart.kind === 'url') {
        options.write(`chart: ${chart.title}\n  ${chart.url}\n`);
        return;
      }
      await mkdir(options.chartDir, { recursive: true });
      const path = resolve(join(options.chartDir, chart.filename));
      await writeFile(path, chart.png);
      charts.push(path);
      options.write(`chart: ${chart.title}\n  written to ${path}\n  ${chart.altText}\n`);
    },
    async postEphemeral(_channel: string, _user: string, message: Message): Promise<void> {
      print(message);
    },
  };
}
