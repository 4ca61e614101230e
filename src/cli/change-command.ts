import type { Readable } from 'node:stream';
import type { ChangeRecord } from '../changes/record.js';
import type { Command } from '../commands/command.js';
import type { ComponentName } from '../domain/components.js';
import { asPerfError } from '../errors.js';
import { createChangeActions } from '../jobs/changes/actions.js';
import type { ApplyReturn } from '../jobs/changes/apply.js';
import { ProposalReturnSchema } from '../jobs/contracts.js';
import type { JobDeps } from '../jobs/deps.js';
import { buildChangesLedger, ChangeAction } from '../present/change-card.js';
import { handleInteraction } from '../present/interaction.js';
import { renderText } from '../present/text.js';
import type { Store } from '../store/port.js';
import { confirm } from './prompt.js';
import { type CliIo, Exit, runInProcess } from './run-command.js';

/** A proposal the terminal runs: `tune …` or `rollback …`. */
export type ChangeCommand = Extract<Command, { kind: 'tune' | 'rollback' }>;

export interface ChangeRunOptions {
  /** `--yes`: apply without asking (scripts). */
  yes: boolean;
  /** The kubeconfig's identity: the requester and the approver of what this terminal changes. */
  identity: string;
  /** Where the answer to "Apply this change? [y/N]" is read. */
  input: Readable;
}

/**
 * `perfbot tune …` / `perfbot rollback …`: the same proposal job a worker runs, its card printed by
 * the text renderer, then "Apply this change? [y/N]" (unless `--yes`), and on yes the same Approve
 * handler a Slack click runs, as the kubeconfig's identity, then the apply in this process. The rules
 * that need other people (two approvers, none the requester) are Slack's: the card says so.
 * Exit codes: 0 applied (or a dry run shown), 1 failed or not applied, 5 refused by its checks.
 */
export async function runChangeCommand(
  command: ChangeCommand,
  deps: JobDeps,
  signal: AbortSignal,
  io: CliIo,
  options: ChangeRunOptions,
): Promise<number> {
  const proposed = await runInProcess(command, deps, signal, { user: options.identity });
  if (!proposed.ok) return Exit.failed;
  const proposal = ProposalReturnSchema.parse(proposed.value);
  if (proposal.refused.length > 0) {
    io.err(
      `Refused by its checks, nothing applied:\n${proposal.refused.map((r) => `  - ${r}`).join('\n')}\n`,
    );
    return Exit.refused;
  }
  if (!proposal.stored) return Exit.ok;
  const record = await deps.store.changes.get(proposal.changeId);
  if (!record) return Exit.failed;
  const terminal = { input: options.input, output: { write: io.out } };
  const yes = options.yes || (await confirm('Apply this change? [y/N] ', terminal));
  let approved: ChangeRecord | undefined;
  const registry = createChangeActions({
    platform: deps.platform,
    changes: deps.store.changes,
    audit: deps.store.audit,
    notifier: deps.notifier,
    kube: async () => deps.kube,
    resolveUserGroups: async () => [],
    startApply: async (r) => {
      approved = r;
    },
    now: deps.clock.now,
    log: deps.log,
  });
  const actor = { id: options.identity, source: 'cli' as const };
  const value = JSON.stringify({ recordId: record.id, version: record.version });
  try {
    const card = await handleInteraction(
      registry,
      yes ? ChangeAction.approve : ChangeAction.reject,
      actor,
      value,
    );
    io.out(`${renderText(card)}\n`);
  } catch (error) {
    io.err(`${asPerfError(error).userMessage}\n`);
    return Exit.failed;
  }
  if (!yes || !approved) {
    io.out('Not applied.\n');
    return Exit.failed;
  }
  const apply = { kind: 'change-apply' as const, changeId: approved.id };
  const ran = await runInProcess(apply, deps, signal, { user: options.identity, origin: proposed.origin });
  return ran.ok && (ran.value as ApplyReturn).state === 'applied' ? Exit.ok : Exit.failed;
}

/** `perfbot changes [component]`: the ledger, from the store this CLI uses. */
export async function showChangesLedger(store: Store, component: ComponentName | undefined, io: CliIo) {
  const records = await store.changes.list(component);
  io.out(`${renderText(buildChangesLedger(records, 'cli', component))}\n`);
  return Exit.ok;
}
