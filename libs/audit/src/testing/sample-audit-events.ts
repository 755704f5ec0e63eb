import type { ComputerAction } from "@deskgate/contracts";
import type { AuditEvent } from "../audit-event.ts";

/** One valid event of every type for `runId`, in a plausible order, for tests. */
export function sampleAuditEvents(runId: string, at = "2026-11-25T10:00:00.000Z"): AuditEvent[] {
  const approvalId = `apr_${runId.slice(4)}_1`;
  const click: ComputerAction = { action: "left_click", coordinate: [10, 20] };
  const alice = { userId: "U1", name: "alice" };
  const request = {
    runId,
    task: "print the date",
    requester: alice,
    channel: "C1",
    requestedAt: at,
  };
  return [
    { type: "run.queued", runId, at, request },
    { type: "run.started", runId, at, desktop: "desktop-1", model: "claude-sonnet-4-6" },
    {
      type: "action.auto_approved",
      runId,
      at,
      step: 1,
      action: { action: "screenshot" },
      basis: "policy",
      ruleId: "observe-freely",
    },
    {
      type: "approval.requested",
      runId,
      at,
      approvalId,
      step: 2,
      action: click,
      ruleId: "two",
      requiredApprovals: 2,
      expiresAt: at,
    },
    { type: "approval.recorded", runId, at, approvalId, step: 2, by: alice },
    {
      type: "approval.granted",
      runId,
      at,
      approvalId,
      step: 2,
      approvers: [alice, { userId: "U2" }],
      latencyMs: 4_200,
      trustWindowMs: 600_000,
    },
    { type: "action.executed", runId, at, step: 2, action: click, ok: true, durationMs: 12 },
    {
      type: "approval.denied",
      runId,
      at,
      approvalId,
      step: 3,
      by: { userId: "U2" },
      reason: "wrong window",
      latencyMs: 900,
    },
    { type: "approval.expired", runId, at, approvalId, step: 4, mode: "park" },
    { type: "approval.cancelled", runId, at, approvalId, step: 5 },
    {
      type: "action.denied_by_policy",
      runId,
      at,
      step: 6,
      action: { action: "type", text: "sudo ls" },
      ruleId: "no-sudo",
      reason: "no sudo",
    },
    {
      type: "action.rejected_invalid",
      runId,
      at,
      step: 7,
      input: '{"action":"left_click","coordinate":[-1,5]}',
      message: "coordinate.0: Too small",
    },
    { type: "action.interrupted", runId, at, step: 8, action: { action: "wait", duration: 5 } },
    { type: "action.blocked_screen_changed", runId, at, step: 9, difference: 0.31 },
    {
      type: "run.finished",
      runId,
      at,
      summary: {
        steps: 9,
        approved: 1,
        denied: 1,
        autoApproved: 1,
        durationMs: 60_000,
        usage: {
          inputTokens: 10,
          outputTokens: 5,
          cacheReadInputTokens: 0,
          cacheCreationInputTokens: 0,
        },
        endReason: "the model finished",
      },
    },
    { type: "run.failed", runId, at, reason: "the desktop went away" },
    { type: "run.cancelled", runId, at, by: alice },
    {
      type: "audit.screenshots_expired",
      runId,
      at,
      count: 2,
      throughSeq: 17,
      retentionMs: 30 * 24 * 3_600_000,
    },
  ];
}
