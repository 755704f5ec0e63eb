import type { KeyCombo } from "./key-combo.ts";
import { characterOf, type Modifier } from "./key-vocabulary.ts";

/**
 * Which key combinations may submit what was typed (run a command, send a message,
 * press a form's default button), decided by an allow-list: a combination is taken to
 * possibly submit unless it is listed here as known not to. Programs bind keys freely
 * (bash binds ctrl+x ctrl+e to "edit, then run"; a chat box sends on ctrl+Return; an
 * F-key may be anyone's), so what is not known is judged as Enter.
 *
 * Each entry also says what the key does to the line the focused field holds, as far as
 * `textMatches` rules read it (`planEffects`): `edit` keys are applied by the line editor
 * model; `unchanged` keys leave it; `completion` may extend the word at the cursor (Tab in
 * a shell); `cursor` may move the cursor anywhere, or leave it (ctrl+Home: a document's
 * start in an editor, nothing in bash); `removal` may take out text in a row around the
 * cursor, and what is typed next goes there (a kill, a selection that typing replaces);
 * `unknown` may put text there that nobody saw (history, yank, overwrite mode).
 * Where programs differ, the entry covers each of them.
 */
export type LineEffect =
  | { kind: "edit"; edit: "home" | "end" | "left" | "right" | "backspace" | "delete" }
  | { kind: "unchanged" }
  | { kind: "completion" }
  | { kind: "cursor" }
  | { kind: "removal" }
  | { kind: "unknown" };

interface NotSubmitting {
  /** Non-modifier key, canonical. */
  readonly key: string;
  /** Modifier sets it is listed with (each exactly). */
  readonly modifiers: ReadonlyArray<readonly Modifier[]>;
  readonly line: LineEffect;
  /** Why it is known not to submit. */
  readonly why: string;
}

const plain: Modifier[][] = [[]];
const withCtrlShift: Modifier[][] = [[], ["ctrl"], ["shift"], ["ctrl", "shift"]];
const ctrl: Modifier[][] = [["ctrl"]];
const edit = (e: Extract<LineEffect, { kind: "edit" }>["edit"]): LineEffect => ({
  kind: "edit",
  edit: e,
});
const unchanged: LineEffect = { kind: "unchanged" };
const unknown: LineEffect = { kind: "unknown" };
const cursor: LineEffect = { kind: "cursor" };
const removal: LineEffect = { kind: "removal" };

const notSubmitting: readonly NotSubmitting[] = [
  { key: "backspace", modifiers: plain, line: edit("backspace"), why: "deletes backwards" },
  { key: "delete", modifiers: plain, line: edit("delete"), why: "deletes forwards" },
  // ctrl/shift+BackSpace and +Delete delete a word or cut: text in a row goes.
  ...["backspace", "delete"].map((key) => ({
    key,
    modifiers: [["ctrl"], ["shift"], ["ctrl", "shift"]] as Modifier[][],
    line: removal,
    why: "deletes a word, or cuts (shift+Delete; a file manager deletes for good, which rules ask about)",
  })),
  { key: "left", modifiers: plain, line: edit("left"), why: "moves the cursor" },
  { key: "right", modifiers: plain, line: edit("right"), why: "moves the cursor" },
  ...["left", "right"].map((key) => ({
    key,
    modifiers: [["ctrl"]] as Modifier[][],
    line: cursor,
    why: "moves by words (or not at all: xterm's ESC[1;5D may be unbound)",
  })),
  ...["left", "right"].map((key) => ({
    key,
    modifiers: [["shift"], ["ctrl", "shift"]] as Modifier[][],
    line: removal,
    why: "selects (typing then replaces the selection)",
  })),
  // In a shell Up and Down recall history; in an editor they move to a line nobody typed.
  ...["up", "down"].map((key) => ({
    key,
    modifiers: withCtrlShift,
    line: unknown,
    why: "moves between lines or through history",
  })),
  { key: "home", modifiers: plain, line: edit("home"), why: "moves to the start" },
  { key: "end", modifiers: plain, line: edit("end"), why: "moves to the end" },
  ...["home", "end"].map((key) => ({
    key,
    modifiers: ctrl,
    line: cursor,
    why: "moves to a document's start or end in an editor; xterm sends ESC[1;5H/F, which bash leaves unbound (the cursor stays)",
  })),
  ...["home", "end"].map((key) => ({
    key,
    modifiers: [["shift"], ["ctrl", "shift"]] as Modifier[][],
    line: removal,
    why: "selects (typing then replaces the selection)",
  })),
  ...["page_up", "page_down"].map((key) => ({
    key,
    modifiers: withCtrlShift,
    line: unknown,
    why: "scrolls or pages (some shells search history with it)",
  })),
  {
    key: "tab",
    modifiers: [[], ["shift"], ["ctrl"], ["ctrl", "shift"], ["alt"], ["alt", "shift"]],
    line: { kind: "completion" },
    why: "completes a word in a shell, moves the focus in a form, switches tabs or windows",
  },
  {
    key: "i",
    modifiers: ctrl,
    line: { kind: "completion" },
    why: "a terminal reads ctrl+i as Tab",
  },
  {
    key: "escape",
    modifiers: plain,
    line: unchanged,
    why: "cancels; in a terminal it prefixes the next key as Meta, judged with that key",
  },
  { key: "insert", modifiers: plain, line: unknown, why: "toggles overwrite: typing replaces" },
  {
    key: "a",
    modifiers: ctrl,
    line: removal,
    why: "start of line (readline); selects all, which typing then replaces",
  },
  { key: "e", modifiers: ctrl, line: edit("end"), why: "end of line (readline)" },
  { key: "b", modifiers: ctrl, line: edit("left"), why: "back a character (readline)" },
  { key: "f", modifiers: ctrl, line: edit("right"), why: "forward a character; find" },
  { key: "h", modifiers: ctrl, line: edit("backspace"), why: "a terminal reads it as BackSpace" },
  {
    key: "c",
    modifiers: ctrl,
    line: removal,
    why: "copies; in a terminal interrupts and drops the line (what follows starts anew)",
  },
  {
    key: "l",
    modifiers: ctrl,
    line: unchanged,
    why: "clears the screen in a terminal (the line stays), goes to the address bar or a line elsewhere",
  },
  { key: "s", modifiers: ctrl, line: unchanged, why: "saves; pauses a terminal's output" },
  { key: "g", modifiers: ctrl, line: unchanged, why: "aborts (readline, emacs)" },
  { key: "z", modifiers: ctrl, line: unknown, why: "undoes; suspends a program in a terminal" },
  { key: "k", modifiers: ctrl, line: removal, why: "kills to the end of line (readline)" },
  { key: "u", modifiers: ctrl, line: removal, why: "kills to the start of line (readline)" },
  { key: "w", modifiers: ctrl, line: removal, why: "kills a word; closes a tab (rules ask)" },
  { key: "y", modifiers: ctrl, line: unknown, why: "yanks killed text (readline); redoes" },
  { key: "t", modifiers: ctrl, line: unknown, why: "transposes characters (readline)" },
  { key: "r", modifiers: ctrl, line: unknown, why: "searches history backwards (readline)" },
  { key: "p", modifiers: ctrl, line: unknown, why: "previous history entry (readline)" },
  { key: "n", modifiers: ctrl, line: unknown, why: "next history entry (readline)" },
  { key: "q", modifiers: ctrl, line: unchanged, why: "quits a program (rules ask)" },
  { key: "f4", modifiers: [["alt"]], line: unchanged, why: "closes a window (rules ask)" },
];

