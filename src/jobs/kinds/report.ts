import { JobName, type ReportOutcome, type ReportPayload, ReportPayloadSchema } from '../contracts.js';
import { runReport } from '../workers/report.js';
import type { JobKind } from './kind.js';

/** The window a report covers when `--since` is not given, in days. */
export const REPORT_DEFAULT_DAYS = 7;

/** `report [--since Nd]`: the performance report from the store and the ledger; touches no cluster. */
export const report: JobKind<ReportPayload, ReportOutcome> = {
  name: JobName.report,
  payload: ReportPayloadSchema,
  fromCommand: (command) =>
    command.kind === 'report' ? { sinceDays: command.sinceDays ?? REPORT_DEFAULT_DAYS } : undefined,
  title: (request) => `report --since ${request.sinceDays}d`,
  admit: () => undefined,
  run: (payload, deps, ctx) => runReport(payload, report.title(payload), deps, ctx),
  // Cheap and touching no cluster, as history: a failure is shown at once rather than retried.
  attempts: 1,
};
