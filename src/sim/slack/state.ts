import { EventEmitter } from 'node:events';

/** What the fake Slack remembers: every call, message, file, ephemeral and response_url post. */
export interface SlackCall {
  method: string;
  params: Record<string, unknown>;
  /** HTTP status answered (429 when rate-limited). */
  status: number;
  response: Record<string, unknown>;
  /** When the request arrived and when it was answered (ms since the epoch): a timeline of the calls. */
  receivedAt: number;
  answeredAt: number;
}

export interface MessageVersion {
  text: string | undefined;
  blocks: unknown[] | undefined;
}

export interface SlackMessage extends MessageVersion {
  channel: string;
  ts: string;
  threadTs: string | undefined;
  user: string;
  /** Earlier versions, oldest first (each `chat.update` pushes the one it replaces). */
  edits: MessageVersion[];
}

export interface SlackFile {
  id: string;
  filename: string;
  title: string | undefined;
  altText: string | undefined;
  /** Length announced to files.getUploadURLExternal. */
  length: number;
  bytes: Buffer | undefined;
  channel: string | undefined;
  threadTs: string | undefined;
  /** Set when shared by files.completeUploadExternal: orders it among the thread's messages. */
  ts: string | undefined;
}

export interface SlackEphemeral extends MessageVersion {
  channel: string;
  user: string;
}

export interface SlackResponse {
  id: string;
  body: Record<string, unknown>;
}

export interface ThreadView {
  root: SlackMessage | undefined;
  replies: SlackMessage[];
  files: SlackFile[];
  /** Replies and shared files in the order Slack shows them. */
  timeline: ({ kind: 'message'; message: SlackMessage } | { kind: 'file'; file: SlackFile })[];
}

export class FakeSlackState {
  readonly calls: SlackCall[] = [];
  readonly messages: SlackMessage[] = [];
  readonly files: SlackFile[] = [];
  readonly ephemerals: SlackEphemeral[] = [];
  readonly responses: SlackResponse[] = [];
  readonly homeViews = new Map<string, Record<string, unknown>>();
  readonly userGroups = new Map<string, string[]>();
  /** Channels the bot is not a member of: posting there answers not_in_channel. */
  readonly outsideChannels = new Set<string>();
  readonly events = new EventEmitter();
  private seq = 100;
  private fileSeq = 0;

  /** Unique, increasing message timestamps shaped like Slack's (`"1700000000.000100"`). */
  nextTs(): string {
    this.seq += 100;
    const seconds = 1_700_000_000 + Math.floor(this.seq / 1_000_000);
    return `${seconds}.${String(this.seq % 1_000_000).padStart(6, '0')}`;
  }

  nextFileId(): string {
    this.fileSeq += 1;
    return `F0FAKE${String(this.fileSeq).padStart(4, '0')}`;
  }

  changed(): void {
    this.events.emit('change');
  }

  message(channel: string, ts: string): SlackMessage | undefined {
    return this.messages.find((m) => m.channel === channel && m.ts === ts);
  }

  messagesIn(channel: string): SlackMessage[] {
    return this.messages.filter((m) => m.channel === channel);
  }

  thread(channel: string, ts: string): ThreadView {
    const replies = this.messages.filter((m) => m.channel === channel && m.threadTs === ts && m.ts !== ts);
    const files = this.files.filter((f) => f.channel === channel && f.threadTs === ts && f.ts !== undefined);
    const timeline: ThreadView['timeline'] = [
      ...replies.map((message) => ({ kind: 'message' as const, message })),
      ...files.map((file) => ({ kind: 'file' as const, file })),
    ].sort((a, b) => tsOf(a).localeCompare(tsOf(b)));
    return { root: this.message(channel, ts), replies, files, timeline };
  }

  /** Resolves with the predicate's first truthy value, checked now and after every change. */
  waitFor<T>(
    predicate: () => T | undefined | null | false,
    timeoutMs = 5000,
    what = 'condition',
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const value = predicate();
        if (value === undefined || value === null || value === false) return false;
        done();
        resolve(value);
        return true;
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`fake Slack: ${what} not met within ${timeoutMs} ms (${this.calls.length} calls)`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.events.off('change', check);
      };
      this.events.on('change', check);
      check();
    });
  }
}

const tsOf = (item: ThreadView['timeline'][number]) =>
  item.kind === 'message' ? item.message.ts : (item.file.ts ?? '');
