import {
  type ComputerAction,
  computerActionNames,
  computerActionSchema,
} from "@deskgate/contracts";
import { initialInputState } from "@deskgate/effects";
import { describe, expect, it } from "vitest";
import { authorizeAction } from "./authorize-action.ts";
import { defaultPolicy } from "./default-policy.ts";

const samples: Record<(typeof computerActionNames)[number], unknown> = {
  key: { action: "key", text: "ctrl+s" },
  type: { action: "type", text: "hello" },
  mouse_move: { action: "mouse_move", coordinate: [1, 2] },
  left_click: { action: "left_click", coordinate: [1, 2] },
  right_click: { action: "right_click" },
  middle_click: { action: "middle_click", coordinate: [3, 4] },
  double_click: { action: "double_click", coordinate: [3, 4] },
  triple_click: { action: "triple_click", coordinate: [3, 4] },
  left_click_drag: { action: "left_click_drag", start_coordinate: [1, 1], coordinate: [9, 9] },
  left_mouse_down: { action: "left_mouse_down" },
  left_mouse_up: { action: "left_mouse_up", coordinate: [5, 5] },
  scroll: { action: "scroll", coordinate: [5, 5], scroll_direction: "down", scroll_amount: 3 },
  hold_key: { action: "hold_key", text: "shift", duration: 1 },
  wait: { action: "wait", duration: 0.5 },
  screenshot: { action: "screenshot" },
  cursor_position: { action: "cursor_position" },
  zoom: { action: "zoom", region: [0, 0, 100, 50] },
};

const observing = new Set(["screenshot", "cursor_position", "zoom", "wait"]);

describe("defaultPolicy", () => {
  const policy = defaultPolicy({ approvalTimeoutMs: 300_000 });

  it.each(computerActionNames)("decides %s safely", (name) => {
    const action: ComputerAction = computerActionSchema.parse(samples[name]);
    const decision = authorizeAction(
      action,
      { desktop: "desktop-1", input: { ...initialInputState, pointer: [5, 5] } },
      policy,
    );
    if (observing.has(name)) {
      expect(decision).toMatchObject({ kind: "allow", ruleId: "observe-freely" });
    } else {
      expect(decision).toMatchObject({
        kind: "ask",
        requiredApprovals: 1,
        timeoutMs: 300_000,
        expiryMode: "deny",
      });
    }
  });

  it("covers all 17 action names", () => {
    expect(computerActionNames).toHaveLength(17);
    expect(Object.keys(samples).sort()).toEqual([...computerActionNames].sort());
  });
});

describe("defaultPolicy's risk tiers", () => {
  const policy = defaultPolicy({ approvalTimeoutMs: 300_000 });
  const judge = (action: ComputerAction, line = "") =>
    authorizeAction(
      action,
      { desktop: "desktop-1", input: { ...initialInputState, pointer: [5, 5], line } },
      policy,
    );

  it("rates Enter after typing, closing and deleting high: no plan or grant covers them", () => {
    expect(judge({ action: "type", text: "rm -rf ~/x\n" })).toMatchObject({ risk: "high" });
    expect(judge({ action: "key", text: "Return" }, "rm -rf ~/x")).toMatchObject({
      kind: "ask",
      risk: "high",
    });
    expect(judge({ action: "key", text: "KP_Enter" }, "ls")).toMatchObject({ risk: "high" });
    expect(judge({ action: "key", text: "alt+F4" })).toMatchObject({ risk: "high" });
    expect(judge({ action: "key", text: "ctrl+w" })).toMatchObject({ risk: "high" });
    expect(judge({ action: "key", text: "shift+Delete" })).toMatchObject({ risk: "high" });
  });

  it("leaves typing, clicks and other keys at one approver, medium", () => {
    expect(judge({ action: "type", text: "ls" })).toMatchObject({ kind: "ask", risk: "medium" });
    expect(judge({ action: "key", text: "Tab" }, "ls")).toMatchObject({ risk: "medium" });
  });
});
