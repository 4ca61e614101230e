import { z } from 'zod';
import type { PlatformConfig } from '../../config/platform.js';
import { PerfError } from '../../errors.js';
import { OriginSchema } from '../contracts.js';
import type { QueuedCommand } from '../dispatcher.js';
import { baseline } from './baseline.js';
import { baselineAll } from './baseline-all.js';
import { bottlenecks } from './bottlenecks.js';
import { changeApply } from './change-apply.js';
import { history } from './history.js';
import type { JobEnvelope, JobKind } from './kind.js';
import { report } from './report.js';
import { rollback } from './rollback.js';
import { tune } from './tune.js';
import { validateKind } from './validate.js';

/**
 * Every kind of job perfbot runs. Adding one is its file here and one entry in this list: the worker
 * runs it, the dispatcher queues it and the CLI runs it in process by looking it up.
 */
export const JOB_KINDS: readonly JobKind[] = [
  baseline,
  baselineAll,
  history,
  tune,
  rollback,
  changeApply,
  validateKind,
  report,
  bottlenecks,
];

const BY_NAME = new Map(JOB_KINDS.map((k) => [k.name, k]));

/** A payload with the kind that parsed it and its title. */
export interface KindedJob {
  kind: JobKind;
  payload: JobEnvelope;
  title: string;
}

/** The kind a job-backed command runs as, with its payload and title. */
export function kindOfCommand(command: QueuedCommand, envelope: JobEnvelope): KindedJob {
  for (const kind of JOB_KINDS) {
    const request = kind.fromCommand(command);
    if (request === undefined) continue;
    return { kind, payload: kind.payload.parse({ ...request, ...envelope }), title: kind.title(request) };
  }
  throw new PerfError('internal', `no job kind runs ${command.kind}`);
}

/** The title of the job a command runs as, before its payload exists (the CLI's root message). */
export function titleOfCommand(command: QueuedCommand): string {
  for (const kind of JOB_KINDS) {
    const request = kind.fromCommand(command);
    if (request !== undefined) return kind.title(request);
  }
  return command.kind;
}

/** A job's data, parsed once by its kind. */
export type ParsedJob = ({ ok: true } & KindedJob) | { ok: false; error: PerfError };

/**
 * Parses `job.data` with its kind's schema. A refusal is typed and final (retrying the same data
 * cannot help), with a readable message, never zod's JSON.
 */
export function parseJob(name: string, data: unknown): ParsedJob {
  const kind = BY_NAME.get(name);
  if (!kind) {
    return {
      ok: false,
      error: refused(`unknown job kind ${name}`, `perfbot has no job called \`${name}\`.`),
    };
  }
  const parsed = kind.payload.safeParse(data);
  if (!parsed.success) {
    const why = z.prettifyError(parsed.error);
    return {
      ok: false,
      error: refused(
        `invalid ${name} payload: ${why}`,
        `This ${name} job's data is not valid, so it was not run:\n${why}`,
      ),
    };
  }
  return { ok: true, kind, payload: parsed.data, title: kind.title(parsed.data) };
}

/** Re-validates a parsed job against the current config; a refusal is final and says why. */
export function admitJob(job: KindedJob, platform: PlatformConfig): PerfError | undefined {
  const refusal = job.kind.admit(job.payload, platform);
  if (refusal === undefined) return undefined;
  return refused(`refused ${job.title}: ${refusal}`, `Refused before touching the cluster: ${refusal}.`);
}

/** What can be read of a job's data even when it is not valid: where to answer, and its flow. */
const EnvelopeSchema = z.object({
  origin: OriginSchema.optional().catch(undefined),
  partOf: z.string().optional().catch(undefined),
  service: z.string().optional().catch(undefined),
});

export function envelopeOf(data: unknown): z.infer<typeof EnvelopeSchema> {
  const parsed = EnvelopeSchema.safeParse(data);
  return parsed.success ? parsed.data : {};
}

function refused(message: string, userMessage: string): PerfError {
  return new PerfError('usage', message, { userMessage, retryable: false });
}
