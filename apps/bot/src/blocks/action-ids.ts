/** Block Kit action and callback ids; a button's value is the approval id (or run id). */
export const actionIds = {
  approve: "approval.approve",
  deny: "approval.deny",
  denyWithReason: "approval.deny_with_reason",
  edit: "approval.edit",
  approveForWindow: "approval.approve_window",
  stopRun: "run.stop",
} as const;

export const viewIds = {
  denyReason: "approval.deny_reason",
  edit: "approval.edit_submit",
} as const;

/**
 * What an approval button (or an edit form) is about: a request and the version its
 * clicker saw. Sent as the button's value, `apr_…@2`; a bare id means version 1. The store
 * refuses a click for a version the card no longer shows.
 */
export interface DecisionTarget {
  approvalId: string;
  version: number;
}

export function decisionTargetValue(target: DecisionTarget): string {
  return `${target.approvalId}@${target.version}`;
}

export function parseDecisionTarget(value: string | undefined): DecisionTarget | undefined {
  const match = /^(apr_[A-Za-z0-9_]{6,80})(?:@([1-9][0-9]{0,3}))?$/.exec(value ?? "");
  if (!match) return undefined;
  return { approvalId: match[1]!, version: Number(match[2] ?? 1) };
}

/** "Approve for 10 min": the trust window a click grants. */
export const trustWindowMs = 10 * 60_000;
