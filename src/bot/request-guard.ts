import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import { asPerfError } from '../errors.js';
import type { Logger } from '../log.js';
import type { AuditLog } from '../store/audit.js';
import type { Journal } from '../store/journal.js';
import { JournalStep } from '../store/keys.js';

/** Bolt's replay window (a signed request stays valid 5 minutes): a request is remembered this long. */
export const REPLAY_WINDOW_MS = 5 * 60 * 1000;

/** The context key under which the HTTP receiver hands over the request's `X-Slack-Signature`. */
export const SIGNATURE_PROPERTY = 'requestSignature';

/** Who sent a slash command or a click, and what identifies the request (pure, from Slack's body). */
export interface RequestIdentity {
  kind: 'command' | 'click';
  userId: string;
  /** Every workspace the body names: the request's and the user's. */
  teamIds: string[];
  enterpriseId: string | undefined;
  triggerId: string | undefined;
}

export interface RequestGuardDeps {
  journal: Journal;
  audit: AuditLog;
  log: Logger;
  /** The workspaces (T…) and organizations (E…) served; known once the app has started. */
  allowedTeams(): ReadonlySet<string>;
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
const field = (o: unknown, key: string): unknown =>
  typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[key] : undefined;

/** A slash command's form fields or a `block_actions` payload; anything else is no concern here. */
export function identify(body: unknown): RequestIdentity | undefined {
  const triggerId = str(field(body, 'trigger_id'));
  if (str(field(body, 'command')) !== undefined) {
    const teamIds = [str(field(body, 'team_id'))].filter((t): t is string => t !== undefined);
    const enterpriseId = str(field(body, 'enterprise_id'));
    return { kind: 'command', userId: str(field(body, 'user_id')) ?? '?', teamIds, enterpriseId, triggerId };
  }
  if (field(body, 'type') !== 'block_actions') return undefined;
  const user = field(body, 'user');
  const teamIds = [str(field(field(body, 'team'), 'id')), str(field(user, 'team_id'))];
  return {
    kind: 'click',
    userId: str(field(user, 'id')) ?? '?',
    teamIds: [...new Set(teamIds.filter((t): t is string => t !== undefined))],
    enterpriseId: str(field(field(body, 'enterprise'), 'id')),
    triggerId,
  };
}

/** Served when its organization is, or when every workspace it names is (none named: not served). */
export function isServed(who: RequestIdentity, allowed: ReadonlySet<string>): boolean {
  if (who.enterpriseId !== undefined && allowed.has(who.enterpriseId)) return true;
  return who.teamIds.length > 0 && who.teamIds.every((t) => allowed.has(t));
}

type Ack = (response?: unknown) => Promise<void>;
type Respond = (message: Record<string, unknown>) => Promise<unknown>;

/**
 * Global Bolt middleware, before any listener: a slash command or click from a workspace that is
 * not served is refused (ephemerally) and audited; one already seen within Bolt's replay window
 * (the same signature in HTTP mode, the same trigger id in Socket Mode) is acked empty and dropped,
 * so a replayed request starts no second job and posts no second message.
 *
 * @example app.use(createRequestGuard({ journal, audit, log, allowedTeams: () => teams }))
 */
export function createRequestGuard(deps: RequestGuardDeps): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const who = identify(args.body);
    if (who === undefined) return args.next();
    const ack = (args as { ack?: Ack }).ack;
    if (!isServed(who, deps.allowedTeams()))
      return refuseForeign(who, ack, args as { respond?: Respond }, deps);
    const signature = str(args.context[SIGNATURE_PROPERTY]);
    const fingerprint = signature ?? (who.triggerId === undefined ? undefined : `trigger:${who.triggerId}`);
    if (fingerprint !== undefined && !(await firstTime(fingerprint, deps))) {
      deps.log.warn({ kind: who.kind, userId: who.userId }, 'dropped a replayed Slack request');
      await ack?.();
      return;
    }
    await args.next();
  };
}

/** True unless the request was seen within the window; a store that does not answer lets it through. */
async function firstTime(fingerprint: string, deps: RequestGuardDeps): Promise<boolean> {
  try {
    return await deps.journal.recordOnce(JournalStep.request(fingerprint), REPLAY_WINDOW_MS);
  } catch (error) {
    // No store, no job either: the command's own answer tells the user about the outage.
    deps.log.warn({ err: asPerfError(error).message }, 'could not check a Slack request for replay');
    return true;
  }
}

async function refuseForeign(
  who: RequestIdentity,
  ack: Ack | undefined,
  args: { respond?: Respond },
  deps: RequestGuardDeps,
): Promise<void> {
  const from = who.enterpriseId ?? who.teamIds.join(', ');
  const text = `perfbot does not serve this Slack workspace (${from || 'none named'}): nothing was run.`;
  deps.log.warn({ kind: who.kind, userId: who.userId, teams: who.teamIds }, 'refused a foreign workspace');
  if (who.kind === 'command') await ack?.({ response_type: 'ephemeral', text });
  else {
    await ack?.();
    await args
      .respond?.({ response_type: 'ephemeral', replace_original: false, text })
      .catch(() => undefined);
  }
  await deps.audit
    .append({
      actor: who.userId,
      action: who.kind,
      outcome: 'refused',
      detail: {
        reason: 'workspace not served (slack.teams)',
        teams: who.teamIds.join(','),
        ...(who.enterpriseId === undefined ? {} : { enterprise: who.enterpriseId }),
      },
    })
    .catch((error: unknown) => deps.log.error({ err: asPerfError(error) }, 'audit append failed'));
}
