/**
 * The key names an action may use (xdotool-style, as the computer tool sends them:
 * "ctrl+shift+t", "Return", "super", "KP_Enter"), each mapped to one canonical key.
 * One table for everyone: validation accepts exactly these names, the actuator presses
 * exactly these keys, and the policy sees the same canonical key whatever the spelling —
 * so a rule on `super+l` is not dodged by `meta+l`, `windows+l` or `super_l+l`.
 */
export type Modifier = "alt" | "ctrl" | "shift" | "super";
export const modifierNames: readonly Modifier[] = ["alt", "ctrl", "shift", "super"];

/** A physical key: a canonical name, and the side for keys that come in pairs. */
export interface PhysicalKey {
  /** Canonical, lower case: "ctrl", "a", "1", "return", "kp_enter", "f4", "minus". */
  readonly name: string;
  readonly side?: "right";
}

const modifierSpellings: Readonly<Record<string, PhysicalKey>> = {
  ctrl: { name: "ctrl" },
  control: { name: "ctrl" },
  control_l: { name: "ctrl" },
  control_r: { name: "ctrl", side: "right" },
  shift: { name: "shift" },
  shift_l: { name: "shift" },
  shift_r: { name: "shift", side: "right" },
  alt: { name: "alt" },
  alt_l: { name: "alt" },
  alt_r: { name: "alt", side: "right" },
  option: { name: "alt" },
  super: { name: "super" },
  super_l: { name: "super" },
  super_r: { name: "super", side: "right" },
  win: { name: "super" },
  windows: { name: "super" },
  meta: { name: "super" },
  cmd: { name: "super" },
  command: { name: "super" },
};

/** Named keys: spelling → canonical name. */
const namedSpellings: Readonly<Record<string, string>> = {
  return: "return",
  enter: "return",
  kp_enter: "kp_enter",
  tab: "tab",
  iso_left_tab: "tab",
  space: "space",
  backspace: "backspace",
  delete: "delete",
  del: "delete",
  insert: "insert",
  escape: "escape",
  esc: "escape",
  home: "home",
  end: "end",
  page_up: "page_up",
  pageup: "page_up",
  prior: "page_up",
  page_down: "page_down",
  pagedown: "page_down",
  next: "page_down",
  up: "up",
  down: "down",
  left: "left",
  right: "right",
  print: "print",
  pause: "pause",
  menu: "menu",
  minus: "minus",
  equal: "equal",
  bracketleft: "bracketleft",
  bracketright: "bracketright",
  backslash: "backslash",
  semicolon: "semicolon",
  apostrophe: "apostrophe",
  grave: "grave",
  comma: "comma",
  period: "period",
  slash: "slash",
  kp_add: "kp_add",
  kp_subtract: "kp_subtract",
  kp_multiply: "kp_multiply",
  kp_divide: "kp_divide",
};

/**
 * Lock keys change what every later key types (Caps Lock turns xdotool's `type "SUDO"`
 * into "sudo"; Num Lock turns the keypad's digits into arrows), and nothing here tracks
 * the lock state of the X server: they are refused, by name, so the message says why.
 */
export const lockKeyNames: readonly string[] = [
  "caps_lock",
  "num_lock",
  "scroll_lock",
  "shift_lock",
];

/** Unshifted punctuation characters → their key. */
const punctuationKeys: Readonly<Record<string, string>> = {
  "-": "minus",
  "=": "equal",
  "[": "bracketleft",
  "]": "bracketright",
  "\\": "backslash",
  ";": "semicolon",
  "'": "apostrophe",
  "`": "grave",
  ",": "comma",
  ".": "period",
  "/": "slash",
};

