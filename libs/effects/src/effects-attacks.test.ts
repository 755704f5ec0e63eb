import type { ComputerAction } from "@deskgate/contracts";
import { describe, expect, it } from "vitest";
import { type DesktopInputState, initialInputState } from "./input-state.ts";
import { parseKeyCombo } from "./key-combo.ts";
import { planEffects } from "./plan-effects.ts";
import { isEnterLike } from "./submit-keys.ts";
import { validateAction } from "./validate-action.ts";

/**
 * Inputs that reached the desktop while the effect model read them as something milder:
 * refused at validation, or judged as what they may do.
 */
const screen = { width: 1280, height: 800 };

function refusal(input: unknown): string | undefined {
  const result = validateAction(input, screen);
  return result.ok ? undefined : result.message;
}

function combo(text: string) {
  const parsed = parseKeyCombo(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.combo;
}

/** The input state after `actions`, from a field known to be empty. */
function stateAfter(actions: ComputerAction[], from: Partial<DesktopInputState> = {}) {
  let state: DesktopInputState = { ...initialInputState, lineUnknown: false, cursor: 0, ...from };
  for (const action of actions) state = planEffects(action, state).after;
  return state;
}

describe("refuses what cannot be judged", () => {
  it.each([
    ["ctrl+a+b", "key"],
    ["ctrl+m+x", "key"],
    ["a+b", "key"],
    ["shift+Return+x", "key"],
  ])("refuses the chord %s: more than one non-modifier key at once", (text, action) => {
    expect(refusal({ action, text })).toMatch(/more than one/);
  });

  it("refuses several non-modifier keys held together (hold_key, keys held during a click)", () => {
    expect(refusal({ action: "hold_key", text: "a b", duration: 1 })).toMatch(/more than one/);
    expect(refusal({ action: "left_click", coordinate: [5, 5], text: "ctrl+m+x" })).toMatch(
      /more than one/,
    );
  });

  it.each(["Caps_Lock", "caps_lock", "Num_Lock", "Scroll_Lock", "Shift_Lock", "ctrl+Caps_Lock"])(
    "refuses the lock key %s: it changes what every later key types",
    (text) => {
      expect(refusal({ action: "key", text })).toMatch(/lock/i);
      expect(refusal({ action: "hold_key", text, duration: 1 })).toMatch(/lock/i);
    },
  );

  it.each([
    ["a line separator", "ls\u2028sudo ls"],
    ["a paragraph separator", "ls\u2029"],
    ["a right-to-left override that reverses what the card shows", "echo \u202eflr- mr"],
    ["a private-use character", "su\ue000do"],
  ])("refuses typing %s", (_, text) => {
    expect(refusal({ action: "type", text })).toMatch(/character/);
  });
});

describe("what submits is decided by an allow-list", () => {
  it.each([
    "ctrl+super+m",
    "ctrl+alt+m",
    "ctrl+x",
    "ctrl+v",
    "ctrl+shift+v",
    "shift+Insert",
    "alt+numbersign",
    "F5",
    "ctrl+space",
  ])("takes %s as possibly submitting", (text) => {
    expect(isEnterLike(combo(text))).toBe(true);
  });

  it.each([
    "a",
    "shift+a",
    "at",
    "space",
    "BackSpace",
    "Delete",
    "Left",
    "Up",
    "Home",
    "End",
    "Page_Up",
    "Tab",
    "shift+Tab",
    "Escape",
    "ctrl+l",
    "ctrl+c",
    "ctrl+a",
    "ctrl+e",
    "ctrl+s",
    "ctrl+z",
    "ctrl+End",
    "ctrl+Home",
    "shift",
    "ctrl",
  ])("knows %s does not submit", (text) => {
    expect(isEnterLike(combo(text))).toBe(false);
  });
});

describe("the typed line", () => {
  it("keeps text typed before a key that only may submit", () => {
    const state = stateAfter([
      { action: "type", text: "sudo ls" },
      { action: "key", text: "ctrl+x" },
    ]);
    expect(state.line).toContain("sudo ls");
  });

  it("reads an Escape followed by a key as Alt with that key, within a sequence and across actions", () => {
    const within = planEffects({ action: "key", text: "Escape numbersign" }, stateAfter([]));
    expect(within.effects.some((e) => e.combo && isEnterLike(e.combo))).toBe(true);
    const escaped = stateAfter([{ action: "key", text: "Escape" }]);
    const typed = planEffects({ action: "type", text: "#" }, escaped);
    expect(typed.effects.some((e) => e.combo && isEnterLike(e.combo))).toBe(true);
  });

  it("keeps typed text the cap would push out of the line as unknown, not gone", () => {
    const state = stateAfter([{ action: "type", text: `sudo rm -rf / ${" ".repeat(4_200)}` }]);
    expect(state.line.includes("sudo") || state.line.includes("\ue001")).toBe(true);
  });

  it("joins a line continued with a backslash before Return, as a shell does", () => {
    const state = stateAfter([{ action: "type", text: "su\\\ndo ls" }]);
    expect(state.line).toBe("sudo ls");
  });
});
