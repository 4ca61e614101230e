import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { PerfError } from '../../errors.js';
import type { ExecResult, PodInfo } from '../../kube/port.js';
import type { Prepared, Probe, ProbeDeps, RunOutput } from '../types.js';
import {
  consumerArgv,
  type KafkaConfig,
  type KafkaParams,
  producerArgv,
  resolveParams,
  topicArgv,
} from './argv.js';
import { diagnoseFailure, diagnoseKnownCause } from './diagnose.js';
import { kafkaMetrics, toSamples } from './metrics.js';
import { parseConsumerOutput, parseProducerOutput } from './parse.js';

/** What `prepare` hands to each run. */
interface KafkaHandle {
  kind: 'kafka';
  cfg: KafkaConfig;
  params: KafkaParams;
  namespace: string;
  pod: string;
  container: string;
  timeoutMs: number;
}

/**
 * The consumer's `--timeout`: the longest pause between two fetched batches before it gives up.
 * A new group's first join alone takes ~3 s (`group.initial.rebalance.delay.ms`), and a busy broker
 * can pause longer; 30 s avoids false "timed out" runs without hiding a stalled consumer for long.
 */
const CONSUMER_TIMEOUT_MS = 30_000;

export const kafkaProbe: Probe = {
  service: 'kafka',
  metrics: kafkaMetrics,
  // No discarded warm-up: one run produces and consumes a million records over tens of seconds, so
  // the JIT, connections and page cache are warm after its first 5 s window, and a whole extra run
  // would double the time a baseline loads the cluster.
  warmup: false,
  runs: (options, platform) => options.runs ?? platform.services.kafka.runs,
  prepare,
  runOnce,
};

async function prepare(deps: ProbeDeps, options: Parameters<Probe['prepare']>[1]): Promise<Prepared> {
  const cfg = deps.platform.services.kafka;
  const params = resolveParams(cfg, options);
  checkAborted(deps.signal, 'find broker pod');
  const pod = await deps.kube.findReadyPod(cfg.namespace, cfg.selector);
  const container =
    pod.containers.find((c) => c.name === cfg.container)?.name ?? pod.containers[0]?.name ?? cfg.container;
  const handle: KafkaHandle = {
    kind: 'kafka',
    cfg,
    params,
    namespace: pod.namespace,
    pod: pod.name,
    container,
    timeoutMs: cfg.timeoutSeconds * 1000,
  };
  checkAborted(deps.signal, 'create topic');
  await runTool(deps, handle, 'create topic', topicArgv(cfg, params));
  const heap = await readHeapOpts(deps, pod, container);
  return {
    params: { ...params },
    context: {
      pod: pod.name,
      namespace: pod.namespace,
      images: pod.containers.map((c) => c.image),
      ...(heap === undefined ? {} : { settings: { KAFKA_HEAP_OPTS: heap } }),
    },
    handle,
  };
}

async function runOnce(deps: ProbeDeps, prepared: Prepared, index: number): Promise<RunOutput> {
  const h = handleOf(prepared);
  checkAborted(deps.signal, 'produce');
  const produced = await runTool(deps, h, 'produce', producerArgv(h.cfg, h.params));
  const producer = parseProducerOutput(produced.output);
  if (!producer.ok) throw diagnoseParsed(h, 'produce', produced, producer.error);
  checkAborted(deps.signal, 'consume');
  const group = `perfbot-${deps.clock.now().toString(36)}-${index}-${randomUUID().slice(0, 8)}`;
  const timeoutMs = Math.min(CONSUMER_TIMEOUT_MS, h.timeoutMs);
  const consumed = await runTool(deps, h, 'consume', consumerArgv(h.cfg, h.params, group, timeoutMs));
  const consumer = parseConsumerOutput(consumed.output);
  if (!consumer.ok) throw diagnoseParsed(h, 'consume', consumed, consumer.error);
  if (consumer.value.timedOut) {
    deps.log.warn({ service: 'kafka', run: index }, 'the consumer timed out before reading every record');
  }
  return {
    samples: toSamples(producer.value, consumer.value),
    raw: `${produced.transcript}\n${consumed.transcript}`,
    details: {
      producerWindows: producer.value.windows,
      producerWarnings: producer.value.warnings,
      consumerWarnings: consumer.value.warnings,
      consumerTimedOut: consumer.value.timedOut,
    },
  };
}

