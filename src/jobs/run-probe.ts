import { PREVIOUS_SEARCH_DEPTH, selectPrevious } from '../analysis/previous.js';
import { summarize } from '../analysis/summarize.js';
import type { BaselineOptions } from '../commands/options.js';
import { PerfError, throwIfAborted } from '../errors.js';
import { type KubePort, SIMULATED_SPEED_LABEL } from '../kube/port.js';
import type { Probe, ProbeDeps } from '../probes/types.js';
import type { ProbeResult, Run } from '../results/schema.js';
import type { JobContext, JobDeps } from './deps.js';

/** A run's raw output is kept, but capped: a chatty tool must not bloat the store. */
const RAW_LIMIT = 64 * 1024;
/** Distinct tool warnings kept per result: enough to see what went wrong, not a log. */
const WARNINGS_LIMIT = 20;

/**
 * Runs a probe the way DESIGN.md's "Benchmark hygiene" asks: prepare once, one discarded warm-up
 * when the probe wants it, then N measured runs, each with its samples and raw output; then the
 * summary against the targets and the last stored baseline.
 */
export async function measure(
  probe: Probe,
  options: BaselineOptions,
  deps: JobDeps,
  ctx: JobContext,
  abandoned: AbandonedExecs = { until: 0 },
): Promise<ProbeResult> {
  const probeDeps: ProbeDeps = {
    ...deps,
    kube: withSignal(deps.kube, ctx.signal, abandoned, deps.clock.now),
    signal: ctx.signal,
    progress: ctx.progress,
  };
  const startedAt = new Date(deps.clock.now()).toISOString();
  const runs = probe.runs(options, deps.platform);
  const total = runs + (probe.warmup ? 1 : 0);
  ctx.progress({ step: 'prepare', message: 'preparing', pct: 2 });
  const prepared = await probe.prepare(probeDeps, options);
  const measured: Run[] = [];
  const warnings = new Set<string>();
  let details: unknown;
  try {
    for (let i = 0; i < total; i++) {
      throwIfAborted(ctx.signal, 'between runs');
      const warm = probe.warmup && i === 0;
      const label = warm ? 'warm-up run (discarded)' : `run ${measured.length + 1} of ${runs}`;
      ctx.progress({ step: 'run', message: label, pct: 5 + (90 * i) / total });
      const t0 = deps.clock.now();
      const out = await probe.runOnce(probeDeps, prepared, i);
      if (warm) continue;
      measured.push({
        index: measured.length,
        startedAt: new Date(t0).toISOString(),
        durationMs: deps.clock.now() - t0,
        samples: out.samples,
        raw:
          out.raw.length > RAW_LIMIT
            ? `${out.raw.slice(0, RAW_LIMIT)}\n[… cut at ${RAW_LIMIT} bytes]`
            : out.raw,
        ...(out.invalid === undefined ? {} : { invalid: out.invalid }),
      });
      for (const w of out.warnings ?? []) if (warnings.size < WARNINGS_LIMIT) warnings.add(w);
      if (out.details !== undefined) details = out.details;
    }
  } finally {
    await prepared.close?.();
  }
  const service = probe.service;
  const params = { ...prepared.params, runs, warmup: probe.warmup };
  const timeScale = deps.simulated ? await simulatedTimeScale(deps.kube) : undefined;
  const context = {
    ...prepared.context,
    simulated: deps.simulated,
    ...(timeScale === undefined ? {} : { timeScale }),
  };
  // Like-for-like only: the newest stored result with the same params on the same kind of platform.
  const history = await deps.store.results.history(service, PREVIOUS_SEARCH_DEPTH);
  const { previous, comparison } = selectPrevious({ params, context }, history);
  const targets = deps.platform.services[service].targets;
  const finishedAt = new Date(deps.clock.now()).toISOString();
  return {
    id: resultId(finishedAt, service, ctx.jobId),
    service,
    startedAt,
    finishedAt,
    params,
    metrics: [...probe.metrics],
    runs: measured,
    // A run marked invalid is kept (and shown) but is not a sample.
    summary: summarize(
      probe.metrics,
      measured.filter((r) => r.invalid === undefined),
      targets,
      previous,
    ),
    context,
    details,
    previousId: previous?.id ?? null,
    ...(warnings.size > 0 ? { warnings: [...warnings] } : {}),
    ...(comparison ? { comparison } : {}),
  };
}

/** The simulated platform's speed, from its nodes (`SIMULATED_SPEED_LABEL`); undefined if they do not say. */
async function simulatedTimeScale(kube: KubePort): Promise<number | undefined> {
  const nodes = await kube.listNodes().catch(() => []);
  const label = nodes.map((n) => n.labels[SIMULATED_SPEED_LABEL]).find((v) => v !== undefined);
  const speed = label === undefined ? Number.NaN : Number(label);
  return Number.isFinite(speed) && speed >= 0 ? speed : undefined;
}

/**
 * When perfbot stopped waiting on a command that may still run in its pod (cancel, shutdown, a
 * dropped stream): the latest time it could still be running. The measurement lock is held until
 * then, so that the next baseline does not measure a cluster still under this one's load.
 */
export interface AbandonedExecs {
  until: number;
}

/** Every exec of a probe stops when its job is cancelled, without each probe passing the signal on. */
function withSignal(
  kube: KubePort,
  signal: AbortSignal,
  abandoned: AbandonedExecs,
  now: () => number,
): KubePort {
  const exec: KubePort['exec'] = async (request) => {
    const started = now();
    try {
      return await kube.exec({ signal, ...request });
    } catch (error) {
      // The stream is gone but the command may run on in the pod, up to its timeout at most.
      if (error instanceof PerfError && (signal.aborted || error.context.streamLost === true)) {
        abandoned.until = Math.max(abandoned.until, started + request.timeoutMs);
      }
      throw error;
    }
  };
  return {
    listPods: (namespace, selector) => kube.listPods(namespace, selector),
    findReadyPod: (namespace, selector) => kube.findReadyPod(namespace, selector),
    exec,
    getObject: (ref) => kube.getObject(ref),
    patchObject: (ref, patch, options) => kube.patchObject(ref, patch, options),
    listEvents: (namespace, name) => kube.listEvents(namespace, name),
    podLogs: (request) => kube.podLogs(request),
    deletePod: (namespace, name) => kube.deletePod(namespace, name),
    listNodes: () => kube.listNodes(),
    nodeUsage: () => kube.nodeUsage(),
    podUsage: (namespace) => kube.podUsage(namespace),
    serviceFetch: (service) => kube.serviceFetch(service),
    cadvisorMetrics: (node, options) => kube.cadvisorMetrics(node, options),
  };
}

/** Ids start with the finish time so that name order is time order (the file store relies on it). */
function resultId(finishedAt: string, service: string, jobId: string): string {
  const stamp = finishedAt.replace(/[-:.]/g, '');
  return `${stamp}-${service}-${jobId.replace(/[^A-Za-z0-9]/g, '').slice(-12)}`;
}
