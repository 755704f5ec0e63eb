import {
  characterOf,
  isModifier,
  type Modifier,
  modifierNames,
  type PhysicalKey,
  physicalKeysOf,
} from "./key-vocabulary.ts";

/**
 * One key combination ("ctrl+shift+t"): the physical keys in the order they are pressed
 * (released in reverse), and what the policy compares — the set of modifiers held and the
 * other keys, by canonical name.
 */
export interface KeyCombo {
  readonly physical: readonly PhysicalKey[];
  /** Sorted, each once. */
  readonly modifiers: readonly Modifier[];
  /** Non-modifier keys, in order ("t"). Empty for a modifier pressed alone ("ctrl"). */
  readonly keys: readonly string[];
}

export type KeyComboParse = { ok: true; combo: KeyCombo } | { ok: false; message: string };
export type KeySequenceParse = { ok: true; combos: KeyCombo[] } | { ok: false; message: string };

/** "Shift+CTRL+T" → keys ctrl, shift, t. A lone "+" is the plus key (shift+equal). */
export function parseKeyCombo(text: string): KeyComboParse {
  const trimmed = text.trim();
  if (trimmed.length === 0) return { ok: false, message: "empty key name" };
  const parts = trimmed === "+" ? ["plus"] : trimmed.split("+").map((part) => part.trim());
  const physical: PhysicalKey[] = [];
  for (const part of parts) {
    const keys = part.length === 0 ? undefined : physicalKeysOf(part);
    if (!keys) return { ok: false, message: `unknown key '${part}' in '${text}'` };
    for (const key of keys)
      if (!physical.some((p) => p.name === key.name && p.side === key.side)) physical.push(key);
  }
  return { ok: true, combo: comboOf(physical) };
}

/** A space-separated sequence ("ctrl+a BackSpace") is several combos pressed in turn. */
export function parseKeySequence(text: string): KeySequenceParse {
  const combos: KeyCombo[] = [];
  for (const part of text.trim().split(/\s+/)) {
    const parsed = parseKeyCombo(part);
    if (!parsed.ok) return parsed;
    combos.push(parsed.combo);
  }
  return { ok: true, combos };
}

export function comboOf(physical: readonly PhysicalKey[]): KeyCombo {
  const modifiers = modifierNames.filter((m) => physical.some((key) => key.name === m));
  const keys: string[] = [];
  for (const key of physical)
    if (!isModifier(key.name) && !keys.includes(key.name)) keys.push(key.name);
  return { physical: [...physical], modifiers, keys };
}

/** The combo for one canonical key with the given modifiers (used for "\n" → Return). */
export function singleKeyCombo(key: string, modifiers: readonly Modifier[] = []): KeyCombo {
  return comboOf([...modifiers.map((name) => ({ name })), { name: key }]);
}

/** "ctrl+shift+t": modifiers in a fixed order, then the other keys in order. */
export function formatCombo(combo: KeyCombo): string {
  return [...combo.modifiers, ...combo.keys].join("+");
}

/**
 * True when programs may treat the combination as Enter: Return or the keypad's Enter with
 * any modifiers (ctrl+Return sends in many chat boxes); ctrl+m and ctrl+j, which a terminal
 * reads as carriage return and line feed; and the keys bash's line editor (readline) binds
 * to running the line: ctrl+o (operate-and-get-next) and alt+# (insert-comment, which then
 * accepts the line). https://www.gnu.org/software/bash/manual/html_node/Commands-For-History.html
 */
export function isEnterLike(combo: KeyCombo): boolean {
  if (combo.keys.some((key) => key === "return" || key === "kp_enter")) return true;
  if (controlChord(combo, "m") || controlChord(combo, "j") || controlChord(combo, "o")) return true;
  return (
    combo.modifiers.includes("alt") &&
    combo.modifiers.includes("shift") &&
    combo.keys.length === 1 &&
    combo.keys[0] === "3"
  );
}

/** Tab, with any modifiers, and ctrl+i (a terminal reads it as Tab). */
export function isTabLike(combo: KeyCombo): boolean {
  return combo.keys.includes("tab") || controlChord(combo, "i");
}

function controlChord(combo: KeyCombo, key: string): boolean {
  return (
    combo.keys.length === 1 &&
    combo.keys[0] === key &&
    combo.modifiers.includes("ctrl") &&
    !combo.modifiers.includes("alt") &&
    !combo.modifiers.includes("super")
  );
}

/**
 * The text a combination types into the focused field: its characters when no modifier
 * but Shift is held ("A", "@", " "), "\n" for Enter-like and "\t" for Tab-like ones,
 * undefined for shortcuts and keys that type nothing (ctrl+c, Escape, F5).
 */
export function textOf(combo: KeyCombo): string | undefined {
  if (isEnterLike(combo)) return "\n";
  if (isTabLike(combo)) return "\t";
  if (combo.modifiers.some((m) => m !== "shift")) return undefined;
  const shift = combo.modifiers.includes("shift");
  let text = "";
  for (const key of combo.keys) {
    const character = characterOf(key, shift);
    if (character === undefined) return undefined;
    text += character;
  }
  return text.length > 0 ? text : undefined;
}

/**
 * Whether a pressed combination is what a rule's combination names.
 * - `exact` (rules that allow): the same modifiers and keys, nothing more.
 * - `covering` (rules that ask or deny): the rule's modifiers are all held (more may be),
 *   and the rule's keys are pressed — where "Return" stands for every Enter-like
 *   combination and "Tab" for every Tab-like one. A rule written as `ctrl+alt+Delete`
 *   then also catches `ctrl+alt+shift+Delete`, and `Return` catches `ctrl+m`.
 */
export function comboMatches(
  rule: KeyCombo,
  pressed: KeyCombo,
  mode: "exact" | "covering",
): boolean {
  if (mode === "exact") return formatCombo(rule) === formatCombo(pressed);
  if (!rule.modifiers.every((m) => pressed.modifiers.includes(m))) return false;
  return rule.keys.every((key) => {
    if (pressed.keys.includes(key)) return true;
    if (key === "return" || key === "kp_enter") return isEnterLike(pressed);
    if (key === "tab") return isTabLike(pressed);
    return false;
  });
}
