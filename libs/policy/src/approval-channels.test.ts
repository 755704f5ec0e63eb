import { AppError } from "@deskgate/core";
import { describe, expect, it } from "vitest";
import { parsePolicy } from "./parse-policy.ts";

const options = { approvalTimeoutMs: 60_000 };
const rules = [{ id: "r", match: {}, decision: "ask" }];

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
