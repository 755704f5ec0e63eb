/**
 * The typed line (`DesktopInputState.line`, `Effect.line`) holds what is known of the
 * focused field's line, with markers where text may be that nobody saw or where it may
 * have changed unseen. They are
 * private-use characters, which `validateAction` refuses in typed text, so no action can
 * type one.
 * - `completionGap`: Tab completion may have extended the word before it (letters, not a
 *   space or a new word: `sud` + Tab may be `sudo`).
 * - `unknownText`: anything may be there — a paste, a history entry, a kill or a yank,
 *   text that fell off the front of a line longer than `maxLineLength`.
 * - `displacedText`: what follows it was typed where the cursor was not known (after a
 *   click): it may stand anywhere in what comes before it. An empty piece (the marker last,
 *   or right before another marker) places nothing and only ends a run of deletions.
 * - `deletedText`: a BackSpace or Delete pressed where the cursor was not known: one
 *   character anywhere in what comes before it may be gone. A run of n markers is n such
 *   presses at one place: up to n characters in a row may be gone.
 * - `sentText`: an Enter outside a terminal sent what comes before it, and the field may
 *   have kept it (a search box) or been cleared (a chat box): both are read, and what
 *   follows is typed into each.
 */
export const completionGap = "\ue000";
export const unknownText = "\ue001";
export const displacedText = "\ue002";
export const deletedText = "\ue003";
export const sentText = "\ue004";

/** Any one marker. */
const anyMarker = /[\ue000-\ue004]/;

/** Every marker, and every character `validateAction` would have to refuse to keep them apart. */
export const lineMarkers = new RegExp(anyMarker.source, "g");

/** Whether the line holds text nobody saw (an `unknownText` marker). */
export function holdsUnknownText(line: string): boolean {
  return line.includes(unknownText);
}

/** Whether the line holds any marker. */
export function holdsGaps(line: string): boolean {
  return anyMarker.test(line);
}

/**
 * Whether positions in the line are not what they seem: text in it was placed, or
 * deleted, where the cursor was not known — so a cursor key cannot be followed in it.
 */
export function holdsPlacement(line: string): boolean {
  return line.includes(displacedText) || line.includes(deletedText) || line.includes(sentText);
}

/** The line as far as it is known, markers taken out (what a card may show). */
export function knownText(line: string): string {
  return line.replace(lineMarkers, "");
}

/** A reading being built, and where a deletion left the cursor in it (if known). */
interface Arranged {
  text: string;
  at?: number;
}

/**
 * Every line the markers of placement stand for, in the order things happened: a
 * `sentText` marker goes on with the line kept and with it cleared; each run
 * of `deletedText` markers takes out up to that many characters in a row anywhere in what
 * came before it, and leaves the cursor there; a piece typed right after such a run goes
 * where the deletion was, any other piece after a `displacedText` marker at each position
 * (an empty piece is the cursor moving unseen). Undefined past `limit`.
 */
