import type { ComputerAction, ProposedAction } from "@deskgate/contracts";
import type { Computer } from "@deskgate/desktop";

/** What the loop may do with one proposed action. Exhaustive: `switch` on `kind`. */
export type GateVerdict =
  /** Act. `action` may differ from the proposal (an approver edited it); `note` then tells the model what changed. */
  | { kind: "approve"; action: ComputerAction; note?: string }
  /** Do not act; the reason goes back to the model as an error tool_result. */
  | { kind: "deny"; reason: string }
  /** The run was stopped: act no more and do not call the model again. */
  | { kind: "cancel"; reason: string };

export interface ReviewContext {
  computer: Computer;
}

/**
 * The loop asks the gate before *every* action. A gate may also throw: a gate that parks
 * the run (BullMQ's DelayedError) throws after the loop's state is checkpointed, and the
 * loop lets that propagate untouched — it is not an action failure.
 */
export interface ApprovalGate {
  review(proposal: ProposedAction, context: ReviewContext): Promise<GateVerdict>;
}
