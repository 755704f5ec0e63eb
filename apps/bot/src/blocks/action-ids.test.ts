import { describe, expect, it } from "vitest";
import { decisionTargetValue, parseDecisionTarget } from "./action-ids.ts";

describe("decision targets", () => {
  it("round-trips a request and the version its clicker saw", () => {
    const target = { approvalId: "apr_run_abc123_2_3", version: 4 };
    expect(parseDecisionTarget(decisionTargetValue(target))).toEqual(target);
    expect(parseDecisionTarget("apr_run_abc123_2")).toEqual({
      approvalId: "apr_run_abc123_2",
      version: 1,
    });
  });

  it("refuses anything else", () => {
    for (const value of [
      "",
      "apr_x",
      "apr_run_abc123_2@0",
      "apr_run_abc123_2@x",
      "run_abc@1",
      undefined,
    ])
      expect(parseDecisionTarget(value)).toBeUndefined();
  });
});
