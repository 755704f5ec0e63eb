/**
 * xdotool-style key names (what the computer tool sends: "ctrl+shift+t", "Return",
 * "super", "KP_Enter") → names of nut-js `Key` members. Pure: the adapter looks the names
 * up in nut-js's enum, so this file needs no display.
 */
export type NutKeyName = string;

const modifiers: Record<string, NutKeyName> = {
  ctrl: "LeftControl",
  control: "LeftControl",
  control_l: "LeftControl",
  control_r: "RightControl",
  shift: "LeftShift",
  shift_l: "LeftShift",
  shift_r: "RightShift",
  alt: "LeftAlt",
  alt_l: "LeftAlt",
  alt_r: "RightAlt",
  option: "LeftAlt",
  super: "LeftSuper",
  super_l: "LeftSuper",
  super_r: "RightSuper",
  win: "LeftSuper",
  windows: "LeftSuper",
  meta: "LeftSuper",
  cmd: "LeftSuper",
  command: "LeftSuper",
};

const namedKeys: Record<string, NutKeyName> = {
  return: "Return",
  enter: "Return",
  kp_enter: "Enter",
  tab: "Tab",
  iso_left_tab: "Tab",
  space: "Space",
  backspace: "Backspace",
  delete: "Delete",
  del: "Delete",
  insert: "Insert",
  escape: "Escape",
  esc: "Escape",
  home: "Home",
  end: "End",
  page_up: "PageUp",
  pageup: "PageUp",
  prior: "PageUp",
  page_down: "PageDown",
  pagedown: "PageDown",
  next: "PageDown",
  up: "Up",
  down: "Down",
  left: "Left",
  right: "Right",
  print: "Print",
  scroll_lock: "ScrollLock",
  pause: "Pause",
  caps_lock: "CapsLock",
  num_lock: "NumLock",
  menu: "Menu",
  minus: "Minus",
  equal: "Equal",
  bracketleft: "LeftBracket",
  bracketright: "RightBracket",
  backslash: "Backslash",
  semicolon: "Semicolon",
  apostrophe: "Quote",
  grave: "Grave",
  comma: "Comma",
  period: "Period",
  slash: "Slash",
  kp_add: "Add",
  kp_subtract: "Subtract",
  kp_multiply: "Multiply",
  kp_divide: "Divide",
  kp_decimal: "Decimal",
};

const punctuation: Record<string, NutKeyName> = {
  "-": "Minus",
  "=": "Equal",
  "[": "LeftBracket",
  "]": "RightBracket",
  "\\": "Backslash",
  ";": "Semicolon",
  "'": "Quote",
  "`": "Grave",
  ",": "Comma",
  ".": "Period",
  "/": "Slash",
};

/** Symbols typed with Shift on a US layout, by character and by X keysym name. */
const shifted: Record<string, [string, NutKeyName]> = {
  "!": ["exclam", "Num1"],
  "@": ["at", "Num2"],
  "#": ["numbersign", "Num3"],
  $: ["dollar", "Num4"],
  "%": ["percent", "Num5"],
  "^": ["asciicircum", "Num6"],
  "&": ["ampersand", "Num7"],
  "*": ["asterisk", "Num8"],
  "(": ["parenleft", "Num9"],
  ")": ["parenright", "Num0"],
  _: ["underscore", "Minus"],
  "+": ["plus", "Equal"],
  "{": ["braceleft", "LeftBracket"],
  "}": ["braceright", "RightBracket"],
  "|": ["bar", "Backslash"],
  ":": ["colon", "Semicolon"],
  '"': ["quotedbl", "Quote"],
  "<": ["less", "Comma"],
  ">": ["greater", "Period"],
  "?": ["question", "Slash"],
  "~": ["asciitilde", "Grave"],
};
const shiftedByName = new Map(Object.values(shifted));

/** Every nut-js `Key` member name this file can produce (checked against nut-js in tests). */
export function allNutKeyNames(): NutKeyName[] {
  const names = new Set([
    ...Object.values(modifiers),
    ...Object.values(namedKeys),
    ...Object.values(punctuation),
    ...shiftedByName.values(),
  ]);
  for (let n = 1; n <= 24; n += 1) names.add(`F${n}`);
  for (let n = 0; n <= 9; n += 1) names.add(`NumPad${n}`).add(`Num${n}`);
  for (let c = 65; c <= 90; c += 1) names.add(String.fromCharCode(c));
  return [...names];
}

/** One key of a combo → nut-js key names; a shifted symbol ("A", "@", "plus") adds Shift. */
export function keyNameToNut(name: string): NutKeyName[] | undefined {
  const lower = name.toLowerCase();
  const fixed = own(modifiers, lower) ?? own(namedKeys, lower);
  if (fixed) return [fixed];
  const shiftedBase = shiftedByName.get(lower) ?? own(shifted, name)?.[1];
  if (shiftedBase) return ["LeftShift", shiftedBase];
  if (/^f([1-9]|1[0-9]|2[0-4])$/.test(lower)) return [lower.toUpperCase()];
  if (/^kp_[0-9]$/.test(lower)) return [`NumPad${lower.slice(3)}`];
  if (name.length === 1) {
    if (/[a-z]/.test(name)) return [name.toUpperCase()];
    if (/[A-Z]/.test(name)) return ["LeftShift", name];
    if (/[0-9]/.test(name)) return [`Num${name}`];
    const symbol = own(punctuation, name);
    if (symbol) return [symbol];
  }
  return undefined;
}

/** Table lookup that ignores Object.prototype ("constructor" is not a key). */
function own<T>(table: Record<string, T>, name: string): T | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

export type KeyComboParse = { ok: true; keys: NutKeyName[] } | { ok: false; message: string };

/** "ctrl+shift+t" → ["LeftControl", "LeftShift", "T"]. A lone "+" is the plus key's base. */
export function parseKeyCombo(combo: string): KeyComboParse {
  const trimmed = combo.trim();
  if (trimmed.length === 0) return { ok: false, message: "empty key name" };
  const parts =
    trimmed === "+" ? ["shift", "equal"] : trimmed.split("+").map((part) => part.trim());
  const keys: NutKeyName[] = [];
  for (const part of parts) {
    const mapped = part.length === 0 ? undefined : keyNameToNut(part);
    if (!mapped) return { ok: false, message: `unknown key '${part}' in '${combo}'` };
    for (const key of mapped) if (!keys.includes(key)) keys.push(key);
  }
  return { ok: true, keys };
}

/** A space-separated sequence ("ctrl+a BackSpace") is several combos pressed in turn. */
export function parseKeySequence(
  text: string,
): { ok: true; combos: NutKeyName[][] } | { ok: false; message: string } {
  const combos: NutKeyName[][] = [];
  for (const combo of text.trim().split(/\s+/)) {
    const parsed = parseKeyCombo(combo);
    if (!parsed.ok) return parsed;
    combos.push(parsed.keys);
  }
  return { ok: true, combos };
}
