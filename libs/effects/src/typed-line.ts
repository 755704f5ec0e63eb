/**
 * The typed line (`DesktopInputState.line`, `Effect.line`) holds what is known of the
 * focused field's line, with two markers where text may be that nobody saw. They are
 * private-use characters, which `validateAction` refuses in typed text, so no action can
 * type one.
 * - `completionGap`: Tab completion may have extended the word before it (letters, not a
 *   space or a new word: `sud` + Tab may be `sudo`).
 * - `unknownText`: anything may be there — a paste, a history entry, a kill or a yank,
 *   text that fell off the front of a line longer than `maxLineLength`.
 * - `displacedText`: what follows it was typed where the cursor was not known (after a
 *   click): it may stand anywhere in what comes before it.
 */
export const completionGap = "\ue000";
export const unknownText = "\ue001";
export const displacedText = "\ue002";

const markers = /[\ue000-\ue002]/g;

/** Whether the line holds text nobody saw (an `unknownText` marker). */
export function holdsUnknownText(line: string): boolean {
  return line.includes(unknownText);
}

/** Whether the line holds any marker. */
export function holdsGaps(line: string): boolean {
  return line.includes(completionGap) || line.includes(unknownText) || line.includes(displacedText);
}

/** The line as far as it is known, markers taken out (what a card may show). */
export function knownText(line: string): string {
  return line.replace(markers, "");
}

/**
 * Every arrangement of displaced text: each piece typed after a `displacedText` marker
 * placed at each position of what came before it, piece by piece. Undefined past `limit`.
 */
function arrangements(line: string, limit: number): string[] | undefined {
  const [first = "", ...pieces] = line.split(displacedText);
  let results = [first];
  for (const piece of pieces) {
    const next: string[] = [];
    for (const base of results)
      for (let at = 0; at <= base.length; at += 1) {
        if (next.length >= limit) return undefined;
        next.push(`${base.slice(0, at)}${piece}${base.slice(at)}`);
      }
    results = [...new Set(next)];
  }
  return results;
}

/**
 * Readings of a line with its gaps filled in, or "too many" when there are more than
 * `limit` (then the line may read as anything). Displaced text is placed everywhere it may
 * be. Unknown text is read as nothing and as a line break (what came before it may have
 * been submitted, or joins what follows). Completion gaps are read as nothing and as each
 * suffix of each of `words` (with and without the space completion appends) — so `sud` +
 * gap reads as `sudo` when `sudo` is among the words; several gaps are filled alike, which
 * covers one completion exactly and several approximately.
 */
export function lineReadings(
  line: string,
  words: readonly string[],
  limit = 4_096,
): string[] | "too many" {
  const arranged = arrangements(line, limit);
  if (!arranged) return "too many";
  const bases = holdsUnknownText(line)
    ? arranged.flatMap((a) => [a.replaceAll(unknownText, ""), a.replaceAll(unknownText, "\n")])
    : arranged;
  if (!line.includes(completionGap)) return bases;
  const fills = new Set<string>([""]);
  for (const word of words)
    for (let start = 0; start < word.length; start += 1) {
      fills.add(word.slice(start));
      fills.add(`${word.slice(start)} `);
    }
  if (bases.length * fills.size > limit) return "too many";
  return bases.flatMap((base) => [...fills].map((fill) => base.replaceAll(completionGap, fill)));
}

/** A line and where the cursor is in it (undefined: not known). */
export interface LineAndCursor {
  line: string;
  cursor?: number | undefined;
}

const isMarker = (character: string | undefined) =>
  character === completionGap || character === unknownText || character === displacedText;

/** `line` with `unknownText` appended, once. */
export function withUnknownText(line: string): string {
  return line.endsWith(unknownText) ? line : `${line}${unknownText}`;
}

/**
 * Typing at the cursor. Where the cursor is not known and the line holds text, the new
 * text may have gone anywhere in it: it is appended after a `displacedText` marker, so
 * nothing typed is forgotten and a rule reading the line tries it everywhere.
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
    const base = line.length > 0 ? `${line}${displacedText}` : line;
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
