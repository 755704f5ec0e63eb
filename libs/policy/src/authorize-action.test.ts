import type { ComputerAction } from "@deskgate/contracts";
import { type DesktopInputState, initialInputState } from "@deskgate/effects";
import { describe, expect, it } from "vitest";
import { authorizeAction } from "./authorize-action.ts";
import { parsePolicy } from "./parse-policy.ts";
import type { PolicyContext } from "./policy.ts";
import type { PolicyFileInput } from "./policy-schema.ts";

const options = { approvalTimeoutMs: 120_000 };
const context = (input: Partial<DesktopInputState> = {}, desktop = "desktop-1"): PolicyContext => ({
  desktop,
  input: { ...initialInputState, ...input },
});

/** One rule under test (deciding `decision`), then a catch-all that asks. */
function decide(
  match: Record<string, unknown>,
  action: ComputerAction,
  ctx: PolicyContext = context(),
  decision: "allow" | "deny" = "deny",
) {
  const policy = parsePolicy(
    {
      rules: [
        { id: "under-test", match, decision },
        { id: "fallthrough", match: {}, decision: "ask" },
      ],
    } as PolicyFileInput,
    options,
  );
  const result = authorizeAction(action, ctx, policy);
  return result.kind === decision ? "under-test" : result.ruleId;
}

