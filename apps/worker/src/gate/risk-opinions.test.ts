import { opinionsFrom } from "@deskgate/agent";
import type { ComputerAction, Risk, RiskOpinion } from "@deskgate/contracts";
import { type DesktopInputState, initialInputState } from "@deskgate/effects";
import { authorizeAction, parsePolicy } from "@deskgate/policy";
import { describe, expect, it } from "vitest";
import type { AskFor } from "./ask-for-approval.ts";
import { buildPlan } from "./plan-builder.ts";
import { withRiskOpinions } from "./risk-opinions.ts";

const policy = parsePolicy(
  {
    rules: [
      { id: "look", match: { actions: ["screenshot", "zoom"] }, decision: "allow" },
      { id: "moves", match: { actions: ["mouse_move"] }, decision: "allow" },
      { id: "rest", match: {}, decision: "ask" },
    ],
  },
  { approvalTimeoutMs: 60_000 },
);
const input: DesktopInputState = { ...initialInputState, lineUnknown: false, pointer: [5, 5] };
const authorize = (action: ComputerAction, at: DesktopInputState) =>
  authorizeAction(action, { desktop: "desk-1", input: at }, policy);
const click = (x: number): ComputerAction => ({ action: "left_click", coordinate: [x, 10] });
const opinion = (risk: Risk, reason = "because"): RiskOpinion => ({
  risk,
  reason,
  model: "judge",
});

/** What the gate asks for a turn of `actions` starting at step 1, before any opinion. */
function asked(actions: ComputerAction[]): AskFor {
  const authorization = authorize(actions[0]!, input);
  if (authorization.kind !== "ask") throw new Error("the first step must be asked about");
  const plan = buildPlan(
    { step: 1, action: actions[0]!, input, authorization, risk: authorization.risk },
    actions.slice(1).map((action, index) => ({ step: index + 2, action })),
    authorize,
  );
  return { ...authorization, action: actions[0]!, input, plan, grantable: true };
}

describe("withRiskOpinions", () => {
  const turn = [
    click(1),
    click(2),
    { action: "mouse_move", coordinate: [3, 3] },
    click(4),
    click(5),
  ];

  it("only raises: a lower opinion is shown but changes nothing", () => {
    const judged = withRiskOpinions(asked([click(1)]), new Map([[1, opinion("low")]]));
    expect(judged).toMatchObject({ risk: "medium", riskOpinion: { risk: "low" }, grantable: true });
  });

  it("a step rated high ends the plan before it, and the steps left are re-trimmed", () => {
    const before = asked(turn as ComputerAction[]);
    expect(before.plan?.map((s) => s.step)).toEqual([1, 2, 3, 4, 5]);
    const cut = withRiskOpinions(before, new Map([[4, opinion("high")]]));
    // Step 3 is allowed by the policy: it adds nothing at the end of a plan.
    expect(cut.plan?.map((s) => s.step)).toEqual([1, 2]);
    expect(withRiskOpinions(before, new Map([[2, opinion("high")]])).plan).toBeUndefined();
  });

  it("the first step rated high: no plan and no grant, the card is high risk", () => {
    const judged = withRiskOpinions(
      asked(turn as ComputerAction[]),
      new Map([[1, opinion("high")]]),
    );
    expect(judged).toMatchObject({ risk: "high", plan: undefined, grantable: false });
  });

  it("an allowed step in the plan is not raised by an opinion about it", () => {
    const judged = withRiskOpinions(
      asked(turn as ComputerAction[]),
      new Map([
        [3, opinion("high")],
        [2, opinion("medium")],
      ]),
    );
    expect(judged.plan?.map((s) => [s.step, s.risk])).toEqual([
      [1, "medium"],
      [2, "medium"],
      [3, "low"],
      [4, "medium"],
      [5, "medium"],
    ]);
  });
});

describe("opinionsFrom (the judge's rate_risk input)", () => {
  const steps = [
    { step: 1, action: click(1), risk: "medium" as const, mark: 1 },
    { step: 2, action: click(2), risk: "medium" as const, mark: 2 },
  ];
  it("keeps asked steps only, the higher of two ratings, and a reason cut to fit the card", () => {
    const opinions = opinionsFrom(
      {
        ratings: [
          { step: 1, risk: "high", reason: "x".repeat(400) },
          { step: 1, risk: "low", reason: "talked down" },
          { step: 9, risk: "high", reason: "not asked" },
          { step: 2, risk: "low", reason: " fine \uD800" },
        ],
      },
      { steps },
      "judge",
    );
    expect([...opinions.keys()]).toEqual([1, 2]);
    expect(opinions.get(1)).toMatchObject({ risk: "high", model: "judge" });
    expect(opinions.get(1)?.reason).toHaveLength(300);
    expect(opinions.get(2)?.reason).toBe("fine \uFFFD");
  });
  it("passes over a malformed rating, and refuses an answer with no ratings list", () => {
    const opinions = opinionsFrom(
      {
        ratings: [
          { step: 1, risk: "none" },
          { step: 1, risk: "high", reason: "runs it" },
        ],
      },
      { steps },
      "j",
    );
    expect(opinions.get(1)?.risk).toBe("high");
    expect(() => opinionsFrom("high", { steps }, "j")).toThrow();
  });
});