const byCombo = new Map<string, NotSubmitting>();
for (const entry of notSubmitting)
  for (const modifiers of entry.modifiers)
    byCombo.set([...[...modifiers].sort(), entry.key].join("+"), entry);

function comboKey(combo: KeyCombo): string | undefined {
  if (combo.keys.length !== 1) return undefined;
  return [...[...combo.modifiers].sort(), ...combo.keys].join("+");
}

/**
 * True when a terminal surely takes the combination as Enter, running the line and
 * starting a new one: Return or the keypad's Enter, alone or with Shift or Ctrl (xterm
 * sends a carriage return for each); ctrl+m and ctrl+j, which a terminal reads as carriage
 * return and line feed; ctrl+o (bash's operate-and-get-next).
 * https://www.gnu.org/software/bash/manual/html_node/Commands-For-History.html
 * With Alt or Super, or after Escape, a Return only may submit (`isEnterLike`): xterm
 * sends Alt+Return as one 8-bit byte, and readline reads ESC CR as vi-editing-mode; both
 * leave the line in place. Likewise alt+# (readline's insert-comment, or `£` in xterm).
 */
export function submitsSurely(combo: KeyCombo): boolean {
  const plainOrShiftCtrl = combo.modifiers.every((m) => m === "shift" || m === "ctrl");
  if (combo.keys.length !== 1 || !plainOrShiftCtrl) return false;
  const [key] = combo.keys;
  if (key === "return" || key === "kp_enter") return true;
  const ctrlOnly = combo.modifiers.length === 1 && combo.modifiers[0] === "ctrl";
  return ctrlOnly && (key === "m" || key === "j" || key === "o");
}

/** Plain or shifted characters (and Space): they type, nothing else. */
function typesOnly(combo: KeyCombo): boolean {
  if (combo.keys.length === 0 || combo.modifiers.some((m) => m !== "shift")) return false;
  const shift = combo.modifiers.includes("shift");
  return combo.keys.every((key) => {
    const character = characterOf(key, shift);
    return character !== undefined && character !== "\n" && character !== "\t";
  });
}

/**
 * True when the combination may submit: everything that is not known not to. Modifiers
 * alone, plain and shifted characters, and the listed keys do not.
 */
export function isEnterLike(combo: KeyCombo): boolean {
  if (submitsSurely(combo)) return true;
  if (combo.keys.length === 0 || typesOnly(combo)) return false;
  const key = comboKey(combo);
  return key === undefined || !byCombo.has(key);
}

/** Tab, ctrl+i and the other listed Tab combinations (never Enter-like). */
export function isTabLike(combo: KeyCombo): boolean {
  const key = comboKey(combo);
  return key !== undefined && byCombo.get(key)?.line.kind === "completion";
}

/**
 * What a key that does not type leaves in the line; undefined for a key that may submit
 * (see `isEnterLike`) or that types.
 */
export function lineEffectOf(combo: KeyCombo): LineEffect | undefined {
  if (combo.keys.length === 0) return unchanged;
  const key = comboKey(combo);
  return key === undefined ? undefined : byCombo.get(key)?.line;
}

/** The listed combinations with the reason each is known not to submit (docs, tests). */
export function notSubmittingCombos(): Array<{ combo: string; why: string }> {
  return [...byCombo].map(([combo, entry]) => ({ combo, why: entry.why }));
}
