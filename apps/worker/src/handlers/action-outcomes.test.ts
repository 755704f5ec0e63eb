import type { ApprovalGate, GateVerdict } from "@deskgate/agent";
import type { ComputerAction } from "@deskgate/contracts";
import { RecordingComputer } from "@deskgate/desktop/testing";
import { describe, expect, it } from "vitest";
import { type ActionOutcome, countActionOutcomes } from "./action-outcomes.ts";

const click: ComputerAction = { action: "left_click", coordinate: [1, 2] };

describe("countActionOutcomes", () => {
  it("tells auto-approved actions from those a person approved, and counts denials", async () => {
    const counted: ActionOutcome[] = [];
    const verdicts: Record<number, GateVerdict> = {
      1: { kind: "approve", action: { action: "screenshot" } },
      2: { kind: "approve", action: click },
      3: { kind: "deny", reason: "no" },
      4: { kind: "approve", action: click },
    };
    const gate: ApprovalGate = { review: async (proposal) => verdicts[proposal.step]! };
    const counter = countActionOutcomes({
      count: (outcome) => counted.push(outcome),
      // Steps 2 and 4 waited on a person; step 1 was let through by the policy.
      askedAPerson: async (_runId, step) => step === 2 || step === 4,
    });
    const watched = counter.watch(gate);
    const context = { computer: new RecordingComputer() };
    for (const step of [1, 2, 3, 4]) {
      const verdict = await watched.review(
        { runId: "run_abcdef", step, toolUseId: `toolu_${step}`, action: click },
        context,
      );
      expect(verdict).toBe(verdicts[step]);
    }
    const executed = (step: number, ok: boolean) =>
      counter.onEvent({ type: "action.executed", step, action: click, ok, durationMs: 1 });
    executed(1, true);
    executed(2, true);
    executed(4, false);
    counter.onEvent({ type: "action.invalid", step: 5, message: "bad" });
    expect(counted).toEqual(["denied", "auto_approved", "executed", "failed", "invalid"]);
  });
});
