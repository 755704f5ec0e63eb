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

const rules = [{ id: "r", match: {}, decision: "ask" }];

describe("approvalChannels in a policy", () => {
  it("compiles routes to one per desktop pattern, in file order", () => {
    const policy = parsePolicy(
      {
        approvalChannels: [
          { desktops: ["qa-eu-1", "build-*"], channel: "C0EUBUILD" },
          { desktops: "qa-*", channel: "G0QA" },
        ],
        rules,
      },
      options,
    );
    expect(policy.approvalChannels).toEqual([
      { pattern: "qa-eu-1", channel: "C0EUBUILD" },
      { pattern: "build-*", channel: "C0EUBUILD" },
      { pattern: "qa-*", channel: "G0QA" },
    ]);
    expect(Object.isFrozen(policy.approvalChannels)).toBe(true);
  });

  it("has no routes when the key is absent", () => {
    expect(parsePolicy({ rules }, options).approvalChannels).toEqual([]);
  });

  it.each([
    [
      "a channel name instead of an id",
      [{ desktops: ["qa-*"], channel: "#qa-approvals" }],
      'approvalChannels[0] channel: must be a Slack channel id such as C0123ABCD (not a name), got "#qa-approvals"',
    ],
    [
      "a missing channel",
      [{ desktops: ["qa-*"] }],
      "approvalChannels[0] channel: required: a Slack channel id such as C0123ABCD",
    ],
    [
      "a pattern with * inside",
      [{ desktops: ["qa*-1"], channel: "C0QA" }],
      'approvalChannels[0] desktops.0: must be a desktop name or a prefix ending in * (e.g. desk-7, qa-*), got "qa*-1"',
    ],
    [
      "missing desktops",
      [{ channel: "C0QA" }],
      "approvalChannels[0] desktops: required: the desktops (names, or prefixes ending in *) whose runs go to this channel",
    ],
    [
      "an empty desktop list",
      [{ desktops: [], channel: "C0QA" }],
      "approvalChannels[0] desktops: name at least one desktop, or a prefix ending in *",
    ],
    [
      "a misspelt key",
      [{ desktops: ["qa-*"], channels: "C0QA", channel: "C0QA" }],
      'approvalChannels[0]: Unrecognized key: "channels"',
    ],
    [
      "one route instead of a list",
      { desktops: ["qa-*"], channel: "C0QA" },
      "approvalChannels: must be a list of routes such as [{ desktops: [qa-*], channel: C0123ABCD }]",
    ],
    [
      "a route no desktop can reach",
      [
        { desktops: ["qa-*"], channel: "C0QA" },
        { desktops: ["build-1", "qa-eu-7"], channel: "C0EU" },
      ],
      'approvalChannels[1] desktops.1: "qa-eu-7" is never reached: approvalChannels[0] routes "qa-*" first',
    ],
    [
      "a desktop named twice",
      [{ desktops: ["desk-7", "desk-7"], channel: "C07" }],
      'approvalChannels[0] desktops.1: "desk-7" is never reached: approvalChannels[0] routes "desk-7" first',
    ],
  ])("refuses %s, naming the route and field", (_label, approvalChannels, message) => {
    expect(problemsOf({ approvalChannels, rules })).toBe(message);
  });

  it("reports problems in routes and rules together", () => {
    const message = problemsOf({
      approvalChannels: [{ desktops: ["qa-*"], channel: "qa" }],
      rules: [{ id: "r", match: {}, decision: "maybe" }],
    });
    expect(message).toMatch(/approvalChannels\[0\] channel: /);
    expect(message).toMatch(/rules\[0\] \(id "r"\) decision: /);
  });
});
