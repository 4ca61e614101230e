import { JobName, type ProposalReturn, type TunePayload, TunePayloadSchema } from '../contracts.js';
import type { JobKind } from './kind.js';

/** `tune <component> <knob-set> [key=value …] [--dry-run]`: proposes a change; its card goes in the thread. */
export const tune: JobKind<TunePayload, ProposalReturn> = {
  name: JobName.tune,
  payload: TunePayloadSchema,
  fromCommand: (command) =>
    command.kind === 'tune'
      ? {
          component: command.component,
          knobSet: command.knob,
          settings: command.settings,
          dryRun: command.dryRun ?? false,
        }
      : undefined,
  title: (request) => `tune ${request.component} ${request.knobSet}${request.dryRun ? ' (dry run)' : ''}`,
  // The knob set checks its keys and values against its own schema when it proposes.
  admit: () => undefined,
  // Loaded when a job runs: the bot queues this kind, and must not load the knob sets (pg, the JVM checks).
  run: async (payload, deps, ctx) =>
    (await import('../changes/tune.js')).runTune(payload, tune.title(payload), deps, ctx),
};
