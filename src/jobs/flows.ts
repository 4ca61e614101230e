import { type FlowJob, Job, type Queue } from 'bullmq';
import { buildOverviewChart } from '../charts/overview.js';
import type { PlatformConfig } from '../config/platform.js';
import { type ServiceName, serviceOf } from '../domain/services.js';
import { asPerfError, PerfError } from '../errors.js';
import { buildOverview } from '../present/overview.js';
import { buildStatus, threadDetail } from '../present/status.js';
import type { ProbeResult } from '../results/schema.js';
import { JournalStep } from '../store/keys.js';
import {
  type BaselineAllPayload,
  type BaselinePayload,
  BaselinePayloadSchema,
  type BaselineReturn,
  type ChildOutcome,
  JobName,
  QUEUE_NAME,
  statusRefOf,
} from './contracts.js';
import type { JobContext, JobDeps } from './deps.js';
import { deliverCharts, markDone, reportFailure, type Thread } from './workers/deliver.js';

/**
 * `baseline all`, written once for both runners: the worker (a BullMQ FlowProducer parent over its
 * children, `flowJob`) and the CLI (in this process, `settleInline`). Groups (`jobs.groups`) run in
 * parallel, the services of a group one after another; a service measured apart (its descriptor's
 * `measuredApart`: resources) runs in a stage of its own before the others (`stagesOf`); a child's
 * id is `<parent>-<service>`; a
 * failed child does not stop the others nor the overview; a cancelled flow stops the children that
 * have not started (`throwIfFlowCancelled`).
 */
export const FLOW_TITLE = 'baseline all';

/** One child of a flow: the service it measures, its job id and its payload. */
export interface FlowChild {
  /** Its job name: a `baseline` (kinds/baseline.ts). */
  name: string;
  service: ServiceName;
  jobId: string;
  payload: BaselinePayload;
}

export const childJobId = (parentId: string, service: ServiceName) => `${parentId}-${service}`;

/** The children of a flow, by group, in the order they run. */
export function planFlow(
  parentId: string,
  payload: BaselineAllPayload,
  groups: PlatformConfig['jobs']['groups'],
): FlowChild[][] {
  return groups.map((group) =>
    group.map((service) => ({
      name: JobName.baseline,
      service,
      jobId: childJobId(parentId, service),
      payload: BaselinePayloadSchema.parse({
        service,
        options: payload.options,
        origin: payload.origin,
        requestedAt: payload.requestedAt,
        partOf: parentId,
      }),
    })),
  );
}

/** The groups of a flow that run side by side; a flow's stages run one after another. */
export type FlowStage = FlowChild[][];

/**
 * The stages of a flow, in the order they run: first each service measured apart, alone (taken out
 * of its group), then every other group side by side.
 */
export function stagesOf(plan: readonly (readonly FlowChild[])[]): FlowStage[] {
  const apart = (child: FlowChild) => serviceOf(child.service).measuredApart === true;
  const alone = plan.flat().filter(apart);
  const rest = plan.map((group) => group.filter((child) => !apart(child))).filter((g) => g.length > 0);
  return [...alone.map((child) => [[child]]), ...(rest.length > 0 ? [rest] : [])];
}

/** One group of a stage as a BullMQ chain: each service is the child of the next (BullMQ runs children first). */
function chainOf(children: readonly FlowChild[], opts: Record<string, unknown>): FlowJob | undefined {
  let node: FlowJob | undefined;
  for (const child of children) {
    node = {
      name: child.name,
      queueName: QUEUE_NAME,
      data: child.payload,
      opts: { ...opts, jobId: child.jobId, ignoreDependencyOnFailure: true },
      ...(node ? { children: [node] } : {}),
    };
  }
  return node;
}

/** A stage's chains, each under `parent` when given (a later stage, queued by the parent itself). */
export function stageJobs(
  stage: FlowStage,
  opts: Record<string, unknown>,
  parent?: { id: string; queue: string },
): FlowJob[] {
  const own = parent ? { ...opts, parent } : opts;
  return stage.map((group) => chainOf(group, own)).filter((c): c is FlowJob => c !== undefined);
}

/**
 * The BullMQ tree of a flow: the parent over its first stage, one chain per group. The parent queues
 * each later stage under itself when the previous one has ended (`JobContext.awaitStage`).
 */
export function flowJob(
  parent: { name: string; jobId: string; payload: unknown },
  groups: readonly (readonly FlowChild[])[],
  opts: Record<string, unknown>,
): FlowJob {
  const [first = []] = stagesOf(groups);
  return {
    name: parent.name,
    queueName: QUEUE_NAME,
    data: parent.payload,
    opts: { ...opts, jobId: parent.jobId },
    children: stageJobs(first, opts),
  };
}

/** Every child id of a flow (for cancelling it). */
export function flowChildIds(parentId: string, groups: PlatformConfig['jobs']['groups']): string[] {
  return groups.flat().map((service) => childJobId(parentId, service));
}

/** How one child ended. */
export type SettleChild = (child: FlowChild) => Promise<ChildOutcome>;

/**
 * Settles every child: stage after stage (`awaitStage` first, when given: a worker's parent queues
 * a later stage there), a stage's groups in parallel, a group's children in order; outcomes in plan order.
 */
