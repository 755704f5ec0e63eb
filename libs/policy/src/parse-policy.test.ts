import { AppError } from "@deskgate/core";
import { describe, expect, it } from "vitest";
import { parsePolicy } from "./parse-policy.ts";

const options = { approvalTimeoutMs: 60_000 };

function problemsOf(raw: unknown): string {
  try {
    parsePolicy(raw, options);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("policy_invalid");
    return (error as AppError).message;
  }
  throw new Error("expected the policy to be refused");
}

const rule = { id: "r", match: {}, decision: "ask" };

describe("parsePolicy", () => {
  it.each([
    [
      "an unknown decision",
      { ...rule, decision: "maybe" },
      /rules\[0\] \(id "r"\) decision: unknown decision "maybe"/,
    ],
    [
      "a bad regex",
      { ...rule, match: { textMatches: "(" } },
      /rules\[0\] \(id "r"\) match\.textMatches: .*Unterminated group/,
    ],
    [
      "an unknown action",
      { ...rule, match: { actions: ["teleport"] } },
      /rules\[0\] \(id "r"\) match\.actions\.0: unknown action "teleport"/,
    ],
    ["approvers 0", { ...rule, approvers: 0 }, /rules\[0\] \(id "r"\) approvers: .*>=1/],
    ["approvers 6", { ...rule, approvers: 6 }, /approvers: .*<=5/],
    ["a bad duration", { ...rule, timeout: "soon" }, /timeout: must be a duration .*"soon"/],
    [
      "an empty region",
      { ...rule, match: { region: [10, 10, 5, 20] } },
      /match\.region: must be \[x0, y0, x1, y1\]/,
    ],
    [
      "a misspelt field",
      { ...rule, approver: 2 },
      /rules\[0\] \(id "r"\): Unrecognized key: "approver"/,
    ],
    ["a bad expiry", { ...rule, expiry: "never" }, /expiry: /],
    ["a bad desktop name", { ...rule, match: { desktops: ["Prod Box"] } }, /match\.desktops\.0: /],
    [
      "an unknown key name",
      { ...rule, match: { keys: ["ctrl+Shft+s"] } },
      /match\.keys\.0: unknown key 'Shft' in 'ctrl\+Shft\+s'/,
    ],
  ])("refuses %s, naming the rule and field", (_label, badRule, pattern) => {
    expect(problemsOf({ rules: [badRule] })).toMatch(pattern);
  });

  it("reports every problem at once", () => {
    const message = problemsOf({
      mode: "loud",
      rules: [
        { ...rule, id: "first", decision: "maybe" },
        { ...rule, id: "second", match: { textMatches: "[" } },
        { match: {}, decision: "ask" },
      ],
    });
    expect(message).toMatch(/mode: /);
    expect(message).toMatch(/rules\[0\] \(id "first"\) decision/);
    expect(message).toMatch(/rules\[1\] \(id "second"\) match\.textMatches/);
    expect(message).toMatch(/rules\[2\] id: /);
  });

  it("refuses duplicate rule ids", () => {
    expect(problemsOf({ rules: [rule, rule] })).toMatch(
      /rules\[1\] \(id "r"\) id: duplicate rule id/,
    );
  });

  it("refuses a file that is not an object of rules", () => {
    expect(problemsOf(null)).toMatch(/expected object/);
    expect(problemsOf({ mode: "enforce" })).toMatch(/rules: /);
  });

  it("accepts single values where lists are expected and durations in several units", () => {
    const policy = parsePolicy(
      {
        defaults: { timeout: "1500ms", renotifyEvery: 90_000 },
        rules: [
          {
            id: "r",
            match: { actions: "key", afterAction: "type", keys: "Return" },
            decision: "ask",
            timeout: "2h",
          },
        ],
      },
      options,
    );
    expect(policy.defaults).toMatchObject({ timeoutMs: 1_500, renotifyEveryMs: 90_000 });
    expect(policy.rules[0]).toMatchObject({ timeoutMs: 7_200_000 });
    expect(policy.rules[0]?.match.keys?.map((combo) => combo.keys)).toEqual([["return"]]);
  });

  it("compiles a regex once, at load time", () => {
    const policy = parsePolicy({ rules: [{ ...rule, match: { textMatches: "^rm\\s" } }] }, options);
    expect(policy.rules[0]?.match.textMatches).toBeInstanceOf(RegExp);
    expect(policy.rules[0]?.match.textMatches?.test("rm -rf")).toBe(true);
  });
});
