import {
  type ApprovalState,
  type ComputerAction,
  currentVersion,
  type Decision,
  initialInputState,
} from "@deskgate/contracts";
import { actionFingerprint } from "@deskgate/effects";
import { authorizeAction, type Policy } from "@deskgate/policy";
import type { DecisionTarget } from "./blocks/action-ids.ts";

export type EditJudgement =
  /** The edit is refused; `message` says why, for the edit form. */
  | { kind: "refused"; message: string }
  /** The "edit" changes nothing: it is an approval of the version shown. */
  | { kind: "approve"; version: number }
  | { kind: "edit"; decision: Omit<Extract<Decision, { verdict: "edit" }>, "by" | "at"> };

/**
 * What an approver's (already validated) edit becomes. The policy the desktop enforces
 * judges the edited action against the desktop state the request was made in, exactly as
 * it judged the proposal: a deny refuses the edit; otherwise it becomes the next version,
 * needing as many approvers as the proposal or as the policy asks of the edit, whichever is
 * more. With no published policy (its worker has not started) the proposal's count holds;
 * the worker authorises the approved version again right before it runs either way. Pure.
 */
export function judgeEdit(
  state: ApprovalState,
  target: DecisionTarget,
  action: ComputerAction,
  policy: Policy | undefined,
): EditJudgement {
  const current = currentVersion(state);
  if (target.version !== current.number)
    return {
      kind: "refused",
      message: `Someone changed this action after you opened the form (it is now version ${current.number}). Close this and look at the card again.`,
    };
  const fingerprint = actionFingerprint(action);
  if (fingerprint === current.fingerprint) return { kind: "approve", version: current.number };
  const { request } = state;
  const authorization = policy
    ? authorizeAction(
        action,
        { desktop: request.desktop, input: request.input ?? initialInputState },
        policy,
      )
    : undefined;
  if (authorization?.kind === "deny")
    return {
      kind: "refused",
      message: `Policy rule "${authorization.ruleId}" refuses this: ${authorization.reason}`,
    };
  const asked = authorization?.kind === "ask" ? authorization.requiredApprovals : 0;
  const raised = authorization?.kind === "ask" && asked > request.requiredApprovals;
  return {
    kind: "edit",
    decision: {
      verdict: "edit",
      basedOn: current.number,
      action,
      fingerprint,
      requiredApprovals: Math.max(request.requiredApprovals, asked),
      ...(raised ? { ruleId: authorization.ruleId } : {}),
    },
  };
}
