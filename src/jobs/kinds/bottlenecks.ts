import {
  type BottlenecksPayload,
  BottlenecksPayloadSchema,
  type BottlenecksReturn,
  JobName,
} from '../contracts.js';
import type { JobKind } from './kind.js';

/**
 * `bottlenecks [service]` (issue #17): the cluster read once, in parallel, and the rules ranked. It
 * starts no benchmark and takes no lock (it only reads), so a baseline or a change in flight never
 * holds it up.
 */
export const bottlenecks: JobKind<BottlenecksPayload, BottlenecksReturn> = {
  name: JobName.bottlenecks,
  payload: BottlenecksPayloadSchema,
  fromCommand: (command) =>
    command.kind === 'bottlenecks'
      ? command.service === undefined
        ? {}
        : { service: command.service }
      : undefined,
  title: (request) => `bottlenecks${request.service ? ` ${request.service}` : ''}`,
  admit: () => undefined,
  // Loaded when a job runs: the bot queues this kind, and must not load the collection (pg, Trino).
  run: async (payload, deps, ctx) =>
    (await import('../workers/bottlenecks.js')).runBottlenecks(
      payload,
      bottlenecks.title(payload),
      deps,
      ctx,
    ),
  // Seconds of reads, nothing changed: a failure is shown at once; asking again is the retry.
  attempts: 1,
};
