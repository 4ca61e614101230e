import type { Logger } from 'pino';
import type { ChartRenderer } from '../charts/port.js';
import type { Clock } from '../clock.js';
import type { Env } from '../config/env.js';
import type { PlatformConfig } from '../config/platform.js';
import type { ServiceName } from '../domain/services.js';
import type { KubePort } from '../kube/port.js';
import type { Notifier } from '../present/notifier.js';
import type { Probe } from '../probes/types.js';
import type { Store } from '../store/port.js';
import type { ChildOutcome, Origin, Progress } from './contracts.js';
import type { QueuedCommand } from './dispatcher.js';
import type { FlowStage } from './flows.js';
import type { ChannelPacer } from './progress.js';

/** Everything a job needs; built once by the composition root (worker or CLI) and passed down. */
export interface JobDeps {
  platform: PlatformConfig;
  env: Env;
  kube: KubePort;
  store: Store;
  notifier: Notifier;
  renderer: ChartRenderer;
  clock: Clock;
  log: Logger;
  fetch: typeof fetch;
  probes: Readonly<Record<ServiceName, Probe>>;
  /** Spaces progress edits per channel across this process's jobs (Slack's limit is per channel). */
  channelPacer: ChannelPacer;
  /** True when the cluster is perfbot's local simulated platform: results say so. */
  simulated: boolean;
}

/** What the queue (or the CLI) gives one job run. */
export interface JobContext {
  jobId: string;
  /** 1 for the first attempt. */
  attempt: number;
  signal: AbortSignal;
  progress(update: Progress): void;
  /**
   * For a flow parent in a worker: how one child ended (BullMQ ran the children first). Absent in the
   * CLI, where the parent runs its children itself (`flows.ts`).
   */
  childOutcome?(service: ServiceName, jobId: string): Promise<ChildOutcome>;
  /**
   * For a flow parent in a worker: queues a later stage of its children under it (once) and, while
   * any is pending, gives its slot back until they end (BullMQ's `WaitingChildrenError`: the parent
   * runs again then). Absent in the CLI.
   */
  awaitStage?(stage: FlowStage, index: number): Promise<void>;
  /**
   * Queues a job that follows this one in its thread (a verified apply → its validation, a
   * validation → the apply of its automatic rollback), under a job id derived from what it acts on,
   * so that a retry queues it once. A worker queues it; the CLI runs it once this job has ended.
   */
  followUp?(command: QueuedCommand, origin: Origin, jobId: string): Promise<void>;
  /**
   * For a child of a flow in a worker that is measured apart (resources): once its result is saved,
   * queues the flow's next stage under the parent (once), so that the other probes start while this
   * child still posts its result; the parent finds that stage queued. Absent in the CLI.
   */
  startNextStage?(): Promise<void>;
}