describe("match fields", () => {
  it("actions: an allow rule matches the effect's kind; a deny rule also the producing action", () => {
    const typeEnter: ComputerAction = { action: "type", text: "ls\n" };
    // The Enter inside `type` is a key press: an allow rule for typing does not cover it.
    expect(decide({ actions: ["type"] }, typeEnter, context(), "allow")).toBe("fallthrough");
    expect(decide({ actions: ["type"] }, typeEnter, context(), "deny")).toBe("under-test");
    expect(decide({ actions: ["key"] }, typeEnter, context(), "deny")).toBe("under-test");
    // Letters pressed as keys are typing.
    expect(decide({ actions: ["key"] }, { action: "key", text: "l s" }, context(), "allow")).toBe(
      "fallthrough",
    );
    expect(decide({ actions: ["type"] }, { action: "key", text: "l s" }, context(), "allow")).toBe(
      "under-test",
    );
  });

  it("textMatches: reads the typed line, whatever produced the characters", () => {
    const match = { textMatches: "\\bsudo\\b" };
    expect(decide(match, { action: "type", text: "sudo rm -rf /" })).toBe("under-test");
    expect(decide(match, { action: "type", text: "pseudocode" })).toBe("fallthrough");
    expect(decide(match, { action: "key", text: "s u d o space l s Return" })).toBe("under-test");
    expect(decide(match, { action: "hold_key", text: "s", duration: 0.2 })).toBe("fallthrough");
    // Split across actions: the line typed so far counts.
    expect(decide(match, { action: "type", text: "do ls" }, context({ line: "su" }))).toBe(
      "under-test",
    );
    // A letter held during a click types it.
    expect(
      decide(
        match,
        { action: "left_click", coordinate: [1, 1], text: "o" },
        context({ line: "sud" }),
      ),
    ).toBe("under-test");
    expect(
      decide(match, { action: "left_click", coordinate: [1, 1] }, context({ line: "sudo" })),
    ).toBe("fallthrough");
    expect(decide(match, { action: "screenshot" })).toBe("fallthrough");
  });

  it("keys: every spelling the actuator accepts is the same key", () => {
    for (const spelling of ["super+l", "meta+l", "windows+l", "super_l+l", "cmd+L", "win+l"])
      expect(decide({ keys: ["super+l"] }, { action: "key", text: spelling })).toBe("under-test");
    for (const spelling of ["alt+F4", "alt_l+F4", "Alt_R+f4", "option+F4"])
      expect(decide({ keys: ["alt+F4"] }, { action: "key", text: spelling })).toBe("under-test");
    for (const spelling of ["control_l+alt+Delete", "ctrl+alt+del", "Control+Alt+Delete"])
      expect(decide({ keys: ["ctrl+alt+Delete"] }, { action: "key", text: spelling })).toBe(
        "under-test",
      );
    expect(decide({ keys: ["ctrl+shift+t"] }, { action: "key", text: "Shift+CTRL+T" })).toBe(
      "under-test",
    );
    expect(decide({ keys: ["ctrl+t"] }, { action: "key", text: "ctrl+s" })).toBe("fallthrough");
  });

  it("keys: a deny rule also catches extra modifiers and every Enter-like combination", () => {
    expect(
      decide({ keys: ["ctrl+alt+Delete"] }, { action: "key", text: "ctrl+alt+shift+Delete" }),
    ).toBe("under-test");
    for (const enter of [
      "Return",
      "enter",
      "KP_Enter",
      "ctrl+m",
      "ctrl+j",
      "shift+Return",
      "ctrl+Return",
    ])
      expect(decide({ keys: ["Return"] }, { action: "key", text: enter })).toBe("under-test");
    expect(decide({ keys: ["Return"] }, { action: "type", text: "ls\n" })).toBe("under-test");
    expect(decide({ keys: ["Return"] }, { action: "hold_key", text: "Return", duration: 1 })).toBe(
      "under-test",
    );
    expect(decide({ keys: ["Tab"] }, { action: "type", text: "a\tb" })).toBe("under-test");
    // An allow rule needs the exact combination.
    expect(
      decide({ keys: ["Return"] }, { action: "key", text: "ctrl+m" }, context(), "allow"),
    ).toBe("fallthrough");
  });

  it("keys: sees keys held during a click or scroll", () => {
    const match = { keys: ["ctrl"] };
    expect(decide(match, { action: "left_click", coordinate: [1, 1], text: "Control" })).toBe(
      "under-test",
    );
    expect(decide(match, { action: "left_click", coordinate: [1, 1] })).toBe("fallthrough");
    expect(
      decide({ keys: ["super+l"] }, { action: "left_click", coordinate: [1, 1], text: "meta+l" }),
    ).toBe("under-test");
  });

  it("region: matches a resolved point inside, edges included, the pointer's where none is given", () => {
    const match = { region: [100, 100, 200, 150] };
    expect(decide(match, { action: "left_click", coordinate: [100, 150] })).toBe("under-test");
    expect(decide(match, { action: "mouse_move", coordinate: [150, 120] })).toBe("under-test");
    expect(decide(match, { action: "left_click", coordinate: [201, 120] })).toBe("fallthrough");
    expect(decide(match, { action: "left_click" }, context({ pointer: [150, 120] }))).toBe(
      "under-test",
    );
    expect(
      decide(
        match,
        { action: "scroll", scroll_direction: "down", scroll_amount: 3 },
        context({ pointer: [150, 120] }),
      ),
    ).toBe("under-test");
    expect(decide(match, { action: "left_click" }, context({ pointer: [5, 5] }))).toBe(
      "fallthrough",
    );
    // Nobody knows where the pointer is: a deny rule assumes the worst, an allow rule never matches.
    expect(decide(match, { action: "left_click" })).toBe("under-test");
    expect(decide(match, { action: "left_click" }, context(), "allow")).toBe("fallthrough");
    expect(decide(match, { action: "key", text: "a" })).toBe("fallthrough");
  });

  it("region: an allow rule needs a drag to stay inside, a deny rule catches any end inside", () => {
    const drag: ComputerAction = {
      action: "left_click_drag",
      start_coordinate: [10, 10],
      coordinate: [150, 120],
    };
    expect(decide({ region: [100, 100, 200, 150] }, drag, context(), "allow")).toBe("fallthrough");
    expect(decide({ region: [100, 100, 200, 150] }, drag)).toBe("under-test");
    // A move with the left button held is a drag from where the pointer was.
    const held = context({ pointer: [150, 120], leftButtonHeld: true });
    expect(
      decide({ actions: ["left_click_drag"] }, { action: "mouse_move", coordinate: [5, 5] }, held),
    ).toBe("under-test");
  });

  it("afterAction: compares with the last input that changed the desktop", () => {
    const match = { afterAction: "type", keys: ["Return"] };
    const enter: ComputerAction = { action: "key", text: "Return" };
    const empty = { lineUnknown: false };
    expect(decide(match, enter, context({ ...empty, lastChange: "type" }))).toBe("under-test");
    expect(decide(match, enter, context({ ...empty, lastChange: "left_click" }))).toBe(
      "fallthrough",
    );
    expect(decide(match, enter, context(empty))).toBe("fallthrough");
    // After a click the field may hold text nobody typed here: Enter counts as after typing.
    expect(decide(match, enter, context({ lastChange: "left_click", lineUnknown: true }))).toBe(
      "under-test",
    );
    // Enter inside the same `type`, or after letters pressed as keys, follows typing.
    expect(decide(match, { action: "type", text: "rm -rf ~/x\n" })).toBe("under-test");
    expect(decide(match, { action: "key", text: "l s Return" })).toBe("under-test");
  });

  it("desktops: matches only the named desktops", () => {
    const match = { desktops: ["staging"] };
    expect(decide(match, { action: "screenshot" }, context({}, "staging"))).toBe("under-test");
    expect(decide(match, { action: "screenshot" }, context({}, "prod"))).toBe("fallthrough");
  });

  it("requires every condition of a rule to hold", () => {
    const match = { actions: ["key"], keys: ["Return"], afterAction: ["type"] };
    const typed = context({ lastChange: "type" });
    expect(decide(match, { action: "key", text: "Return" }, typed)).toBe("under-test");
    expect(decide(match, { action: "key", text: "Tab" }, typed)).toBe("fallthrough");
  });
});

