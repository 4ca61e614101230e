import { type HistoryPayload, HistoryPayloadSchema, JobName } from '../contracts.js';
import { runHistory } from '../workers/history.js';
import type { JobKind } from './kind.js';

/** `history <service>`: the stored baselines as a table and a trend chart; reads the store only. */
export const history: JobKind<HistoryPayload, number> = {
  name: JobName.history,
  payload: HistoryPayloadSchema,
  fromCommand: (command) =>
    command.kind === 'history'
      ? {
          service: command.target,
          ...(command.metric === undefined ? {} : { metric: command.metric }),
          limit: command.limit ?? 20,
        }
      : undefined,
  title: (request) => `history ${request.service}${request.metric === undefined ? '' : ` ${request.metric}`}`,
  admit: () => undefined,
  run: (payload, deps, ctx) => runHistory(payload, history.title(payload), deps, ctx),
  // Cheap and touching no cluster: a failure is shown at once rather than retried.
  attempts: 1,
};
