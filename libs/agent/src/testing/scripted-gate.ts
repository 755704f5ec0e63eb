import type { ProposedAction } from "@deskgate/contracts";
import type { ApprovalGate, GateVerdict } from "../approval-gate.ts";

/**
 * A gate that answers from a script (a function of the proposal) and records every
 * proposal it saw, in order. Default: approve as proposed.
 */
export class ScriptedGate implements ApprovalGate {
  readonly reviewed: ProposedAction[] = [];

  constructor(
    private readonly decide: (proposal: ProposedAction) => GateVerdict | Promise<GateVerdict> = (
      p,
    ) => ({ kind: "approve", action: p.action }),
  ) {}

  async review(proposal: ProposedAction): Promise<GateVerdict> {
    this.reviewed.push(proposal);
    return this.decide(proposal);
  }
}
