import { randomUUID } from 'node:crypto';
import { PerfError, throwIfAborted } from '../../errors.js';
import type { ExecResult } from '../../kube/port.js';
import type { Prepared, Probe, ProbeDeps, RunOutput } from '../types.js';
import {
  consumerArgv,
  type KafkaConfig,
  type KafkaParams,
  producerArgv,
  resolveParams,
  topicArgv,
} from './argv.js';
import {
  DEADLINE_EXIT,
  type DeadlineContext,
  deadlineError,
  execTimeoutError,
  inPodDeadlineSeconds,
  withDeadline,
} from './deadline.js';
import { diagnoseFailure, diagnoseKnownCause } from './diagnose.js';
import { readHeapOpts } from './heap.js';
import { kafkaMetrics, toSamples } from './metrics.js';
import { parseConsumerOutput, parseProducerOutput } from './parse.js';
import { kafkaRunProblems } from './validity.js';

/** What `prepare` hands to each run. */
interface KafkaHandle {
  kind: 'kafka';
  cfg: KafkaConfig;
  params: KafkaParams;
  namespace: string;
  pod: string;
  container: string;
  timeoutMs: number;
  /** The tools' in-pod deadline (`timeout`), a little under `timeoutMs`; undefined when turned off. */
  deadlineSeconds: number | undefined;
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
  throwIfAborted(deps.signal, 'kafka, before find broker pod');
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
    deadlineSeconds: cfg.inPodTimeout ? inPodDeadlineSeconds(cfg.timeoutSeconds) : undefined,
  };
  throwIfAborted(deps.signal, 'kafka, before create topic');
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
  throwIfAborted(deps.signal, 'kafka, before produce');
  const produced = await runTool(deps, h, 'produce', producerArgv(h.cfg, h.params));
  const producer = parseProducerOutput(produced.output);
  if (!producer.ok) throw diagnoseParsed(h, 'produce', produced, producer.error);
  throwIfAborted(deps.signal, 'kafka, before consume');
  const group = `perfbot-${deps.clock.now().toString(36)}-${index}-${randomUUID().slice(0, 8)}`;
  const timeoutMs = Math.min(CONSUMER_TIMEOUT_MS, h.timeoutMs);
  const consumed = await consume(deps, h, group, timeoutMs);
  const consumer = parseConsumerOutput(consumed.output);
  if (!consumer.ok) throw diagnoseParsed(h, 'consume', consumed, consumer.error);
  // A consumer that gave up waiting read only part of the records, and its msgs/s includes the idle
  // wait: that figure is not a throughput, so the run counts for the producer only.
  const timedOut = consumer.value.timedOut;
  if (timedOut) deps.log.warn({ service: 'kafka', run: index }, CONSUMER_DROPPED);
  const problems = kafkaRunProblems(h.params.records, producer.value, timedOut ? undefined : consumer.value);
  return {
    samples: toSamples(producer.value, timedOut ? undefined : consumer.value),
    ...(problems.length > 0 ? { invalid: problems.join('; ') } : {}),
    warnings: [...producer.value.warnings, ...consumer.value.warnings],
    raw: `${produced.transcript}\n${consumed.transcript}${timedOut ? `\n# perfbot: ${CONSUMER_DROPPED}` : ''}`,
    details: {
      producerWindows: producer.value.windows,
      producerWarnings: producer.value.warnings,
      consumerWarnings: consumer.value.warnings,
      consumerTimedOut: consumer.value.timedOut,
    },
  };
}

/**
 * Kafka renamed the consumer's broker flag: `--broker-list` before 2.5, `--bootstrap-server` from
 * 2.5, and 4.0 dropped `--broker-list`. When the tool refuses the configured one as "not a
 * recognized option" (joptsimple), the other is tried once and kept for the job's later runs.
 */
async function consume(deps: ProbeDeps, h: KafkaHandle, group: string, timeoutMs: number): Promise<ToolRun> {
  try {
    return await runTool(deps, h, 'consume', consumerArgv(h.cfg, h.params, group, timeoutMs));
  } catch (error) {
    const flag = h.cfg.consumerBrokerFlag;
    if (!(error instanceof PerfError) || !refusedFlag(error, flag)) throw error;
    const other = flag === '--bootstrap-server' ? '--broker-list' : '--bootstrap-server';
    deps.log.info(
      { service: 'kafka', refused: flag, using: other },
      'this Kafka version wants the other broker flag',
    );
    h.cfg = { ...h.cfg, consumerBrokerFlag: other };
    return runTool(deps, h, 'consume', consumerArgv(h.cfg, h.params, group, timeoutMs));
  }
}

function refusedFlag(error: PerfError, flag: string): boolean {
  const text = `${String(error.context.lastLines ?? '')}\n${error.userMessage}`;
  return text.includes(`${flag.slice(2)} is not a recognized option`);
}

const CONSUMER_DROPPED =
  'the consumer timed out before reading every record: its figures are left out of this run';

interface ToolRun {
  tool: string;
  /** stdout then stderr: what the parser and the diagnosis read. */
  output: string;
  exitCode: number;
  /** The command line and its output, kept as the run's `raw`. */
  transcript: string;
}

/**
 * Runs one tool in the broker pod, under the in-pod deadline when configured. The exec's own timeout
 * is not passed the job's abort signal: closing the stream early would not stop the tool, and the
 * next job could then overlap its load.
 */
async function runTool(deps: ProbeDeps, h: KafkaHandle, step: string, argv: string[]): Promise<ToolRun> {
  const tool = (argv[0] ?? '').split('/').at(-1) ?? '';
  const command = withDeadline(argv, h.deadlineSeconds);
  const deadline: DeadlineContext = {
    tool,
    step,
    timeoutSeconds: Math.round(h.timeoutMs / 1000),
    deadlineSeconds: h.deadlineSeconds,
    records: h.params.records,
  };
  let result: ExecResult;
  try {
    const { namespace, pod, container, timeoutMs } = h;
    result = await deps.kube.exec({ namespace, pod, container, command, timeoutMs });
  } catch (error) {
    if (error instanceof PerfError && error.code === 'timeout') throw execTimeoutError(deadline, error);
    throw error;
  }
  const output = [result.stdout, result.stderr].filter((s) => s !== '').join('\n');
  const run: ToolRun = {
    tool,
    output,
    exitCode: result.exitCode,
    transcript: `$ ${command.join(' ')}\n${output}`,
  };
  if (h.deadlineSeconds !== undefined && result.exitCode === DEADLINE_EXIT) {
    throw deadlineError(deadline, output);
  }
  if (result.exitCode !== 0) throw diagnoseFailure(failed(h, step, run));
  return run;
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
