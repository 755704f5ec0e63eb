import type { ComputerAction } from "@deskgate/contracts";
import { describe, expect, it } from "vitest";
import { evaluatePolicy } from "./evaluate-policy.ts";
import { parsePolicy } from "./parse-policy.ts";
import type { PolicyContext } from "./policy.ts";
import type { PolicyFileInput } from "./policy-schema.ts";

const options = { approvalTimeoutMs: 120_000 };
const context: PolicyContext = { desktop: "desktop-1" };

/** One rule under test, then a catch-all so a non-match is visible as `fallthrough`. */
function decide(
  match: Record<string, unknown>,
  action: ComputerAction,
  ctx: PolicyContext = context,
) {
  const policy = parsePolicy(
    {
      rules: [
        { id: "under-test", match, decision: "allow" },
        { id: "fallthrough", match: {}, decision: "deny" },
      ],
    } as PolicyFileInput,
    options,
  );
  return evaluatePolicy(action, ctx, policy).ruleId;
}

describe("match fields", () => {
  it("actions: matches only the named actions", () => {
    const match = { actions: ["left_click", "scroll"] };
    expect(decide(match, { action: "left_click", coordinate: [1, 1] })).toBe("under-test");
    expect(decide(match, { action: "right_click", coordinate: [1, 1] })).toBe("fallthrough");
  });

  it("textMatches: tests the text of type, key and hold_key only", () => {
    const match = { textMatches: "\\bsudo\\b" };
    expect(decide(match, { action: "type", text: "sudo rm -rf /" })).toBe("under-test");
    expect(decide(match, { action: "type", text: "pseudocode" })).toBe("fallthrough");
    expect(decide(match, { action: "key", text: "sudo" })).toBe("under-test");
    expect(decide(match, { action: "hold_key", text: "sudo", duration: 1 })).toBe("under-test");
    expect(decide(match, { action: "left_click", coordinate: [1, 1], text: "sudo" })).toBe(
      "fallthrough",
    );
    expect(decide(match, { action: "screenshot" })).toBe("fallthrough");
  });

  it("keys: compares combos case-insensitively whatever the modifier order", () => {
    const match = { keys: ["ctrl+shift+t", "Return"] };
    expect(decide(match, { action: "key", text: "Shift+CTRL+T" })).toBe("under-test");
    expect(decide(match, { action: "key", text: "return" })).toBe("under-test");
    expect(decide(match, { action: "key", text: "Enter" })).toBe("under-test");
    expect(decide(match, { action: "key", text: "ctrl+a Return" })).toBe("under-test");
    expect(decide(match, { action: "key", text: "ctrl+t" })).toBe("fallthrough");
    expect(decide(match, { action: "type", text: "Return" })).toBe("fallthrough");
  });

  it("keys: also sees modifiers held during a click", () => {
    const match = { keys: ["ctrl"] };
    expect(decide(match, { action: "left_click", coordinate: [1, 1], text: "Control" })).toBe(
      "under-test",
    );
    expect(decide(match, { action: "left_click", coordinate: [1, 1] })).toBe("fallthrough");
  });

  it("region: matches a coordinate inside, edges included", () => {
    const match = { region: [100, 100, 200, 150] };
    expect(decide(match, { action: "left_click", coordinate: [100, 150] })).toBe("under-test");
    expect(decide(match, { action: "mouse_move", coordinate: [150, 120] })).toBe("under-test");
    expect(decide(match, { action: "left_click", coordinate: [201, 120] })).toBe("fallthrough");
    expect(decide(match, { action: "left_click" })).toBe("fallthrough");
    expect(decide(match, { action: "key", text: "a" })).toBe("fallthrough");
  });

  it("region: an allow rule needs a drag to stay inside, a deny rule catches any end inside", () => {
    const drag: ComputerAction = {
      action: "left_click_drag",
      start_coordinate: [10, 10],
      coordinate: [150, 120],
    };
    expect(decide({ region: [100, 100, 200, 150] }, drag)).toBe("fallthrough");
    const denyPolicy = parsePolicy(
      {
        rules: [{ id: "no-drop-zone", match: { region: [100, 100, 200, 150] }, decision: "deny" }],
      },
      options,
    );
    expect(evaluatePolicy(drag, context, denyPolicy)).toMatchObject({
      kind: "deny",
      ruleId: "no-drop-zone",
    });
  });

  it("afterAction: compares with the run's previous executed action", () => {
    const match = { afterAction: "type" };
    const enter: ComputerAction = { action: "key", text: "Return" };
    expect(decide(match, enter, { desktop: "desktop-1", previousAction: "type" })).toBe(
      "under-test",
    );
    expect(decide(match, enter, { desktop: "desktop-1", previousAction: "left_click" })).toBe(
      "fallthrough",
    );
    expect(decide(match, enter, { desktop: "desktop-1" })).toBe("fallthrough");
  });

  it("desktops: matches only the named desktops", () => {
    const match = { desktops: ["staging"] };
    expect(decide(match, { action: "screenshot" }, { desktop: "staging" })).toBe("under-test");
    expect(decide(match, { action: "screenshot" }, { desktop: "prod" })).toBe("fallthrough");
  });

  it("requires every condition of a rule to hold", () => {
    const match = { actions: ["key"], keys: ["Return"], afterAction: ["type"] };
    const enter: ComputerAction = { action: "key", text: "Return" };
    expect(decide(match, enter, { desktop: "d", previousAction: "type" })).toBe("under-test");
    expect(
      decide(match, { action: "key", text: "Tab" }, { desktop: "d", previousAction: "type" }),
    ).toBe("fallthrough");
  });
});