export async function settleFlow(
  plan: readonly FlowChild[][],
  settle: SettleChild,
  awaitStage?: (stage: FlowStage, index: number) => Promise<void>,
): Promise<ChildOutcome[]> {
  const outcomes = new Map<string, ChildOutcome>();
  for (const [index, stage] of stagesOf(plan).entries()) {
    if (index > 0) await awaitStage?.(stage, index);
    await Promise.all(
      stage.map(async (group) => {
        for (const child of group) outcomes.set(child.jobId, await settle(child));
      }),
    );
  }
  return plan.flat().flatMap((child) => outcomes.get(child.jobId) ?? []);
}

/**
 * The worker's children have run before their parent (BullMQ): their ids are deterministic, so a
 * failed one is found as well as a finished one.
 */
export function settleQueued(queue: Queue, deps: JobDeps) {
  return async (service: ServiceName, childId: string): Promise<ChildOutcome> => {
    const resultId = (await deps.store.journal.read(JournalStep.measured(childId))) ?? null;
    if (resultId) return { service, resultId, error: null };
    const child = await Job.fromId(queue, childId);
    const failed = child?.failedReason ? errorFromReason(child.failedReason).userMessage : undefined;
    return { service, resultId: null, error: failed ?? 'no result' };
  };
}

/** What the in-process runner needs of the child kind (`kinds/baseline.ts`). */
export interface ChildKind {
  title(request: { service: ServiceName }): string;
  run(payload: BaselinePayload, deps: JobDeps, ctx: JobContext): Promise<BaselineReturn>;
}

/** The CLI runs each child now, in this process; a failure is reported in its status line and kept. */
export function settleInline(kind: ChildKind, deps: JobDeps, ctx: JobContext): SettleChild {
  return async (child) => {
    const childCtx: JobContext = { ...ctx, jobId: child.jobId, attempt: 1 };
    try {
      const done = await kind.run(child.payload, deps, childCtx);
      return { service: child.service, resultId: done.resultId, error: null };
    } catch (error) {
      const perf = asPerfError(error);
      const thread = { origin: child.payload.origin, title: kind.title(child.payload) };
      await reportFailure(thread, perf, deps, child.jobId);
      return { service: child.service, resultId: null, error: perf.userMessage };
    }
  };
}

/**
 * The parent's own work, once every child has ended (failed ones included): one overview, a table
 * across services and one chart. Each child has posted its own result.
 */
export async function postOverview(
  payload: BaselineAllPayload,
  outcomes: readonly ChildOutcome[],
  deps: JobDeps,
  ctx: JobContext,
): Promise<ChildOutcome[]> {
  const thread: Thread = { origin: payload.origin, title: FLOW_TITLE };
  // No progress line: the flow's status has said "running" since its first child started, and the
  // overview follows the children's results at once (a "starting" edit here would only delay it).
  const rows = await Promise.all(
    outcomes.map(async (o) => {
      const result = o.resultId ? await deps.store.results.get(o.resultId) : undefined;
      return { service: o.service, ...(result ? { result } : {}), ...(o.error ? { error: o.error } : {}) };
    }),
  );
  const step = JournalStep.overview(ctx.jobId);
  if ((await deps.store.journal.read(step)) === undefined) {
    await deps.notifier.postInThread(payload.origin.thread, buildOverview(rows));
    await deps.store.journal.record(step, ctx.jobId);
  }
  const entries = rows.flatMap((row) => (row.result ? headline(row.result) : []));
  if (entries.length > 0)
    await deliverCharts(thread, [buildOverviewChart(entries, ctx.jobId)], deps, ctx.jobId);
  await markDone(thread, deps, ctx.jobId);
  return [...outcomes];
}

/** A service's headline: the metric of its first target (else its first metric). */
function headline(result: ProbeResult) {
  const withTarget = result.summary.find((s) => s.target !== null && s.median !== null);
  const summary = withTarget ?? result.summary.find((s) => s.median !== null);
  const metric = result.metrics.find((m) => m.key === summary?.key);
  return summary && metric
    ? [{ service: result.service, metric, summary, simulated: result.context.simulated }]
    : [];
}

/** A child that has not started when its flow was cancelled stops here. */
export async function throwIfFlowCancelled(payload: BaselinePayload, deps: JobDeps): Promise<void> {
  if (!payload.partOf) return;
  if ((await deps.store.journal.read(JournalStep.flowCancelled(payload.partOf))) === undefined) return;
  throw new PerfError('cancelled', `${payload.partOf} was cancelled`, {
    userMessage: `Cancelled with the rest of \`${payload.partOf}\` before it started.`,
  });
}

/**
 * The parent of a flow only runs when every child has ended: its thread's status says "running" from
 * the moment the first child starts (once, whichever it is).
 */
export async function markFlowRunning(payload: BaselinePayload, deps: JobDeps): Promise<void> {
  const flowId = payload.partOf;
  if (flowId === undefined) return;
  if (!(await deps.store.journal.record(JournalStep.flowRunning(flowId), flowId))) return;
  const view = {
    title: FLOW_TITLE,
    state: 'running',
    requestedBy: payload.origin.userId,
    jobId: flowId,
  } as const;
  await deps.notifier
    .update(
      statusRefOf(payload.origin),
      buildStatus({
        ...view,
        detail: threadDetail(payload.origin.source, 'each service reports in this thread'),
      }),
      { bestEffort: true },
    )
    .catch((error: unknown) => deps.log.warn({ err: error }, 'status update failed'));
}

function errorFromReason(reason: string): PerfError {
  try {
    return asPerfError(JSON.parse(reason));
  } catch {
    return asPerfError(new Error(reason));
  }
}
