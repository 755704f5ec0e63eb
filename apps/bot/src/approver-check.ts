import type { ApprovalRequest, RunRecord } from "@deskgate/contracts";

/**
 * `backupOnly`: the person may decide this one escalated request as its backup approver,
 * and nothing that outlives it (a grant, a trust window).
 */
export type ApproverVerdict = { ok: true; backupOnly?: true } | { ok: false; reason: string };

/** Why a backup approver's click may not carry a grant or a trust window. */
export const backupOnlyReason =
  "As a backup approver you may approve or deny this request only: a grant or a trust window would let your decision stand for actions after it. Use Approve.";

export interface ApproverCheckOptions {
  /** User ids (U…/W…) and user group ids (S…). */
  approvers: readonly string[];
  /** Four-eyes: nobody approves the actions of a run they started (REQUIRE_SECOND_APPROVER). */
  requireSecondApprover: boolean;
  /** Members of a user group (usergroups.users.list). */
  groupMembers: (groupId: string) => Promise<readonly string[]>;
  cacheMs?: number;
  now?: () => number;
}

/** Who may decide on a run's actions: SLACK_APPROVERS, and the four-eyes rule when on. */
export class ApproverCheck {
  private readonly cache = new Map<string, { members: readonly string[]; until: number }>();

  constructor(private readonly options: ApproverCheckOptions) {}

  /**
   * `request`: the request being decided. Once its escalation reached the backup stage,
   * the backup people it names may decide it too (and only it).
   */
  async mayApprove(
    userId: string,
    run: RunRecord | undefined,
    request?: ApprovalRequest,
  ): Promise<ApproverVerdict> {
    const approver = await this.isApprover(userId);
    if (!approver && !(await this.isBackupFor(userId, request))) {
      return {
        ok: false,
        reason:
          "You are not on this workspace's approver list (SLACK_APPROVERS), so your click changed nothing.",
      };
    }
    if (this.options.requireSecondApprover && !run) {
      // Without the run, who started it is unknown: the four-eyes rule cannot be checked.
      return { ok: false, reason: "This run's record is gone, so nobody can approve its actions." };
    }
    if (this.options.requireSecondApprover && run?.request.requester.userId === userId) {
      return {
        ok: false,
        reason:
          "Four-eyes rule: you started this run, so another teammate has to approve its actions.",
      };
    }
    return approver ? { ok: true } : { ok: true, backupOnly: true };
  }

  /** Whether the four-eyes rule holds: a grant its maker made never covers their own runs. */
  get fourEyes(): boolean {
    return this.options.requireSecondApprover;
  }

  /** Approvers may stop any run; anyone may stop a run they started. */
  async mayStop(userId: string, run: RunRecord): Promise<ApproverVerdict> {
    if (run.request.requester.userId === userId || (await this.isApprover(userId)))
      return { ok: true };
    return {
      ok: false,
      reason: "Only the person who started this run or an approver can stop it.",
    };
  }

  private isApprover(userId: string): Promise<boolean> {
    return this.isAmong(userId, this.options.approvers);
  }

  private async isBackupFor(userId: string, request: ApprovalRequest | undefined) {
    const escalation = request?.escalation;
    if (!request || !escalation || escalation.backupAfterMs === undefined) return false;
    const due = new Date(request.requestedAt).getTime() + escalation.backupAfterMs;
    if ((this.options.now ?? Date.now)() < due) return false;
    return this.isAmong(userId, escalation.backup);
  }

  /** The user is one of `ids`, or in one of the user groups (S…) among them. */
  private async isAmong(userId: string, ids: readonly string[]): Promise<boolean> {
    if (ids.includes(userId)) return true;
    for (const id of ids) {
      if (id.startsWith("S") && (await this.membersOf(id)).includes(userId)) return true;
    }
    return false;
  }

  /** Members of a user group, cached for `cacheMs`. */
  async membersOf(groupId: string): Promise<readonly string[]> {
    const now = (this.options.now ?? Date.now)();
    const cached = this.cache.get(groupId);
    if (cached && cached.until > now) return cached.members;
    const members = await this.options.groupMembers(groupId);
    this.cache.set(groupId, { members, until: now + (this.options.cacheMs ?? 60_000) });
    return members;
  }
}
