import { JobName, type ProposalReturn, type RollbackPayload, RollbackPayloadSchema } from '../contracts.js';
import type { JobKind } from './kind.js';

/** `rollback <change-id>`: proposes restoring the snapshot of an applied change. */
export const rollback: JobKind<RollbackPayload, ProposalReturn> = {
  name: JobName.rollback,
  payload: RollbackPayloadSchema,
  fromCommand: (command) => (command.kind === 'rollback' ? { changeId: command.changeId } : undefined),
  title: (request) => `rollback ${request.changeId}`,
  admit: () => undefined,
  // Loaded when a job runs: the bot queues this kind, and must not load the knob sets (pg, the JVM checks).
  run: async (payload, deps, ctx) =>
    (await import('../changes/rollback.js')).runRollbackProposal(payload, rollback.title(payload), deps, ctx),
};
