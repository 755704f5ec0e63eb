import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { keyNameToNut, parseKeyCombo, parseKeySequence } from "./key-names.ts";

describe("parseKeyCombo", () => {
  it.each([
    ["ctrl+shift+t", ["LeftControl", "LeftShift", "T"]],
    ["Return", ["Return"]],
    ["super", ["LeftSuper"]],
    ["cmd+c", ["LeftSuper", "C"]],
    ["meta+l", ["LeftSuper", "L"]],
    ["win", ["LeftSuper"]],
    ["alt+Tab", ["LeftAlt", "Tab"]],
    ["ctrl+s", ["LeftControl", "S"]],
    ["KP_Enter", ["Enter"]],
    ["F1", ["F1"]],
    ["F12", ["F12"]],
    ["Page_Down", ["PageDown"]],
    ["Page_Up", ["PageUp"]],
    ["BackSpace", ["Backspace"]],
    ["Escape", ["Escape"]],
    ["space", ["Space"]],
    ["Delete", ["Delete"]],
    ["Home", ["Home"]],
    ["End", ["End"]],
    ["Up", ["Up"]],
    ["Down", ["Down"]],
    ["Left", ["Left"]],
    ["Right", ["Right"]],
    ["CTRL+s", ["LeftControl", "S"]],
    ["Ctrl+Alt+Delete", ["LeftControl", "LeftAlt", "Delete"]],
    ["A", ["LeftShift", "A"]],
    ["7", ["Num7"]],
    ["/", ["Slash"]],
    ["ctrl+minus", ["LeftControl", "Minus"]],
    ["+", ["LeftShift", "Equal"]],
    ["ctrl+plus", ["LeftControl", "LeftShift", "Equal"]],
    ["ctrl+@", ["LeftControl", "LeftShift", "Num2"]],
    ["shift+question", ["LeftShift", "Slash"]],
  ])("maps %s", (combo, keys) => {
    expect(parseKeyCombo(combo)).toEqual({ ok: true, keys });
  });

  it("names the unknown part and the whole combo", () => {
    expect(parseKeyCombo("ctrl+Hyperr")).toEqual({
      ok: false,
      message: "unknown key 'Hyperr' in 'ctrl+Hyperr'",
    });
    expect(parseKeyCombo("F25")).toEqual({ ok: false, message: "unknown key 'F25' in 'F25'" });
    expect(parseKeyCombo("ctrl++")).toMatchObject({ ok: false });
    expect(parseKeyCombo("  ")).toEqual({ ok: false, message: "empty key name" });
    for (const name of ["constructor", "__proto__", "toString", "hasOwnProperty"])
      expect(parseKeyCombo(name)).toMatchObject({ ok: false });
  });

  it("reads modifiers in any letter case", () => {
    const modifier = fc.constantFrom("ctrl", "shift", "alt", "super", "cmd", "meta", "win");
    const casing = fc.array(fc.boolean(), { minLength: 8, maxLength: 8 });
    fc.assert(
      fc.property(modifier, casing, (name, upper) => {
        const mixed = Array.from(name, (c, i) => (upper[i] ? c.toUpperCase() : c)).join("");
        expect(parseKeyCombo(`${mixed}+x`)).toEqual(parseKeyCombo(`${name}+x`));
      }),
    );
  });

  it("either maps every part or names the first part it cannot map", () => {
    const part = fc.oneof(
      fc.constantFrom("ctrl", "Shift", "alt", "Return", "F5", "a", "Z", "Tab", "KP_Enter"),
      fc.string({ minLength: 1, maxLength: 6 }).filter((s) => !/[+\s]/.test(s)),
    );
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 4 }), (parts) => {
        const combo = parts.join("+");
        const result = parseKeyCombo(combo);
        const firstUnknown = parts.find((p) => keyNameToNut(p) === undefined);
        if (firstUnknown === undefined) {
          expect(result.ok).toBe(true);
          if (result.ok) expect(new Set(result.keys).size).toBe(result.keys.length);
        } else {
          expect(result).toEqual({
            ok: false,
            message: `unknown key '${firstUnknown}' in '${combo}'`,
          });
        }
      }),
      { numRuns: 2_000 },
    );
  });
});

describe("parseKeySequence", () => {
  it("splits space-separated combos pressed in turn", () => {
    expect(parseKeySequence("ctrl+a BackSpace")).toEqual({
      ok: true,
      combos: [["LeftControl", "A"], ["Backspace"]],
    });
    expect(parseKeySequence("Return nope")).toEqual({
      ok: false,
      message: "unknown key 'nope' in 'nope'",
    });
  });
});