/** Symbols typed with Shift on a US layout: character → [X keysym name, base key]. */
const shiftedSymbols: Readonly<Record<string, readonly [string, string]>> = {
  "!": ["exclam", "1"],
  "@": ["at", "2"],
  "#": ["numbersign", "3"],
  $: ["dollar", "4"],
  "%": ["percent", "5"],
  "^": ["asciicircum", "6"],
  "&": ["ampersand", "7"],
  "*": ["asterisk", "8"],
  "(": ["parenleft", "9"],
  ")": ["parenright", "0"],
  _: ["underscore", "minus"],
  "+": ["plus", "equal"],
  "{": ["braceleft", "bracketleft"],
  "}": ["braceright", "bracketright"],
  "|": ["bar", "backslash"],
  ":": ["colon", "semicolon"],
  '"': ["quotedbl", "apostrophe"],
  "<": ["less", "comma"],
  ">": ["greater", "period"],
  "?": ["question", "slash"],
  "~": ["asciitilde", "grave"],
};
const shiftedByKeysym = new Map(Object.values(shiftedSymbols));

/**
 * One key name → the physical keys it presses: a shifted symbol or an upper-case letter
 * adds Shift ("A" → shift, a; "plus" → shift, equal). Undefined for an unknown name.
 */
export function physicalKeysOf(name: string): PhysicalKey[] | undefined {
  const lower = name.toLowerCase();
  const modifier = own(modifierSpellings, lower);
  if (modifier) return [modifier];
  const named = own(namedSpellings, lower);
  if (named) return [{ name: named }];
  const shiftedBase = shiftedByKeysym.get(lower) ?? own(shiftedSymbols, name)?.[1];
  if (shiftedBase) return [{ name: "shift" }, { name: shiftedBase }];
  // The keypad's digits are not in the vocabulary: with Num Lock off they are Home, End and
  // the arrows, and nothing here knows which the X server will make of them.
  if (/^f([1-9]|1[0-9]|2[0-4])$/.test(lower)) return [{ name: lower }];
  if (name.length === 1) {
    if (/[a-z0-9]/.test(name)) return [{ name }];
    if (/[A-Z]/.test(name)) return [{ name: "shift" }, { name: lower }];
    const key = own(punctuationKeys, name);
    if (key) return [{ name: key }];
  }
  return undefined;
}

export function isModifier(name: string): name is Modifier {
  return (modifierNames as readonly string[]).includes(name);
}

/** Every canonical non-modifier key name the vocabulary can produce. */
export function allCanonicalKeys(): string[] {
  const names = new Set<string>([
    ...Object.values(namedSpellings),
    ...Object.values(punctuationKeys),
  ]);
  for (let n = 1; n <= 24; n += 1) names.add(`f${n}`);
  for (let n = 0; n <= 9; n += 1) names.add(String(n));
  for (let c = 97; c <= 122; c += 1) names.add(String.fromCharCode(c));
  return [...names];
}

/** Every spelling the vocabulary accepts for a modifier (for tests and docs). */
export function modifierSpellingsOf(modifier: Modifier): string[] {
  return Object.entries(modifierSpellings)
    .filter(([, key]) => key.name === modifier)
    .map(([spelling]) => spelling);
}

/** Every spelling accepted for a named key, e.g. "return" → ["return", "enter"]. */
export function namedSpellingsOf(canonical: string): string[] {
  return Object.entries(namedSpellings)
    .filter(([, name]) => name === canonical)
    .map(([spelling]) => spelling);
}

const unshiftedCharacters: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(punctuationKeys).map(([character, key]) => [key, character]),
);
const shiftedCharacters: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(shiftedSymbols).map(([character, [, base]]) => [base, character]),
);
const keypadCharacters: Readonly<Record<string, string>> = {
  kp_add: "+",
  kp_subtract: "-",
  kp_multiply: "*",
  kp_divide: "/",
};

/**
 * The character a key types on a US layout, with or without Shift; "\n" for Enter keys and
 * "\t" for Tab. Undefined for keys that type nothing (arrows, F-keys, Escape…).
 */
export function characterOf(key: string, shift: boolean): string | undefined {
  if (key === "return" || key === "kp_enter") return "\n";
  if (key === "tab") return "\t";
  if (key === "space") return " ";
  if (/^[a-z]$/.test(key)) return shift ? key.toUpperCase() : key;
  const keypad = own(keypadCharacters, key);
  if (keypad) return keypad;
  if (shift) return own(shiftedCharacters, key);
  if (/^[0-9]$/.test(key)) return key;
  return own(unshiftedCharacters, key);
}

/** Table lookup that ignores Object.prototype ("constructor" is not a key). */
function own<T>(table: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}
