import { BASELINE_OPTIONS } from '../../commands/options.js';
import { foreignOption } from '../../commands/target-options.js';
import { serviceOf } from '../../domain/services.js';
import { type BaselinePayload, BaselinePayloadSchema, type BaselineReturn, JobName } from '../contracts.js';
import { runBaseline } from '../workers/baseline.js';
import type { JobKind } from './kind.js';

/** `baseline <service>`: one service measured, its summary and charts posted in the thread. */
export const baseline: JobKind<BaselinePayload, BaselineReturn> = {
  name: JobName.baseline,
  payload: BaselinePayloadSchema,
  fromCommand: (command) =>
    command.kind === 'baseline' && command.target !== 'all'
      ? { service: command.target, options: command.options }
      : undefined,
  title: (request) => `baseline ${request.service}`,
  admit(payload, platform) {
    const foreign = foreignOption(payload.service, payload.options);
    if (foreign !== undefined)
      return `--${BASELINE_OPTIONS[foreign].flag} does not apply to ${payload.service}`;
    return serviceOf(payload.service).loadCap?.(payload.options, platform);
  },
  run: (payload, deps, ctx) => runBaseline(payload, baseline.title(payload), deps, ctx),
};
