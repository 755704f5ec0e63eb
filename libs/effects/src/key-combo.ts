import {
  characterOf,
  isModifier,
  lockKeyNames,
  type Modifier,
  modifierNames,
  type PhysicalKey,
  physicalKeysOf,
} from "./key-vocabulary.ts";
import { isEnterLike, isTabLike, submitsSurely } from "./submit-keys.ts";

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

/**
 * "Shift+CTRL+T" → keys ctrl, shift, t. A lone "+" is the plus key (shift+equal).
 * Refused, so that what is judged is what is pressed: an unknown name, a lock key
 * (`lockKeyNames`), and a chord of more than one non-modifier key ("ctrl+a+b": the
 * actuator holds `a` while pressing `b`, and whether a program reads that as ctrl+a,
 * ctrl+b, both or an Enter — `ctrl+m+x` — cannot be told).
 */
export function parseKeyCombo(text: string): KeyComboParse {
  const trimmed = text.trim();
  if (trimmed.length === 0) return { ok: false, message: "empty key name" };
  const parts = trimmed === "+" ? ["plus"] : trimmed.split("+").map((part) => part.trim());
  const physical: PhysicalKey[] = [];
  for (const part of parts) {
    if (lockKeyNames.includes(part.toLowerCase()))
      return {
        ok: false,
        message: `lock key '${part}' in '${text}' is not allowed: it changes what every later key types`,
      };
    const keys = part.length === 0 ? undefined : physicalKeysOf(part);
    if (!keys) return { ok: false, message: `unknown key '${part}' in '${text}'` };
    for (const key of keys)
      if (!physical.some((p) => p.name === key.name && p.side === key.side)) physical.push(key);
  }
  const combo = comboOf(physical);
  if (combo.keys.length > 1) return { ok: false, message: chordMessage(text) };
  return { ok: true, combo };
}

function chordMessage(text: string): string {
  return `'${text}' presses more than one non-modifier key at once; press them one after another (separated by spaces), each with its modifiers`;
}

/**
 * The keys of a sequence held down together (`hold_key`, keys held during a click), as
 * one combination: at most one non-modifier key, for the reason `parseKeyCombo` gives.
 */
export function parseHeldKeys(text: string): KeyComboParse {
  const parsed = parseKeySequence(text);
  if (!parsed.ok) return parsed;
  const combo = comboOf(parsed.combos.flatMap((c) => c.physical));
  if (combo.keys.length > 1) return { ok: false, message: chordMessage(text) };
  return { ok: true, combo };
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
 * The text a combination types into the focused field: its characters when no modifier
 * but Shift is held ("A", "@", " "), "\n" for ones that surely submit (`submitsSurely`)
 * and "\t" for Tab-like ones, undefined for others (ctrl+c, Escape, F5 — what a key that
 * only may submit types is not known).
 */
export function textOf(combo: KeyCombo): string | undefined {
  if (submitsSurely(combo)) return "\n";
  if (isEnterLike(combo)) return undefined;
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
