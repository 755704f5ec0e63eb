/**
 * Typed text as an approver must see it: every character distinguishable, nothing
 * hidden. Enter (a newline) shows as ⏎ and Tab as ⇥; spaces at the start or end of a line,
 * or two or more in a row, as ␠; control, format (bidi overrides, zero-width), private-use
 * and unassigned characters, unusual spaces, and the markers themselves as ⟦U+202E⟧. The
 * mapping is one-to-one: `readShownText(showText(x)) === x` for every string.
 */
const markers = ["⏎", "⇥", "␠", "⟦", "⟧"];
const byCodePoint =
  /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\p{Zl}\p{Zp}\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000⏎⇥␠⟦⟧]/u;

export function codePointLabel(character: string): string {
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

export function showText(text: string): string {
  return text
    .split("\n")
    .map((line) => showLine(line))
    .join("⏎\n");
}

function showLine(line: string): string {
  let out = "";
  const characters = Array.from(line);
  characters.forEach((character, index) => {
    if (character === "\t") out += "⇥";
    else if (character === " ") out += visibleSpace(characters, index) ? "␠" : " ";
    else if (byCodePoint.test(character)) out += `⟦${codePointLabel(character)}⟧`;
    else out += character;
  });
  return out;
}

/** A space someone could miss: at either end of the line, or next to another space. */
function visibleSpace(characters: string[], index: number): boolean {
  return (
    index === 0 ||
    index === characters.length - 1 ||
    characters[index - 1] === " " ||
    characters[index + 1] === " "
  );
}

/** The exact text a shown text stands for (the inverse of `showText`). */
export function readShownText(shown: string): string {
  return shown
    .replace(/⏎\n?/g, "\n")
    .replace(/⇥/g, "\t")
    .replace(/␠/g, " ")
    .replace(/⟦U\+([0-9A-F]{4,6})⟧/g, (_match, hex: string) =>
      String.fromCodePoint(Number.parseInt(hex, 16)),
    );
}

/**
 * Characters outside ASCII that look like others or like nothing (é as e + U+0301,
 * Cyrillic а for Latin a): listed by code point so a look-alike cannot pass for the real
 * thing. At most `limit`, each once, in order of appearance.
 */
export function nonAsciiCharacters(text: string, limit = 12): string[] {
  const seen = new Set<string>();
  for (const character of text) {
    if (character.codePointAt(0)! < 0x80 || markers.includes(character)) continue;
    if (byCodePoint.test(character)) continue; // already shown by code point
    seen.add(character);
    if (seen.size >= limit) break;
  }
  return [...seen].map((character) => `${character} ${codePointLabel(character)}`);
}

/**
 * The first `limit` characters of a shown text, never cutting an escape (⟦U+…⟧) or the
 * newline after ⏎; `cut` tells whether anything was left out.
 */
export function cutShownText(shown: string, limit: number): { text: string; cut: boolean } {
  if (shown.length <= limit) return { text: shown, cut: false };
  let end = limit;
  const open = shown.lastIndexOf("⟦", end);
  if (open >= 0 && shown.indexOf("⟧", open) >= end) end = open;
  // Never split a surrogate pair.
  if (/[\ud800-\udbff]/.test(shown.charAt(end - 1))) end -= 1;
  return { text: shown.slice(0, end), cut: true };
}
