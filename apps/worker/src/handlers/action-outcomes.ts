import type { AgentEvent, ApprovalGate } from "@deskgate/agent";

/**
 * How one proposed action ended, for `deskgate_actions_total{outcome}`: `executed` (a
 * person approved it and it ran), `auto_approved` (it ran without asking anyone: a policy
 * rule or a trust window), `denied` (by a person, a policy rule or expiry), `failed` (it
 * ran and the desktop reported an error), `invalid`, `interrupted`.
 */
export type ActionOutcome =
  | "executed"
  | "auto_approved"
  | "denied"
  | "failed"
  | "invalid"
  | "interrupted";

export interface ActionOutcomeCounter {
  /** The run's gate, watched: which approvals came from a person, which verdicts denied. */
  watch(gate: ApprovalGate): ApprovalGate;
  /** Feed the loop's events here. */
  onEvent(event: AgentEvent): void;
}

/**
 * Counts outcomes for one run. The gate's verdict does not say who approved, so after an
 * approval `askedAPerson(runId, step)` tells whether the step ever waited on a person.
 */
export function countActionOutcomes(options: {
  count: (outcome: ActionOutcome) => void;
  askedAPerson: (runId: string, step: number) => Promise<boolean>;
}): ActionOutcomeCounter {
  const autoApprovedSteps = new Set<number>();
  return {
    watch: (gate) => ({
      async review(proposal, context) {
        const verdict = await gate.review(proposal, context);
        if (verdict.kind === "deny") options.count("denied");
        if (verdict.kind === "approve") {
          if (await options.askedAPerson(proposal.runId, proposal.step))
            autoApprovedSteps.delete(proposal.step);
          else autoApprovedSteps.add(proposal.step);
        }
        return verdict;
      },
    }),
    onEvent(event) {
      switch (event.type) {
        case "action.executed":
          if (!event.ok) options.count("failed");
          else options.count(autoApprovedSteps.has(event.step) ? "auto_approved" : "executed");
          return;
        case "action.invalid":
          options.count("invalid");
          return;
        case "action.interrupted":
          options.count("interrupted");
          return;
        case "turn.completed":
        case "model.retrying":
          return;
      }
    },
  };
}
