import type {
  Actor,
  ApprovalState,
  Decision,
  Grant,
  RunEvent,
  RunRecord,
  RunRequest,
} from "@deskgate/contracts";
import type { Policy } from "@deskgate/policy";

/** What one decide call did. Exhaustive: `switch` on `kind`. */
export type DecideResult =
  /** This call decided the request (a deny, or the approval that met the quorum). */
  | { kind: "decided"; state: ApprovalState }
  /** Approval counted; the rule needs more approvers (state.approvals shows who so far). */
  | { kind: "recorded"; state: ApprovalState }
  /** An edit was recorded as the next version (with the editor's vote); it needs more. */
  | { kind: "edited"; state: ApprovalState }
  /** The card shows a newer version than the click was for (someone edited): nothing counted. */
  | { kind: "stale_version"; state: ApprovalState }
  /** The same person already approved this version; counted once. */
  | { kind: "duplicate_approver"; state: ApprovalState }
  /** Someone decided first (or it expired/was cancelled); state.outcome says who and how. */
  | { kind: "already_decided"; state: ApprovalState }
  | { kind: "not_found" };

export type CancelResult =
  | { kind: "cancelled"; run: RunRecord }
  | { kind: "already_ended"; run: RunRecord }
  | { kind: "not_found" };

/**
 * Everything the bot needs from the run/approval backend (Redis + BullMQ), and nothing of
 * Slack. The bot holds no worker state of its own beyond Slack message ids.
 */
export interface RunDesk {
  /** Queue a run (any desktop, or `request.desktop`) and record it as queued. */
  startRun(request: RunRequest): Promise<RunRecord>;
  /** Stop a run: a waiting run ends at once, a running one after its current action. */
  cancelRun(runId: string, by: Actor): Promise<CancelResult>;
  /**
   * End a run as failed for a reason outside it (Slack refused its approval card): like a
   * stop, but the run ends "failed" with `reason` in its record, audit stream and thread.
   */
  failRun(runId: string, reason: string): Promise<CancelResult>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  /** Most recent first; active runs before ended ones. */
  listRuns(options?: { limit?: number }): Promise<RunRecord[]>;
  getApproval(approvalId: string): Promise<ApprovalState | undefined>;
  /** Atomic, first decision wins; wakes the waiting run when this call decides it. */
  decide(approvalId: string, decision: Decision): Promise<DecideResult>;
  /**
   * The policy a desktop's worker enforces (it publishes it at start), for checking an
   * approver's edit before it is recorded; undefined until that worker has started.
   */
  desktopPolicy(desktop: string): Promise<Policy | undefined>;
  /** The PNG stored under an ApprovalRequest.screenshotKey / step.executed screenshotKey. */
  readScreenshot(key: string): Promise<Buffer | undefined>;
  /** A grant while it is active. */
  getGrant(grantId: string): Promise<Grant | undefined>;
  /** Ends a grant now (recorded, announced). The grant as it was; undefined if already over. */
  revokeGrant(grantId: string, by: Actor): Promise<Grant | undefined>;
}

/** What the bot may ask about a run's outbox while it posts one of its events. */
export interface RunEventContext {
  /**
   * Whether an approval card waits behind this event in the run's outbox: the event's
   * post then goes at the card's priority, since the card cannot be posted before it.
   */
  cardWaiting(): Promise<boolean>;
}

/** The bot's side of the announcement queue. */
export type RunEventHandler = (event: RunEvent, context?: RunEventContext) => Promise<void>;
