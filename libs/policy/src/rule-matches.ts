import type { DesktopInputState } from "@deskgate/contracts";
import {
  comboMatches,
  type Effect,
  holdsGaps,
  holdsUnknownText,
  type KeyCombo,
  lineReadings,
  windowAt,
} from "@deskgate/effects";
import type { PolicyContext, PolicyMatch, PolicyRule, Region } from "./policy.ts";

/**
 * True when every condition the rule sets holds for this effect, read narrowly (surely
 * holds) or broadly (may hold; the default for rules that ask or deny).
 *
 * A rule that allows matches narrowly; a rule that asks or denies matches broadly, so a
 * spelling, an extra modifier or a different route to the same input can widen what is
 * asked about but never what is let through:
 * - `actions`: an allow rule matches the effect's kind ("type" for characters typed,
 *   "key" for Enter or a shortcut); ask and deny rules also match the action that
 *   produces it (`actions: [type]` covers the Enter inside `type "ls\n"`).
 * - `keys`: allow needs the exact combination; ask and deny need the rule's keys pressed
 *   with at least its modifiers, "Return" standing for every Enter-like combination.
 * - `afterAction: type` also holds while typed text is pending in the field.
 * - `textMatches`: allow needs the line fully known and matching; ask and deny match a
 *   line that may read so (`lineReadings`: text typed after a click placed anywhere, a
 *   Tab completion filled in, each line of it on its own), and, for an effect that may
 *   submit, whenever the line holds text nobody saw (a paste, a history entry).
 * - `region`: allow needs every point inside; ask and deny need any, and an effect whose
 *   place is unknown counts as inside.
 * - `window`: the window the effect reaches — the one under each pointer press, the
 *   focused one for keys and typing. Allow needs every such window known and matching;
 *   ask and deny need any, and a window the desktop cannot tell counts as matching.
 *   A title is the program's to choose (a web page sets its own): `titleMatches` never
 *   holds surely, only may hold — so it can make a verdict stricter, never decide one.
 */
export function ruleMatches(
  rule: PolicyRule,
  effect: Effect,
  context: PolicyContext,
  reading: "narrow" | "broad" = rule.decision === "allow" ? "narrow" : "broad",
): boolean {
  const { match } = rule;
  const broad = reading === "broad";
  if (
    match.actions &&
    !(match.actions.has(effect.kind) || (broad && match.actions.has(effect.source)))
  )
    return false;
  if (match.desktops && !match.desktops.has(context.desktop)) return false;
  if (match.afterAction && !followsAction(match.afterAction, effect)) return false;
  if (match.textMatches && !textMatches(match.textMatches, effect, broad)) return false;
  if (match.keys && !keysMatch(match.keys, effect, broad)) return false;
  if (match.region && !inRegion(effect, match.region, broad)) return false;
  if (match.window && !inWindow(match.window, effect, context.input, broad)) return false;
  return true;
}

type WindowMatch = NonNullable<PolicyMatch["window"]>;

/** The windows an effect reaches: under each of its points, else the focused one. */
export function windowsReached(
  effect: Effect,
  input: DesktopInputState,
): Array<{ className: string; title: string } | undefined> {
  if (effect.unknownPoint) return [undefined];
  if (effect.points && effect.points.length > 0)
    return effect.points.map((point) => {
      const window = windowAt(input, point);
      return window === null ? { className: "", title: "" } : window;
    });
  return [input.window];
}

function inWindow(
  rule: WindowMatch,
  effect: Effect,
  input: DesktopInputState,
  broad: boolean,
): boolean {
  // Read narrowly, a title proves nothing: any page can wear it.
  if (rule.titleMatches && !broad) return false;
  const matches = (window: { className: string; title: string } | undefined) =>
    window === undefined
      ? broad
      : (!rule.classes || rule.classes.has(window.className)) &&
        (!rule.titleMatches || rule.titleMatches.test(window.title));
  const reached = windowsReached(effect, input);
  return broad ? reached.some(matches) : reached.every(matches);
}

/**
 * `afterAction`: the last input that changed the desktop was of a listed kind; for "type",
 * also whenever typed text is pending in the focused field, so no key pressed in between
 * (an arrow, ctrl+e, BackSpace) hides that an Enter submits what was typed.
 */
function followsAction(kinds: ReadonlySet<string>, effect: Effect): boolean {
  if (effect.after !== undefined && kinds.has(effect.after)) return true;
  return kinds.has("type") && effect.typedBefore;
}

function textMatches(pattern: RegExp, effect: Effect, broad: boolean): boolean {
  const { line } = effect;
  if (line === undefined) return false;
  if (!broad) return !holdsGaps(line) && pattern.test(line);
  if (effect.submits && holdsUnknownText(line)) return true;
  const readings = lineReadings(line, literalWordsOf(pattern));
  return readings === "too many" || readings.some((reading) => readsAs(pattern, reading));
}

/**
 * A reading matches as a whole and line by line: where unknown text reads as a line break,
 * what follows it may be a line of its own (`^sudo` after ctrl+c dropped the line).
 */
function readsAs(pattern: RegExp, reading: string): boolean {
  if (pattern.test(reading)) return true;
  return reading.includes("\n") && reading.split("\n").some((part) => pattern.test(part));
}

const wordsByPattern = new WeakMap<RegExp, string[]>();

/**
 * The literal words of a pattern (`\bsudo\b` → "sudo"), which a Tab completion may
 * finish: escapes and classes are dropped, runs of letters, digits, `_` and `-` kept. A
 * pattern with no literal word (`s[u]do`) is read without completions.
 */
export function literalWordsOf(pattern: RegExp): string[] {
  const known = wordsByPattern.get(pattern);
  if (known) return known;
  const words = pattern.source
    .replace(/\\[pPu]\{[^}]*\}|\\x[0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}|\\./g, " ")
    .replace(/\[[^\]]*\]|\{[^}]*\}|\(\?[:=!<]*/g, " ")
    .match(/[A-Za-z0-9_-]{2,}/g);
  const unique = [...new Set(words ?? [])];
  wordsByPattern.set(pattern, unique);
  return unique;
}

/** The combinations an effect presses or holds. */
function combosOf(effect: Effect): KeyCombo[] {
  return [effect.combo, effect.held].filter((c): c is KeyCombo => c !== undefined);
}

function keysMatch(keys: readonly KeyCombo[], effect: Effect, broad: boolean): boolean {
  // A paste presses no key but may type Enter: rules that ask or deny on Enter see it.
  if (broad && effect.submits && !effect.combo && keys.some(namesEnter)) return true;
  const pressed = combosOf(effect);
  return keys.some((rule) =>
    pressed.some((combo) => comboMatches(rule, combo, broad ? "covering" : "exact")),
  );
}

function namesEnter(combo: KeyCombo): boolean {
  return combo.keys.some((key) => key === "return" || key === "kp_enter");
}

function inRegion(effect: Effect, region: Region, broad: boolean): boolean {
  const points = effect.points ?? [];
  if (points.length === 0 && !effect.unknownPoint) return false;
  if (effect.unknownPoint) return broad;
  const [x0, y0, x1, y1] = region;
  const inside = ([x, y]: readonly [number, number]) => x >= x0 && x <= x1 && y >= y0 && y <= y1;
  return broad ? points.some(inside) : points.every(inside);
}
