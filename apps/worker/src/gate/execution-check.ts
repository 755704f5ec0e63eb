import type { ApprovalOutcome, ComputerAction } from "@deskgate/contracts";
import { actionFingerprint } from "@deskgate/effects";
import type { Authorization } from "@deskgate/policy";

type Approved = Extract<ApprovalOutcome, { status: "approved" }>;

/** What the gate may do with an approved request, right before actuation. */
export type ExecutionCheck =
  | { kind: "execute"; action: ComputerAction }
  | { kind: "deny"; ruleId: string; reason: string }
  | {
      kind: "reask";
      action: ComputerAction;
      requiredApprovals: number;
      ruleId: string;
      approvers: number;
    };

/**
 * The authorisation step applied to an approval: the action that will run is exactly the
 * version that was approved (its fingerprint checked), and the policy — judging that action
 * against the desktop as it is now — is satisfied by its approvers: a deny wins; an ask
 * needs at least its number of distinct approvers of that version, or the gate asks again.
 * Pure.
 */
export function checkApprovedExecution(
  outcome: Approved,
  authorization: Authorization,
): ExecutionCheck {
  if (actionFingerprint(outcome.action) !== outcome.fingerprint)
    return {
      kind: "deny",
      ruleId: "integrity",
      reason: "the approval record does not match the action it names",
    };
  const approvers = new Set(outcome.approvals.map((vote) => vote.by.userId)).size;
  switch (authorization.kind) {
    case "deny":
      return { kind: "deny", ruleId: authorization.ruleId, reason: authorization.reason };
    case "allow":
      return { kind: "execute", action: outcome.action };
    case "ask":
      if (approvers >= authorization.requiredApprovals)
        return { kind: "execute", action: outcome.action };
      return {
        kind: "reask",
        action: outcome.action,
        requiredApprovals: authorization.requiredApprovals,
        ruleId: authorization.ruleId,
        approvers,
      };
  }
}

/**
 * Whether an open trust window may stand in for a person's approval: only where the
 * policy asks for a single approver and nothing would be denied (shadow mode included).
 * A trust window is one person's authority; it never satisfies a rule that needs two, and
 * never overrides a deny.
 */
export function trustWindowCovers(authorization: Authorization): boolean {
  return (
    authorization.kind === "ask" &&
    authorization.requiredApprovals === 1 &&
    authorization.shadowDenied === undefined
  );
}
