import { describe, expect, it } from "vitest";
import { keyCombosOf, normalizeKeyCombo } from "./normalize-key-combo.ts";

describe("normalizeKeyCombo", () => {
  it.each([
    ["Shift+Ctrl+T", "ctrl+shift+t"],
    ["ctrl+shift+t", "ctrl+shift+t"],
    ["Control+Alt+Delete", "alt+ctrl+delete"],
    ["KP_Enter", "kp_enter"],
    ["Enter", "return"],
    ["cmd+q", "super+q"],
    [" ctrl + s ", "ctrl+s"],
  ])("%s → %s", (combo, expected) => {
    expect(normalizeKeyCombo(combo)).toBe(expected);
  });

  it("splits a key sequence into its combos", () => {
    expect(keyCombosOf("ctrl+a  Delete")).toEqual(["ctrl+a", "delete"]);
  });
});
