import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { comboMatches, formatCombo, parseKeyCombo, parseKeySequence, textOf } from "./key-combo.ts";
import { modifierSpellingsOf, physicalKeysOf } from "./key-vocabulary.ts";
import { isEnterLike } from "./submit-keys.ts";

const canonical = (text: string) => {
  const parsed = parseKeyCombo(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return formatCombo(parsed.combo);
};

describe("parseKeyCombo", () => {
  it.each([
    ["ctrl+shift+t", "ctrl+shift+t"],
    ["Shift+CTRL+T", "ctrl+shift+t"],
    ["Return", "return"],
    ["enter", "return"],
    ["KP_Enter", "kp_enter"],
    ["super", "super"],
    ["meta+l", "super+l"],
    ["windows+l", "super+l"],
    ["super_l+l", "super+l"],
    ["cmd+c", "super+c"],
    ["alt_l+F4", "alt+f4"],
    ["option+F4", "alt+f4"],
    ["control_l+alt+Delete", "alt+ctrl+delete"],
    ["ctrl+alt+del", "alt+ctrl+delete"],
    ["Page_Down", "page_down"],
    ["Next", "page_down"],
    ["BackSpace", "backspace"],
    ["A", "shift+a"],
    ["7", "7"],
    ["/", "slash"],
    ["ctrl+minus", "ctrl+minus"],
    ["+", "shift+equal"],
    ["ctrl+plus", "ctrl+shift+equal"],
    ["ctrl+@", "ctrl+shift+2"],
    ["shift+question", "shift+slash"],
    ["F12", "f12"],
  ])("reads %s as %s", (text, expected) => {
    expect(canonical(text)).toBe(expected);
  });

  it("keeps the side of a right-hand modifier for the actuator", () => {
    const parsed = parseKeyCombo("Control_R+c");
    expect(parsed.ok && parsed.combo.physical).toEqual([
      { name: "ctrl", side: "right" },
      { name: "c" },
    ]);
  });

  it("names the unknown part and the whole combo", () => {
    expect(parseKeyCombo("ctrl+Hyperr")).toEqual({
      ok: false,
      message: "unknown key 'Hyperr' in 'ctrl+Hyperr'",
    });
    expect(parseKeyCombo("ctrl+Shft+s")).toMatchObject({ ok: false });
    expect(parseKeyCombo("F25")).toEqual({ ok: false, message: "unknown key 'F25' in 'F25'" });
    // Keypad digits are Home, End and arrows with Num Lock off: not accepted.
    expect(parseKeyCombo("KP_7")).toEqual({ ok: false, message: "unknown key 'KP_7' in 'KP_7'" });
    expect(parseKeyCombo("ctrl++")).toMatchObject({ ok: false });
    expect(parseKeyCombo("  ")).toEqual({ ok: false, message: "empty key name" });
    for (const name of ["constructor", "__proto__", "toString", "hasOwnProperty"])
      expect(parseKeyCombo(name)).toMatchObject({ ok: false });
  });

  it("reads every spelling of a modifier, in any letter case, as the same key", () => {
    const spelling = fc.constantFrom(
      ...modifierSpellingsOf("super").map((s) => ["super", s] as const),
      ...modifierSpellingsOf("ctrl").map((s) => ["ctrl", s] as const),
      ...modifierSpellingsOf("alt").map((s) => ["alt", s] as const),
    );
    const casing = fc.array(fc.boolean(), { minLength: 10, maxLength: 10 });
    fc.assert(
      fc.property(spelling, casing, ([modifier, name], upper) => {
        const mixed = Array.from(name, (c, i) => (upper[i] ? c.toUpperCase() : c)).join("");
        expect(canonical(`${mixed}+x`)).toBe(`${modifier}+x`);
      }),
    );
  });

  it("maps every part, names the first part it cannot map, or refuses a chord of two keys", () => {
    const part = fc.oneof(
      fc.constantFrom("ctrl", "Shift", "alt", "Return", "F5", "a", "Z", "Tab", "KP_Enter"),
      fc.string({ minLength: 1, maxLength: 6 }).filter((s) => !/[+\s]/.test(s)),
    );
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 4 }), (parts) => {
        const combo = parts.join("+");
        const result = parseKeyCombo(combo);
        const firstUnknown = parts.find((p) => physicalKeysOf(p) === undefined);
        const keys = new Set(parts.flatMap((p) => (physicalKeysOf(p) ?? []).map((k) => k.name)));
        for (const modifier of ["ctrl", "shift", "alt", "super"]) keys.delete(modifier);
        if (firstUnknown === undefined && keys.size <= 1) expect(result.ok).toBe(true);
        else if (firstUnknown === undefined)
          expect(result).toMatchObject({
            ok: false,
            message: expect.stringMatching(/more than one/),
          });
        else
          expect(result).toEqual({
            ok: false,
            message: `unknown key '${firstUnknown}' in '${combo}'`,
          });
      }),
      { numRuns: 2_000 },
    );
  });
});

describe("parseKeySequence", () => {
  it("splits space-separated combos pressed in turn", () => {
    const parsed = parseKeySequence("ctrl+a BackSpace");
    expect(parsed.ok && parsed.combos.map(formatCombo)).toEqual(["ctrl+a", "backspace"]);
    expect(parseKeySequence("Return nope")).toEqual({
      ok: false,
      message: "unknown key 'nope' in 'nope'",
    });
  });
});

describe("what a combination types", () => {
  const combo = (text: string) => {
    const parsed = parseKeyCombo(text);
    if (!parsed.ok) throw new Error(parsed.message);
    return parsed.combo;
  };

  it("types characters on a US layout, Enter and Tab; shortcuts type nothing", () => {
    expect(textOf(combo("a"))).toBe("a");
    expect(textOf(combo("A"))).toBe("A");
    expect(textOf(combo("at"))).toBe("@");
    expect(textOf(combo("space"))).toBe(" ");
    expect(textOf(combo("Return"))).toBe("\n");
    expect(textOf(combo("ctrl+m"))).toBe("\n");
    expect(textOf(combo("Tab"))).toBe("\t");
    expect(textOf(combo("ctrl+c"))).toBeUndefined();
    expect(textOf(combo("Escape"))).toBeUndefined();
  });

  it("takes every combination not known not to submit as possibly Enter", () => {
    for (const text of [
      "Return",
      "KP_Enter",
      "ctrl+m",
      "ctrl+j",
      "ctrl+o",
      "alt+numbersign",
      "shift+Return",
      "ctrl+KP_Enter",
    ])
      expect(isEnterLike(combo(text))).toBe(true);
    for (const text of ["ctrl+alt+m", "ctrl+shift+k", "ctrl+x", "F5", "super+Return"])
      expect(isEnterLike(combo(text))).toBe(true);
    for (const text of ["m", "Tab", "ctrl+l", "Escape", "shift+Tab", "BackSpace"])
      expect(isEnterLike(combo(text))).toBe(false);
  });

  it("matches a rule exactly for allow, covering for ask and deny", () => {
    expect(comboMatches(combo("alt+F4"), combo("alt+shift+F4"), "covering")).toBe(true);
    expect(comboMatches(combo("alt+F4"), combo("alt+shift+F4"), "exact")).toBe(false);
    expect(comboMatches(combo("Return"), combo("ctrl+j"), "covering")).toBe(true);
    expect(comboMatches(combo("Return"), combo("ctrl+j"), "exact")).toBe(false);
    expect(comboMatches(combo("super+l"), combo("super+k"), "covering")).toBe(false);
  });
});
