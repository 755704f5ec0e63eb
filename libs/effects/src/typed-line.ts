/**
 * The typed line (`DesktopInputState.line`, `Effect.line`) holds what is known of the
 * focused field's line, with two markers where text may be that nobody saw. They are
 * private-use characters, which `validateAction` refuses in typed text, so no action can
 * type one.
 * - `completionGap`: Tab completion may have extended the word before it (letters, not a
 *   space or a new word: `sud` + Tab may be `sudo`).
 * - `unknownText`: anything may be there — a paste, a history entry, text typed where the
 *   cursor was not known, text that fell off the front of a line longer than
 *   `maxLineLength`.
 */
export const completionGap = "\ue000";
export const unknownText = "\ue001";

// biome-ignore lint/suspicious/noMisleadingCharacterClass: the markers are single code units
const markers = /[\ue000\ue001]/g;

/** Whether the line holds text nobody saw (an `unknownText` marker). */
export function holdsUnknownText(line: string): boolean {
  return line.includes(unknownText);
}

/** Whether the line holds any marker. */
export function holdsGaps(line: string): boolean {
  return line.includes(completionGap) || line.includes(unknownText);
}

/** The line as far as it is known, markers taken out (what a card may show). */
export function knownText(line: string): string {
  return line.replace(markers, "");
}

/**
 * Readings of a line with completion gaps filled in: with nothing, and with each suffix
 * of each of `words` (with and without the space completion appends) — so `sud` + gap
 * reads as `sudo` when `sudo` is among the words. `unknownText` markers are taken out
 * (whether unknown text may match is the caller's call). At most `limit` readings; the
 * gaps are filled alike, which covers one completion exactly and several approximately.
 */
export function completionReadings(line: string, words: readonly string[], limit = 512): string[] {
  const bare = line.replaceAll(unknownText, "");
  if (!bare.includes(completionGap)) return [bare];
  const fills = new Set<string>([""]);
  for (const word of words)
    for (let start = 0; start < word.length; start += 1) {
      fills.add(word.slice(start));
      fills.add(`${word.slice(start)} `);
    }
  const readings: string[] = [];
  for (const fill of fills) {
    if (readings.length >= limit) break;
    readings.push(bare.replaceAll(completionGap, fill));
  }
  return readings;
}

/** A line and where the cursor is in it (undefined: not known). */
export interface LineAndCursor {
  line: string;
  cursor?: number | undefined;
}

const isMarker = (character: string | undefined) =>
  character === completionGap || character === unknownText;

/** `line` with `unknownText` appended, once. */
export function withUnknownText(line: string): string {
  return line.endsWith(unknownText) ? line : `${line}${unknownText}`;
}

/**
 * Typing at the cursor. Where the cursor is not known and the line holds text, the new
 * text may have gone anywhere in it: it is appended after an `unknownText` marker, so
 * nothing typed is forgotten and a rule reading the line knows its order is not certain.
 * Returns the line as typed (what the effect is judged on) and the line kept, whose front
 * gives way to a marker past `maxLength`.
 */
export function insertText(
  { line, cursor }: LineAndCursor,
  text: string,
  maxLength: number,
): { typed: string; kept: LineAndCursor } {
  let typed: string;
  let at: number;
  if (cursor === undefined) {
    const base = line.length > 0 ? withUnknownText(line) : line;
    typed = `${base}${text}`;
    at = typed.length;
  } else {
    const from = Math.min(cursor, line.length);
    typed = `${line.slice(0, from)}${text}${line.slice(from)}`;
    at = from + text.length;
  }
  if (typed.length <= maxLength) return { typed, kept: { line: typed, cursor: at } };
  const dropped = typed.length - (maxLength - 1);
  const rest = typed.slice(dropped);
  return {
    typed,
    kept: {
      line: `${unknownText}${rest.startsWith(unknownText) ? rest.slice(1) : rest}`,
      cursor: Math.max(1, at - dropped + 1),
    },
  };
}

export type LineEdit = "home" | "end" | "left" | "right" | "backspace" | "delete";

/**
 * A cursor key or deletion, `presses` times, as a line editor applies it. A marker stands
 * for text of unknown length: deleting into it leaves unknown text there, and moving
 * across it leaves the cursor unknown. With the cursor unknown, nothing is deleted from
 * what the rules read.
 */
export function editLine(state: LineAndCursor, edit: LineEdit, presses: number): LineAndCursor {
  let { line, cursor } = state;
  if (edit === "home") return { line, cursor: 0 };
  if (edit === "end") return { line, cursor: line.length };
  for (let press = 0; press < presses && cursor !== undefined; press += 1) {
    switch (edit) {
      case "left":
        if (isMarker(line[cursor - 1])) cursor = undefined;
        else cursor = Math.max(0, cursor - 1);
        break;
      case "right":
        if (isMarker(line[cursor])) cursor = undefined;
        else cursor = Math.min(line.length, cursor + 1);
        break;
      case "backspace":
        if (cursor === 0) break;
        if (isMarker(line[cursor - 1]))
          line = `${line.slice(0, cursor - 1)}${unknownText}${line.slice(cursor)}`;
        else {
          line = `${line.slice(0, cursor - 1)}${line.slice(cursor)}`;
          cursor -= 1;
        }
        break;
      case "delete":
        if (isMarker(line[cursor]))
          line = `${line.slice(0, cursor)}${unknownText}${line.slice(cursor + 1)}`;
        else line = `${line.slice(0, cursor)}${line.slice(cursor + 1)}`;
        break;
    }
  }
  return { line, cursor };
}

/**
 * A shell joins a line that ends in an unescaped backslash with the next one (POSIX
 * "Escape Character (Backslash)": a backslash-newline pair is removed): `su\` Return `do`
 * runs `sudo`. The line with the trailing backslash taken off, or undefined.
 * https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#tag_19_02_01
 */
export function continuedLine(line: string): string | undefined {
  const backslashes = line.length - line.replace(/\\+$/, "").length;
  return backslashes % 2 === 1 ? line.slice(0, -1) : undefined;
}