function arrangements(line: string, limit: number): string[] | undefined {
  let results: Arranged[] = [{ text: "" }];
  let placing = false;
  const forgetPlace = () => {
    results = results.map(({ text }) => ({ text }));
  };
  for (const token of line.split(/(\ue002|\ue003+|\ue004)/)) {
    if (token === "") continue;
    if (token === sentText) {
      // Kept by the field, or cleared: both go on, the cursor at the end of each.
      results = [
        ...new Map([...results, { text: "" }].map((r) => [r.text, { text: r.text }])).values(),
      ];
      placing = false;
      continue;
    }
    if (token === displacedText) {
      if (placing) forgetPlace();
      placing = true;
      continue;
    }
    const next = new Map<string, Arranged>();
    const add = (reading: Arranged) => next.set(`${reading.at ?? -1}:${reading.text}`, reading);
    if (token.startsWith(deletedText) && placing) forgetPlace();
    // What this step could make at most, counted before any of it is built.
    let most = 0;
    for (const { text, at } of results) {
      const run = Math.min(token.length, text.length);
      most += token.startsWith(deletedText)
        ? 1 + run * (text.length + 1) - (run * (run + 1)) / 2
        : placing && at === undefined
          ? text.length + 1
          : 1;
    }
    if (most > limit) return undefined;
    for (const { text, at } of results) {
      if (token.startsWith(deletedText)) {
        add({ text });
        for (let length = 1; length <= Math.min(token.length, text.length); length += 1)
          for (let from = 0; from + length <= text.length; from += 1)
            add({ text: `${text.slice(0, from)}${text.slice(from + length)}`, at: from });
      } else if (placing && at !== undefined)
        add({ text: `${text.slice(0, at)}${token}${text.slice(at)}` });
      else if (placing)
        for (let from = 0; from <= text.length; from += 1)
          add({ text: `${text.slice(0, from)}${token}${text.slice(from)}` });
      else add({ text: `${text}${token}` });
      if (next.size > limit) return undefined;
    }
    placing = false;
    results = [...next.values()];
  }
  return [...new Set(results.map(({ text }) => text))];
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
  limit = 16_384,
): string[] | "too many" {
  // An Enter's newline ends the line wherever the cursor was: it is not moved with the text
  // typed before it.
  const ended = /\n+$/.exec(line)?.[0] ?? "";
  const arranged = arrangements(line.slice(0, line.length - ended.length), limit)?.map(
    (reading) => `${reading}${ended}`,
  );
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
  character !== undefined && anyMarker.test(character);

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
 * for text of unknown length, perhaps none: deleting into it may delete what is before it
 * (a deletion where the cursor is not known), and moving across it leaves the cursor
 * unknown. Where positions in the line cannot be followed
 * (text placed or deleted where the cursor was not known), a cursor key leaves the cursor
 * unknown, and so does a deletion that is not of a character typed just before it. A
 * deletion where the cursor is not known takes out a character anywhere (`deletedText`).
 */
export function editLine(state: LineAndCursor, edit: LineEdit, presses: number): LineAndCursor {
  let { line, cursor } = state;
  if (holdsPlacement(line)) {
    const deletesTyped =
      edit === "backspace" && cursor !== undefined && cursor > 0 && !isMarker(line[cursor - 1]);
    if (!deletesTyped) cursor = undefined;
  } else if (edit === "home") return { line, cursor: 0 };
  else if (edit === "end") return { line, cursor: line.length };
  if (cursor === undefined) {
    if (edit !== "backspace" && edit !== "delete") return { line: endDeletionRun(line) };
    return { line: deletedAnywhere(line, presses) };
  }
  for (let press = 0; press < presses; press += 1) {
    if (cursor === undefined) return { line: deletedAnywhere(line, presses - press) };
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
        // Into a marker: its text may be empty, so what goes may be before it.
        if (isMarker(line[cursor - 1])) return { line: deletedAnywhere(line, presses - press) };
        line = `${line.slice(0, cursor - 1)}${line.slice(cursor)}`;
        cursor -= 1;
        break;
      case "delete":
        if (isMarker(line[cursor])) return { line: deletedAnywhere(line, presses - press) };
        line = `${line.slice(0, cursor)}${line.slice(cursor + 1)}`;
        break;
    }
  }
  return cursor === undefined ? { line: endDeletionRun(line) } : { line, cursor };
}

/**
 * `presses` deletions where the cursor is not known: they extend the run of `deletedText`
 * markers the line ends with (the cursor has not moved since), up to the characters there
 * are to delete. An empty line stays empty.
 */
function deletedAnywhere(line: string, presses: number): string {
  const run = line.length - line.replace(/\ue003+$/, "").length;
  const text = knownText(line).length + (holdsUnknownText(line) ? 1 : 0);
  const room = text - run;
  return room > 0 ? `${line}${deletedText.repeat(Math.min(presses, room))}` : line;
}

/**
 * A kill or a selection that typing replaces, where the cursor ends up is not followed:
 * any characters in a row may be gone, and what is typed next goes there.
 */
export function removedAround(line: string): string {
  return deletedAnywhere(endDeletionRun(line), Number.POSITIVE_INFINITY);
}

/**
 * The cursor moved where nobody can follow it: a run of deletions ends (an empty
 * displaced piece parts it from the next run), so later deletions are read apart.
 */
export function endDeletionRun(line: string): string {
  return line.endsWith(deletedText) ? `${line}${displacedText}` : line;
}

/** Most sends a line keeps (older ones are forgotten): a field holding more is not read. */
const keptSends = 3;

/**
 * The line after an Enter outside a terminal: what it sent may stay in the field, so it is
 * kept before a `sentText` marker. An Enter that sends nothing new (a find bar's "next")
 * adds no send. The last `keptSends` sends are kept, older ones dropped whole while the
 * line is longer than `maxLength` less room to type (256).
 */
export function sentLine(line: string, maxLength: number): string {
  if (line.endsWith(sentText)) return line;
  let kept = `${line}${sentText}`;
  const sends = () => kept.split(sentText).length - 1;
  while (sends() > keptSends || (sends() > 1 && kept.length > maxLength - 256))
    kept = kept.slice(kept.indexOf(sentText) + 1);
  return kept;
}

/** What was typed since the line was last sent or cleared (the text after the last `sentText`). */
export function sinceLastSend(line: string): string {
  return line.slice(line.lastIndexOf(sentText) + 1);
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
