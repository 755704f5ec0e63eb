import {
  allCanonicalKeys,
  type KeyCombo,
  type PhysicalKey,
  parseKeyCombo as parseCanonicalCombo,
  parseKeySequence as parseCanonicalSequence,
  physicalKeysOf,
} from "@deskgate/effects";

/**
 * The names of nut-js `Key` members for the keys of the shared vocabulary
 * (`@deskgate/effects`): validation, the policy and this adapter read key names the same
 * way, so what the policy judged is what gets pressed. Pure: the adapter looks the names
 * up in nut-js's enum, so this file needs no display.
 */
export type NutKeyName = string;

const leftModifiers: Record<string, NutKeyName> = {
  ctrl: "LeftControl",
  shift: "LeftShift",
  alt: "LeftAlt",
  super: "LeftSuper",
};
const rightModifiers: Record<string, NutKeyName> = {
  ctrl: "RightControl",
  shift: "RightShift",
  alt: "RightAlt",
  super: "RightSuper",
};

const namedKeys: Record<string, NutKeyName> = {
  return: "Return",
  kp_enter: "Enter",
  tab: "Tab",
  space: "Space",
  backspace: "Backspace",
  delete: "Delete",
  insert: "Insert",
  escape: "Escape",
  home: "Home",
  end: "End",
  page_up: "PageUp",
  page_down: "PageDown",
  up: "Up",
  down: "Down",
  left: "Left",
  right: "Right",
  print: "Print",
  pause: "Pause",
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
};

/** One canonical key → its nut-js `Key` member name. */
export function nutKeyOf(key: PhysicalKey): NutKeyName {
  const modifier = (key.side === "right" ? rightModifiers : leftModifiers)[key.name];
  if (modifier) return modifier;
  const named = namedKeys[key.name];
  if (named) return named;
  if (/^f\d+$/.test(key.name)) return key.name.toUpperCase();
  if (/^[0-9]$/.test(key.name)) return `Num${key.name}`;
  if (/^[a-z]$/.test(key.name)) return key.name.toUpperCase();
  throw new Error(`no nut-js key for '${key.name}'`);
}

/** Every nut-js `Key` member name the vocabulary can produce (checked against nut-js in tests). */
export function allNutKeyNames(): NutKeyName[] {
  const names = new Set([...Object.values(leftModifiers), ...Object.values(rightModifiers)]);
  for (const key of allCanonicalKeys()) names.add(nutKeyOf({ name: key }));
  return [...names];
}

/** One key name → nut-js key names; a shifted symbol ("A", "@", "plus") adds Shift. */
export function keyNameToNut(name: string): NutKeyName[] | undefined {
  return physicalKeysOf(name)?.map(nutKeyOf);
}

export type KeyComboParse = { ok: true; keys: NutKeyName[] } | { ok: false; message: string };

/** "ctrl+shift+t" → ["LeftControl", "LeftShift", "T"]. A lone "+" is the plus key. */
export function parseKeyCombo(text: string): KeyComboParse {
  const parsed = parseCanonicalCombo(text);
  return parsed.ok ? { ok: true, keys: nutKeysOf(parsed.combo) } : parsed;
}

/** A space-separated sequence ("ctrl+a BackSpace") is several combos pressed in turn. */
export function parseKeySequence(
  text: string,
): { ok: true; combos: NutKeyName[][] } | { ok: false; message: string } {
  const parsed = parseCanonicalSequence(text);
  return parsed.ok ? { ok: true, combos: parsed.combos.map(nutKeysOf) } : parsed;
}

function nutKeysOf(combo: KeyCombo): NutKeyName[] {
  return combo.physical.map(nutKeyOf);
}