describe("authorizeAction", () => {
  const file: PolicyFileInput = {
    defaults: { timeout: "30m", expiry: "park", renotifyEvery: "5m" },
    rules: [
      { id: "observe-freely", match: { actions: ["screenshot", "zoom"] }, decision: "allow" },
      {
        id: "enter-needs-two",
        match: { keys: ["Return"] },
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

  it("decides each effect by its first matching rule; deny wins over ask", () => {
    const policy = parsePolicy(file, options);
    expect(authorizeAction({ action: "type", text: "sudo ls" }, context(), policy)).toMatchObject({
      kind: "deny",
      ruleId: "no-sudo",
      reason: "no sudo here",
    });
    // Enter asks two, but the typed line is denied: deny wins.
    expect(authorizeAction({ action: "type", text: "sudo ls\n" }, context(), policy).kind).toBe(
      "deny",
    );
    expect(authorizeAction({ action: "type", text: "ls" }, context(), policy).ruleId).toBe(
      "typing-asks",
    );
    expect(
      authorizeAction({ action: "zoom", region: [0, 0, 10, 10] }, context(), policy),
    ).toMatchObject({ kind: "allow", ruleId: "observe-freely" });
  });

  it("lets a deny rule win over an allow rule placed above it", () => {
    const policy = parsePolicy(
      {
        rules: [
          { id: "typing-free", match: { actions: ["type"] }, decision: "allow" },
          { id: "no-sudo", match: { textMatches: "\\bsudo\\b" }, decision: "deny" },
        ],
      },
      options,
    );
    expect(authorizeAction({ action: "type", text: "sudo ls" }, context(), policy)).toMatchObject({
      kind: "deny",
      ruleId: "no-sudo",
    });
    expect(authorizeAction({ action: "type", text: "ls" }, context(), policy).kind).toBe("allow");
  });

  it("asks with the strictest rule among the effects", () => {
    const policy = parsePolicy(file, options);
    const result = authorizeAction({ action: "type", text: "ls\n" }, context(), policy);
    expect(result).toMatchObject({
      kind: "ask",
      ruleId: "enter-needs-two",
      requiredApprovals: 2,
      timeoutMs: 90_000,
      expiryMode: "deny",
    });
    expect(result.effects.map((v) => [v.effect.kind, v.ruleId])).toEqual([
      ["type", "typing-asks"],
      ["key", "enter-needs-two"],
    ]);
  });

  it("asks with the defaults under rule id 'default' when no rule matches", () => {
    const policy = parsePolicy(file, options);
    expect(
      authorizeAction({ action: "left_click", coordinate: [5, 5] }, context(), policy),
    ).toMatchObject({
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
    expect(authorizeAction({ action: "screenshot" }, context(), policy)).toMatchObject({
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
    expect(authorizeAction({ action: "type", text: "sudo ls" }, context(), policy)).toMatchObject({
      kind: "ask",
      ruleId: "no-sudo",
      requiredApprovals: 1,
      shadowDenied: { ruleId: "no-sudo", reason: "no sudo here" },
    });
    expect(authorizeAction({ action: "screenshot" }, context(), policy).kind).toBe("allow");
  });

  it("gives a deny rule without a reason one that names the rule", () => {
    const policy = parsePolicy({ rules: [{ id: "frozen", match: {}, decision: "deny" }] }, options);
    expect(authorizeAction({ action: "screenshot" }, context(), policy)).toMatchObject({
      kind: "deny",
      ruleId: "frozen",
      reason: 'blocked by policy rule "frozen"',
    });
  });
});

describe("Enter after typing", () => {
  const policy = parsePolicy(
    {
      rules: [
        { id: "observe", match: { actions: ["screenshot", "wait"] }, decision: "allow" },
        {
          id: "enter-after-typing",
          match: { keys: ["Return"], afterAction: "type" },
          decision: "ask",
          approvers: 2,
        },
        { id: "rest", match: {}, decision: "ask" },
      ],
    },
    options,
  );
  const required = (action: ComputerAction, input: Partial<DesktopInputState>) => {
    const result = authorizeAction(action, context(input), policy);
    return result.kind === "ask" ? result.requiredApprovals : result.kind;
  };

  it("is not hidden by a key pressed between typing and Enter", () => {
    for (const between of ["ctrl+e", "BackSpace", "Left", "End", "ctrl+a"])
      expect(
        required(
          { action: "key", text: `${between} Return` },
          { line: "rm -rf ~/x", lastChange: "type" },
        ),
      ).toBe(2);
    expect(
      required({ action: "key", text: "Return" }, { line: "rm -rf ~/x", lastChange: "key" }),
    ).toBe(2);
  });

  it("is not asked twice for an Enter on a line known to be empty", () => {
    const known = { lineUnknown: false };
    expect(
      required({ action: "key", text: "Return" }, { ...known, line: "", lastChange: "left_click" }),
    ).toBe(1);
    expect(
      required(
        { action: "key", text: "BackSpace Return" },
        { ...known, line: "x", cursor: 1, lastChange: "type" },
      ),
    ).toBe(1);
  });

  it("asks two people for ctrl+o and alt+# after typing (bash runs the line)", () => {
    for (const key of ["ctrl+o", "alt+numbersign"])
      expect(
        required({ action: "key", text: key }, { line: "rm -rf ~/x", lastChange: "type" }),
      ).toBe(2);
  });
});