describe("evaluatePolicy", () => {
  const file: PolicyFileInput = {
    defaults: { timeout: "30m", expiry: "park", renotifyEvery: "5m" },
    rules: [
      { id: "observe-freely", match: { actions: ["screenshot", "zoom"] }, decision: "allow" },
      {
        id: "enter-needs-two",
        match: { actions: ["key"], keys: ["Return"] },
        decision: "ask",
        approvers: 2,
        timeout: "90s",
        expiry: "deny",
      },
      {
        id: "no-sudo",
        match: { textMatches: "\\bsudo\\b" },
        decision: "deny",
        reason: "no sudo here",
      },
      { id: "typing-asks", match: { actions: ["type"] }, decision: "ask" },
    ],
  };

  it("lets the first matching rule win", () => {
    const policy = parsePolicy(file, options);
    // "typing-asks" also matches, but "no-sudo" comes first.
    expect(evaluatePolicy({ action: "type", text: "sudo ls" }, context, policy)).toEqual({
      kind: "deny",
      ruleId: "no-sudo",
      reason: "no sudo here",
    });
    expect(evaluatePolicy({ action: "type", text: "ls" }, context, policy).ruleId).toBe(
      "typing-asks",
    );
    expect(evaluatePolicy({ action: "zoom", region: [0, 0, 10, 10] }, context, policy)).toEqual({
      kind: "allow",
      ruleId: "observe-freely",
    });
  });

  it("applies a rule's own ask settings over the policy defaults", () => {
    const policy = parsePolicy(file, options);
    expect(evaluatePolicy({ action: "key", text: "Return" }, context, policy)).toEqual({
      kind: "ask",
      ruleId: "enter-needs-two",
      requiredApprovals: 2,
      timeoutMs: 90_000,
      expiryMode: "deny",
      renotifyEveryMs: 300_000,
    });
  });

  it("asks with the defaults under rule id 'default' when no rule matches", () => {
    const policy = parsePolicy(file, options);
    expect(evaluatePolicy({ action: "left_click", coordinate: [5, 5] }, context, policy)).toEqual({
      kind: "ask",
      ruleId: "default",
      requiredApprovals: 1,
      timeoutMs: 30 * 60_000,
      expiryMode: "park",
      renotifyEveryMs: 300_000,
    });
  });

  it("falls back to the service's approval timeout when the policy sets none", () => {
    const policy = parsePolicy({ rules: [] }, options);
    expect(evaluatePolicy({ action: "screenshot" }, context, policy)).toEqual({
      kind: "ask",
      ruleId: "default",
      requiredApprovals: 1,
      timeoutMs: 120_000,
      expiryMode: "deny",
      renotifyEveryMs: 600_000,
    });
  });

  it("in shadow mode asks instead of denying and records the would-be denial", () => {
    const policy = parsePolicy({ ...file, mode: "shadow" }, options);
    expect(evaluatePolicy({ action: "type", text: "sudo ls" }, context, policy)).toEqual({
      kind: "ask",
      ruleId: "no-sudo",
      requiredApprovals: 1,
      timeoutMs: 30 * 60_000,
      expiryMode: "park",
      renotifyEveryMs: 300_000,
      shadowDenied: { ruleId: "no-sudo", reason: "no sudo here" },
    });
    expect(evaluatePolicy({ action: "screenshot" }, context, policy).kind).toBe("allow");
  });

  it("gives a deny rule without a reason one that names the rule", () => {
    const policy = parsePolicy({ rules: [{ id: "frozen", match: {}, decision: "deny" }] }, options);
    expect(evaluatePolicy({ action: "screenshot" }, context, policy)).toEqual({
      kind: "deny",
      ruleId: "frozen",
      reason: 'blocked by policy rule "frozen"',
    });
  });
});
