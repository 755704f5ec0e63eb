import type {
  ApprovalOutcome,
  ComputerAction,
  Coordinate,
  DesktopInputState,
} from "@deskgate/contracts";
import { actionFingerprint, planEffects, versionFingerprint } from "@deskgate/effects";
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
  const planStartsWithAction =
    !outcome.plan || actionFingerprint(outcome.plan[0]!) === actionFingerprint(outcome.action);
  if (versionFingerprint(outcome) !== outcome.fingerprint || !planStartsWithAction)
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

/** Where an action acts: every pointer target, or the pointer for keyboard-only actions. */
export function targetsOf(action: ComputerAction, input: DesktopInputState): Coordinate[] {
  const points = pointerTargetsOf(action, input);
  if (points.length > 0) return points;
  return input.pointer ? [input.pointer] : [];
}

/** Where the action's pointer effects act (none for keyboard-only actions). */
export function pointerTargetsOf(action: ComputerAction, input: DesktopInputState): Coordinate[] {
  return planEffects(action, input)
    .effects.flatMap((effect) => effect.points ?? [])
    .map((p) => [p[0], p[1]]);
}

/**
 * What changed on the desktop since the approver decided, that changes what the approved
 * action will do: a click or scroll "at the pointer" now lands elsewhere, or keys would
 * reach another window. Undefined when nothing did. Pure.
 */
export function desktopChangedSince(
  action: ComputerAction,
  approved: DesktopInputState,
  now: DesktopInputState,
): string | undefined {
  const effects = planEffects(action, approved).effects;
  const relative = effects.some((effect) => effect.points !== undefined) && !hasCoordinate(action);
  if (relative) {
    const then = JSON.stringify(targetsOf(action, approved));
    const current = JSON.stringify(targetsOf(action, now));
    if (then !== current) return `the pointer moved since the approval (${then} → ${current})`;
  }
  const keyboard = effects.some(
    (effect) => effect.combo !== undefined || effect.text !== undefined,
  );
  if (keyboard && approved.window?.id !== now.window?.id)
    return `another window has the keyboard since the approval (${approved.window?.title ?? "unknown"} → ${now.window?.title ?? "unknown"})`;
  return undefined;
}

function hasCoordinate(action: ComputerAction): boolean {
  return "coordinate" in action && action.coordinate !== undefined;
}

/** The action presses keys or types (whatever else it does): they go where the focus is. */
export function pressesKeys(action: ComputerAction, input: DesktopInputState): boolean {
  return planEffects(action, input).effects.some(
    (effect) => effect.combo !== undefined || effect.text !== undefined,
  );
}
