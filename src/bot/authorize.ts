import type { CommandKind } from '../commands/command.js';
import type { PlatformConfig } from '../config/platform.js';
import { fail, ok, type Result } from '../errors.js';

export interface Refusal {
  /** Says who may run the command and where that is configured. */
  message: string;
  /** The principals of the rule: user ids, group ids, or `*`. */
  allowed: string[];
}

type Access = PlatformConfig['access'];

/**
 * Pure policy: may this user run this kind of command? A rule (`access.commands.<kind>` in
 * perfbot.yaml) lists Slack user ids (U…/W…), user group ids (S…) or `*` for everyone.
 *
 * @example authorize('U123', [], 'tune', access) // { ok: false, error: { message: 'Only … may run …', allowed } }
 */
export function authorize(
  userId: string,
  userGroups: readonly string[],
  kind: CommandKind,
  access: Access,
): Result<void, Refusal> {
  const allowed = [...access.commands[kind]];
  if (allowed.some((p) => p === '*' || p === userId || userGroups.includes(p))) return ok(undefined);
  return fail({ message: refusalMessage(kind, allowed), allowed });
}

/**
 * True when only a group in the rule could let this user in: then (and only then) the caller looks
 * up the user's groups, which costs a Slack API call per group.
 */
export function needsGroupLookup(userId: string, kind: CommandKind, access: Access): boolean {
  const rule = access.commands[kind];
  if (rule.some((p) => p === '*' || p === userId)) return false;
  return rule.some(isGroupId);
}

/** The user group ids named anywhere in the access rules (the only groups worth resolving). */
export function groupIdsIn(access: Access): string[] {
  const all = [...Object.values(access.commands).flat(), ...access.approvers];
  return [...new Set(all.filter(isGroupId))];
}

const isGroupId = (principal: string) => principal.startsWith('S');

/** Slack mention syntax, so that the refusal names people and groups the reader can click. */
const mention = (principal: string) => (isGroupId(principal) ? `<!subteam^${principal}>` : `<@${principal}>`);

function refusalMessage(kind: CommandKind, allowed: readonly string[]): string {
  const where = `\`access.commands.${kind}\` in perfbot.yaml`;
  if (allowed.length === 0) {
    return `Nobody may run \`/perf ${kind}\` yet: a platform admin can add Slack user or group ids to ${where}.`;
  }
  return `You may not run \`/perf ${kind}\`. Allowed: ${allowed.map(mention).join(', ')} (set by ${where}). Ask one of them to run it, or an admin to add you.`;
}
