import type { ApplyReturn } from '../changes/apply.js';
import { type ChangeApplyPayload, ChangeApplyPayloadSchema, JobName } from '../contracts.js';
import type { JobKind } from './kind.js';

/** An approved change applied (queued by the last Approve click, once: its job id is the change's). */
export const changeApply: JobKind<ChangeApplyPayload, ApplyReturn> = {
  name: JobName.changeApply,
  payload: ChangeApplyPayloadSchema,
  fromCommand: (command) => (command.kind === 'change-apply' ? { changeId: command.changeId } : undefined),
  title: (request) => `apply ${request.changeId}`,
  admit: () => undefined,
  // Loaded when a job runs: the bot queues this kind, and must not load the knob sets (pg, the JVM checks).
  run: async (payload, deps, ctx) =>
    (await import('../changes/apply.js')).runChangeApply(payload, changeApply.title(payload), deps, ctx),
};
