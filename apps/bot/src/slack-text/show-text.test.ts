import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cutShownText, nonAsciiCharacters, readShownText, showText } from "./show-text.ts";

describe("showing typed text", () => {
  it.each([
    ["ls -la\n", "ls -la⏎\n"],
    ["a\tb", "a⇥b"],
    [" lead and trail ", "␠lead and trail␠"],
    ["two  spaces", "two␠␠spaces"],
    ["rtl \u202egnp.exe", "rtl ⟦U+202E⟧gnp.exe"],
    ["zero\u200bwidth", "zero⟦U+200B⟧width"],
    ["nbsp\u00a0here", "nbsp⟦U+00A0⟧here"],
    ["bell\u0007 c1\u0085", "bell⟦U+0007⟧ c1⟦U+0085⟧"],
    ["a literal ⏎ and ⟦U+0041⟧", "a literal ⟦U+23CE⟧ and ⟦U+27E6⟧U+0041⟦U+27E7⟧"],
  ])("shows %j as %j", (text, shown) => {
    expect(showText(text)).toBe(shown);
    expect(readShownText(shown)).toBe(text);
  });

  it("maps every text to a shown text that identifies it exactly", () => {
    const pieces = fc.oneof(
      fc.string({ unit: "binary" }),
      fc.constantFrom(
        "\n",
        "\t",
        " ",
        "  ",
        "⏎",
        "⇥",
        "␠",
        "⟦",
        "⟧",
        "\u202e",
        "\u200b",
        "\ufeff",
        "\u0085",
        "⟦U+0041⟧",
      ),
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 12 }), (parts) => {
        const text = parts.join("");
        const shown = showText(text);
        expect(readShownText(shown)).toBe(text);
        // Nothing invisible or direction-changing is left in what is shown.
        expect(shown).not.toMatch(/[\p{Cf}\p{Co}]/u);
        expect([...shown].filter((c) => /\p{Cc}/u.test(c) && c !== "\n")).toEqual([]);
      }),
      { numRuns: 3_000 },
    );
  });

  it("cuts a shown text without splitting an escape", () => {
    const shown = showText(`${"a".repeat(8)}\u202e${"b".repeat(8)}`);
    const cut = cutShownText(shown, 12);
    expect(cut).toEqual({ text: "aaaaaaaa", cut: true });
    expect(cutShownText("short", 12)).toEqual({ text: "short", cut: false });
  });

  it("lists characters beyond ASCII by code point, look-alikes included", () => {
    expect(nonAsciiCharacters("café with Cyrillic а")).toEqual(["é U+00E9", "а U+0430"]);
    expect(nonAsciiCharacters("plain ascii")).toEqual([]);
  });
});
