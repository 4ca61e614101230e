import type { PlatformConfig } from '../config/platform.js';
import type { ChangePlan } from './plan.js';
import type { ChangeRecord } from './record.js';

type Access = PlatformConfig['access'];

/**
 * The approval policy (DESIGN.md, "Changes to the cluster"), pure: low risk needs one approver from
 * `access.approvers` (the requester only if `access.requesterMayApprove`); high risk needs two
 * distinct approvers, neither of them the requester. Each click is decided here, on the server,
 * from the stored record, never from what the button carries.
 */
export type ApprovalDecision =
  /** Not this person, or not now: `message` says who may approve, `allowed` lists them. */
  | { kind: 'refused'; message: string; allowed: string[] }
  /** Counted; `have` of `needed` approvals now. */
  | { kind: 'recorded'; have: number; needed: number }
  /** This approval is the last one needed. */
  | { kind: 'approved' };

/** How many distinct approvers a plan needs. */
export const approvalsNeeded = (plan: Pick<ChangePlan, 'risk'>): 1 | 2 => (plan.risk === 'high' ? 2 : 1);

const isGroup = (p: string) => p.startsWith('S');
const mention = (p: string) => (isGroup(p) ? `<!subteam^${p}>` : p === '*' ? 'anyone' : `<@${p}>`);

/** True when a principal list (user ids, group ids, `*`) lets this user in. */
export function listed(principals: readonly string[], userId: string, groups: readonly string[]): boolean {
  return principals.some((p) => p === '*' || p === userId || groups.includes(p));
}

/** "Approvers: <@U1>, <!subteam^S1> (access.approvers in perfbot.yaml)." */
export function whoMayApprove(access: Access): string {
  if (access.approvers.length === 0)
    return 'Nobody may approve changes yet: a platform admin can add Slack user or group ids to `access.approvers` in perfbot.yaml.';
  return `Approvers: ${access.approvers.map(mention).join(', ')} (\`access.approvers\` in perfbot.yaml).`;
}

/**
 * Decides one Approve click on a record in `proposed`.
 *
 * @example decideApproval(record, plan, 'U2', [], access) // { kind: 'recorded', have: 1, needed: 2 }
 */
export function decideApproval(
  record: ChangeRecord,
  plan: Pick<ChangePlan, 'risk'>,
  userId: string,
  groups: readonly string[],
  access: Access,
): ApprovalDecision {
  const needed = approvalsNeeded(plan);
  const refuse = (why: string): ApprovalDecision => ({
    kind: 'refused',
    message: `${why} ${whoMayApprove(access)}`,
    allowed: [...access.approvers],
  });
  if (record.state !== 'proposed')
    return refuse(`This change is ${record.state.replace('_', ' ')}: nothing to approve.`);
  if (!listed(access.approvers, userId, groups)) return refuse('You may not approve changes.');
  if (userId === record.requestedBy && (needed === 2 || !access.requesterMayApprove)) {
    return refuse(
      needed === 2
        ? 'You asked for this high-risk change: it needs two approvers other than you.'
        : 'You asked for this change, and `access.requesterMayApprove` is off: someone else must approve it.',
    );
  }
  if (record.approvals.some((a) => a.by === userId))
    return refuse(`You approved already: it needs ${needed} distinct approvers.`);
  const have = record.approvals.length + 1;
  return have >= needed ? { kind: 'approved' } : { kind: 'recorded', have, needed };
}

/** Who may reject a proposal: any approver, and the requester (withdrawing it). */
export function mayReject(
  record: ChangeRecord,
  userId: string,
  groups: readonly string[],
  access: Access,
): { ok: true } | { ok: false; message: string } {
  if (record.state !== 'proposed' && record.state !== 'approved')
    return {
      ok: false,
      message: `This change is ${record.state.replace('_', ' ')}: it can no longer be rejected.`,
    };
  if (userId === record.requestedBy || listed(access.approvers, userId, groups)) return { ok: true };
  return { ok: false, message: `Only the requester or an approver may reject it. ${whoMayApprove(access)}` };
}
