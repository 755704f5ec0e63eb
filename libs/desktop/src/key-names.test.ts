import { describe, expect, it } from "vitest";
import { parseKeyCombo, parseKeySequence } from "./key-names.ts";

describe("nut-js keys for the shared vocabulary", () => {
  it.each([
    ["ctrl+shift+t", ["LeftControl", "LeftShift", "T"]],
    ["Return", ["Return"]],
    ["KP_Enter", ["Enter"]],
    ["meta+l", ["LeftSuper", "L"]],
    ["Control_R+c", ["RightControl", "C"]],
    ["alt+Tab", ["LeftAlt", "Tab"]],
    ["A", ["LeftShift", "A"]],
    ["7", ["Num7"]],
    ["/", ["Slash"]],
    ["+", ["LeftShift", "Equal"]],
    ["ctrl+@", ["LeftControl", "LeftShift", "Num2"]],
    ["Page_Down", ["PageDown"]],
    ["F12", ["F12"]],
    ["apostrophe", ["Quote"]],
  ])("presses %s as %j", (combo, keys) => {
    expect(parseKeyCombo(combo)).toEqual({ ok: true, keys });
  });

  it("passes on the vocabulary's message for an unknown key", () => {
    expect(parseKeySequence("ctrl+a Hyperr")).toEqual({
      ok: false,
      message: "unknown key 'Hyperr' in 'Hyperr'",
    });
  });
});
