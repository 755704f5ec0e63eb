/** Block Kit action and callback ids; a button's value is the approval id (or run id). */
export const actionIds = {
  approve: "approval.approve",
  deny: "approval.deny",
  denyWithReason: "approval.deny_with_reason",
  edit: "approval.edit",
  /** Cards posted before grants existed still carry this button; it still works. */
  approveForWindow: "approval.approve_window",
  /** A plan card's menu: approve its first k steps only. */
  approveThrough: "approval.approve_through",
  /** A plan card's "Approve, holding back steps…": opens the form to pick them. */
  holdBack: "approval.hold_back",
  /** "Approve & allow similar…": opens the grant form. */
  allowSimilar: "approval.allow_similar",
  /** On a grant's thread message. Value: the grant id. */
  revokeGrant: "grant.revoke",
  stopRun: "run.stop",
} as const;

export const viewIds = {
  denyReason: "approval.deny_reason",
  edit: "approval.edit_submit",
  grant: "approval.grant_submit",
  holdBack: "approval.hold_back_submit",
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

/** A plan menu option: `apr_…@1#3` approves the first 3 steps of version 1. */
export function throughValue(target: DecisionTarget, through: number): string {
  return `${decisionTargetValue(target)}#${through}`;
}

export function parseThroughValue(
  value: string | undefined,
): (DecisionTarget & { through: number }) | undefined {
  const match = /^(.*)#([1-9][0-9]?)$/.exec(value ?? "");
  const target = match ? parseDecisionTarget(match[1]) : undefined;
  return target && match ? { ...target, through: Number(match[2]) } : undefined;
}

/** "Approve for 10 min": the trust window a click grants. */
export const trustWindowMs = 10 * 60_000;