interface ToolRun {
  tool: string;
  /** stdout then stderr: what the parser and the diagnosis read. */
  output: string;
  exitCode: number;
  /** The command line and its output, kept as the run's `raw`. */
  transcript: string;
}

async function runTool(deps: ProbeDeps, h: KafkaHandle, step: string, argv: string[]): Promise<ToolRun> {
  const tool = (argv[0] ?? '').split('/').at(-1) ?? '';
  let result: ExecResult;
  try {
    result = await deps.kube.exec({
      namespace: h.namespace,
      pod: h.pod,
      container: h.container,
      command: argv,
      timeoutMs: h.timeoutMs,
    });
  } catch (error) {
    throw asExecTimeout(error, tool, step, h) ?? error;
  }
  const output = [result.stdout, result.stderr].filter((s) => s !== '').join('\n');
  const run: ToolRun = {
    tool,
    output,
    exitCode: result.exitCode,
    transcript: `$ ${argv.join(' ')}\n${output}`,
  };
  if (result.exitCode !== 0) throw diagnoseFailure(failed(h, step, run));
  return run;
}

function asExecTimeout(error: unknown, tool: string, step: string, h: KafkaHandle): PerfError | undefined {
  if (!(error instanceof PerfError) || error.code !== 'timeout') return undefined;
  const seconds = Math.round(h.timeoutMs / 1000);
  return new PerfError('timeout', `${tool} did not finish within ${seconds} s`, {
    userMessage:
      `${tool} did not finish within ${seconds} s (services.kafka.timeoutSeconds), so perfbot stopped waiting. ` +
      `Check that the brokers are healthy, or lower --records (${h.params.records}) or raise the timeout.`,
    retryable: true,
    cause: error,
    context: { service: 'kafka', step, lastLines: '' },
  });
}

/** A run that exited 0 but printed no usable figures: a known cause if its output shows one. */
function diagnoseParsed(h: KafkaHandle, step: string, run: ToolRun, parseError: PerfError): PerfError {
  return diagnoseKnownCause(failed(h, step, run)) ?? parseError;
}

function failed(h: KafkaHandle, step: string, run: ToolRun) {
  return {
    tool: run.tool,
    step,
    output: run.output,
    exitCode: run.exitCode,
    topic: h.params.topic,
    bootstrapServer: h.cfg.bootstrapServer,
    replicationFactor: h.params.replicationFactor,
  };
}

function handleOf(prepared: Prepared): KafkaHandle {
  const h = prepared.handle as Partial<KafkaHandle> | undefined;
  if (h?.kind !== 'kafka') throw new PerfError('internal', 'kafka runOnce was given another probe’s handle');
  return h as KafkaHandle;
}

function checkAborted(signal: AbortSignal, step: string): void {
  if (!signal.aborted) return;
  throw new PerfError('cancelled', `kafka probe cancelled before ${step}`, {
    userMessage: 'Cancelled before it finished.',
    context: { service: 'kafka', step },
  });
}

const PodEnv = z.looseObject({
  spec: z.looseObject({
    containers: z.array(
      z.looseObject({
        name: z.string(),
        env: z.array(z.looseObject({ name: z.string(), value: z.string().optional() })).optional(),
      }),
    ),
  }),
});

/** The broker's `KAFKA_HEAP_OPTS`, when the pod spec sets it (context only: failure is not an error). */
async function readHeapOpts(deps: ProbeDeps, pod: PodInfo, container: string): Promise<string | undefined> {
  try {
    const obj = await deps.kube.getObject({
      apiVersion: 'v1',
      kind: 'Pod',
      namespace: pod.namespace,
      name: pod.name,
    });
    const parsed = PodEnv.safeParse(obj);
    if (!parsed.success) return undefined;
    const c = parsed.data.spec.containers.find((x) => x.name === container);
    return c?.env?.find((e) => e.name === 'KAFKA_HEAP_OPTS')?.value;
  } catch (error) {
    deps.log.debug(
      { err: error, service: 'kafka' },
      'could not read the broker pod spec for its heap setting',
    );
    return undefined;
  }
}
