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

/** "Approve for 10 min": the trust window a click grants. */
export const trustWindowMs = 10 * 60_000;
