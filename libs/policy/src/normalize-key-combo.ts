/**
 * Key names the model uses interchangeably. A rule on "Return" must not be dodged by
 * "enter", so both sides are mapped to one spelling before comparing.
 */
const aliases: Readonly<Record<string, string>> = {
  control: "ctrl",
  enter: "return",
  esc: "escape",
  del: "delete",
  cmd: "super",
  win: "super",
  option: "alt",
};

const modifiers = new Set(["alt", "ctrl", "meta", "shift", "super"]);

/**
 * "Shift+Ctrl+T" → "ctrl+shift+t": lower case, aliases resolved, modifiers sorted and
 * placed before the other keys (whose order is kept).
 */
export function normalizeKeyCombo(combo: string): string {
  const parts = combo
    .split("+")
    .map((part) => part.trim().toLowerCase())
    .filter((part) => part.length > 0)
    .map((part) => aliases[part] ?? part);
  const held = parts.filter((part) => modifiers.has(part)).sort();
  const rest = parts.filter((part) => !modifiers.has(part));
  return [...new Set(held), ...rest].join("+");
}

/** An action's key text may hold several combos pressed in turn ("ctrl+a Delete"). */
export function keyCombosOf(text: string): string[] {
  return text
    .split(/\s+/)
    .filter((combo) => combo.length > 0)
    .map(normalizeKeyCombo);
}
