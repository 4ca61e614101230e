import { JobName, type ValidateOutcome, type ValidatePayload, ValidatePayloadSchema } from '../contracts.js';
import { runValidate } from '../workers/validate.js';
import type { JobKind } from './kind.js';

/** `validate <service|all>`: the same probe re-run and judged against a stored result (issue #16). */
export const validateKind: JobKind<ValidatePayload, ValidateOutcome[]> = {
  name: JobName.validate,
  payload: ValidatePayloadSchema,
  fromCommand: (command) =>
    command.kind === 'validate'
      ? {
          target: command.target,
          ...(command.against === undefined ? {} : { against: command.against }),
          ...(command.runs === undefined ? {} : { runs: command.runs }),
        }
      : undefined,
  title: (request) => `validate ${request.target}`,
  admit(payload, platform) {
    const cap = platform.validation.maxRuns;
    if (payload.runs !== undefined && payload.runs > cap)
      return `--runs ${payload.runs} is over validation.maxRuns (${cap})`;
    return undefined;
  },
  run: (payload, deps, ctx) => runValidate(payload, validateKind.title(payload), deps, ctx),
  // A retry would measure again from the start: a failure is reported rather than retried.
  attempts: 1,
};
