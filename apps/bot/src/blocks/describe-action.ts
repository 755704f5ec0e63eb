import {
  type ComputerAction,
  type Coordinate,
  type DesktopInputState,
  initialInputState,
} from "@deskgate/contracts";
import {
  characterOf,
  comboOf,
  type Effect,
  holdsGaps,
  isEnterLike,
  isTabLike,
  type KeyCombo,
  keyRepeatDelayMs,
  keyRepeatIntervalMs,
  knownText,
  planEffects,
  sinceLastSend,
} from "@deskgate/effects";

/**
 * What an action will do, in deskgate's own words, built from the same effects the policy
 * judges (`planEffects`): key combinations by canonical name with Enter ⏎ and Tab ⇥ named
 * and counted, keys held during a click, key repeat, a move with the button held as a
 * drag, "at the pointer" resolved to where the pointer is. `title` and `notes` hold no
 * outside text (safe in mrkdwn); `typed` is the exact text that will be typed, shown
 * separately as plain text (`showText`).
 */
export interface ActionDescription {
  title: string;
  typed?: string;
  notes: string[];
  /**
   * For keys that submit ("surely": Enter and its like) or may ("maybe"): the line typed
   * since the last Enter that they send, as far as it is known (outside text: plain text
   * only), and whether more may be in it than deskgate saw (a click, a paste, a history key
   * or a completion came before).
   */
  submits?: { how: "surely" | "maybe"; lines: string[]; partial: boolean };
}

const labels: Readonly<Record<string, string>> = {
  ctrl: "Ctrl",
  shift: "Shift",
  alt: "Alt",
  super: "Super",
  return: "Enter ⏎",
  kp_enter: "keypad Enter ⏎",
  tab: "Tab ⇥",
  space: "Space",
  escape: "Esc",
  backspace: "Backspace",
  delete: "Delete",
  insert: "Insert",
  home: "Home",
  end: "End",
  page_up: "PageUp",
  page_down: "PageDown",
  up: "↑",
  down: "↓",
  left: "←",
  right: "→",
  print: "PrintScreen",
  menu: "Menu",
};

function keyLabel(key: string): string {
  const fixed = labels[key];
  if (fixed) return fixed;
  if (/^[a-z]$/.test(key)) return key.toUpperCase();
  if (/^f\d+$/.test(key)) return key.toUpperCase();
  if (/^kp_\d$/.test(key)) return `keypad ${key.slice(3)}`;
  return characterOf(key, false) ?? key.replace(/_/g, " ");
}

/** Modifiers in the order people write them: Ctrl+Alt+Shift+Super. */
const modifierOrder = ["ctrl", "alt", "shift", "super"];

export function comboLabel(combo: KeyCombo): string {
  const modifiers = [...combo.modifiers].sort(
    (a, b) => modifierOrder.indexOf(a) - modifierOrder.indexOf(b),
  );
  return [...modifiers, ...combo.keys].map(keyLabel).join("+");
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const at = ([x, y]: Coordinate) => `(${x}, ${y})`;

export function describeAction(
  action: ComputerAction,
  input: DesktopInputState = initialInputState,
): ActionDescription {
  const { effects } = planEffects(action, input);
  const typed = effects.map((effect) => effect.text ?? "").join("");
  const notes = [...enterNotes(effects), ...heldNotes(effects)];
  // Typed text shows its own lines; only a line begun before it needs saying.
  const begunBefore = input.line.length > 0 || input.lineUnknown;
  const submits =
    action.action === "type" && !begunBefore ? undefined : submittedLines(effects, input);
  const withTyped = (title: string, extra: string[] = []): ActionDescription => ({
    title,
    ...(typed.length > 0 ? { typed } : {}),
    notes: [...extra, ...notes],
    ...(submits ? { submits } : {}),
  });
  switch (action.action) {
    case "type":
      return withTyped(typeTitle(action.text));
    case "key": {
      // Every key of one round, none elided: a sequence is at most 200 characters (about
      // 100 keys), well inside a section's 3,000; `repeat` presses the round again.
      const round = effects.length / (action.repeat ?? 1);
      const combos = effects
        .slice(0, round)
        .flatMap((effect) => (effect.combo ? [pressedLabel(effect.combo)] : []));
      const times =
        action.repeat && action.repeat > 1 ? `, the whole sequence ${action.repeat} times` : "";
      return withTyped(
        `Press ${combos.join(", ")}${times}`,
        typed ? ["These keys type the text below."] : [],
      );
    }
    case "hold_key":
      return withTyped(holdTitle(effects, action.duration), holdNotes(effects));
    case "left_click":
    case "right_click":
    case "middle_click":
    case "double_click":
    case "triple_click":
    case "scroll":
    case "left_mouse_down":
    case "left_mouse_up":
    case "left_click_drag":
    case "mouse_move":
      return withTyped(pointerTitle(action, effects, input));
    case "wait":
      return { title: `Wait ${action.duration} s`, notes };
    case "screenshot":
      return { title: "Take a screenshot", notes };
    case "cursor_position":
      return { title: "Read the pointer position", notes };
    case "zoom":
      return {
        title: `Zoom into ${at([action.region[0], action.region[1]])}–${at([action.region[2], action.region[3]])}`,
        notes,
      };
  }
}

function typeTitle(text: string): string {
  const characters = Array.from(text);
  const enters = characters.filter((c) => c === "\n").length;
  const tabs = characters.filter((c) => c === "\t").length;
  const rest = characters.length - enters - tabs;
  const parts = [`Type ${plural(rest, "character")}`];
  if (enters > 0)
    parts.push(
      text.endsWith("\n") && enters === 1
        ? "then press Enter ⏎"
        : `pressing Enter ⏎ ${plural(enters, "time")}`,
    );
  if (tabs > 0) parts.push(`Tab ⇥ ${plural(tabs, "time")}`);
  return parts.join(", ");
}

function holdTitle(effects: Effect[], seconds: number): string {
  const combo = effects[0]?.combo;
  return `Hold ${combo ? comboLabel(combo) : "keys"} for ${seconds} s`;
}

function holdNotes(effects: Effect[]): string[] {
  const effect = effects[0];
  if (!effect?.combo || effect.combo.keys.length === 0)
    return ["Modifiers alone type nothing; no other key is pressed meanwhile."];
  const presses = effect.presses ?? 1;
  return presses > 1
    ? [
        `Key repeat presses it ${presses} times (the X server repeats a held key after ${keyRepeatDelayMs} ms, every ${keyRepeatIntervalMs} ms).`,
      ]
    : [];
}

function pointerTitle(action: ComputerAction, effects: Effect[], input: DesktopInputState): string {
  const pointer = effects.find((effect) => effect.points !== undefined && effect.kind !== "type");
  const place = (index = 0) => {
    const point = pointer?.points?.[index];
    if ("coordinate" in action && action.coordinate) return `at ${at(action.coordinate)}`;
    return point
      ? `at the pointer, now at ${at(point)}`
      : "at the pointer (its position is unknown)";
  };
  const held = pointer?.held ? ` while holding ${comboLabel(pointer.held)}` : "";
  switch (action.action) {
    case "left_click":
      return `Left click ${place()}${held}`;
    case "right_click":
      return `Right click ${place()}${held}`;
    case "middle_click":
      return `Middle click ${place()}${held}`;
    case "double_click":
      return `Double click ${place()}${held}`;
    case "triple_click":
      return `Triple click ${place()}${held}`;
    case "scroll":
      return `Scroll ${action.scroll_direction} ×${action.scroll_amount} ${place()}${held}`;
    case "left_mouse_down":
      return `Press and hold the left button ${place()} (it stays down: moves that follow drag)`;
    case "left_mouse_up": {
      const drag = effects.find((effect) => effect.kind === "left_click_drag");
      return drag?.points?.length === 2
        ? `Drag with the left button from ${at(drag.points[0]!)} to ${at(drag.points[1]!)}, then release it`
        : `Release the left button ${place()}`;
    }
    case "left_click_drag":
      return `Drag from ${at(action.start_coordinate)} to ${at(action.coordinate)}`;
    case "mouse_move":
      return input.leftButtonHeld
        ? `Move the pointer to ${at(action.coordinate)} with the left button held — a drag${input.pointer ? ` from ${at(input.pointer)}` : ""}`
        : `Move the pointer to ${at(action.coordinate)}`;
    default:
      return action.action;
  }
}

/** The keys as pressed: Escape then # is listed as "Esc, Shift+3", not as Alt. */
function pressedLabel(combo: KeyCombo): string {
  return comboLabel(comboOf(combo.physical));
}

/** Combinations that submit or may, other than the Enter key itself; Tab-like ones; pastes. */
function enterNotes(effects: Effect[]): string[] {
  const notes = new Set<string>();
  for (const effect of effects) {
    const combo = effect.combo;
    if (effect.submits === "maybe" && !combo)
      notes.add("The middle button pastes text nobody has seen, which may hold an Enter ⏎.");
    if (!combo || effect.source === "type") continue;
    const label = comboLabel(combo);
    const escaped = effect.afterEscape
      ? `${pressedLabel(combo)} right after Esc is ${label}; `
      : "";
    const plainEnter =
      combo.keys.length === 1 && combo.keys[0] === "return" && combo.modifiers.length === 0;
    if (effect.submits === "surely" && !plainEnter)
      notes.add(`${escaped}${label} works as Enter ⏎ (it submits, or runs a typed command).`);
    else if (effect.submits === "maybe" || (isEnterLike(combo) && !plainEnter))
      notes.add(
        `${escaped}${label} may work as Enter ⏎ (it may submit, run a typed command or paste one).`,
      );
    else if (isTabLike(combo) && !(combo.keys[0] === "tab" && combo.modifiers.length === 0))
      notes.add(`${label} works as Tab ⇥.`);
  }
  return [...notes];
}

/**
 * The line the first submitting effect of a key action sends, when there is one to speak
 * of: text typed since the last Enter, or a line deskgate cannot fully see.
 */
function submittedLines(effects: Effect[], input: DesktopInputState): ActionDescription["submits"] {
  const submitting = effects.filter((effect) => effect.submits !== undefined);
  const first = submitting[0];
  if (!first?.submits) return undefined;
  const raw = first.line ?? input.line;
  const partial = holdsGaps(raw) || input.lineUnknown;
  // Each effect's line ends with its Enter's own newline.
  // What was typed since the field last sent; what it may have kept is the warning's.
  const lines = submitting.map((effect) =>
    knownText(sinceLastSend(effect.line ?? "")).replace(/\n$/, ""),
  );
  if (lines.every((line) => line.length === 0) && !partial) return undefined;
  const how = submitting.some((effect) => effect.submits === "surely") ? "surely" : "maybe";
  return { how, lines, partial };
}

/** Keys held during a pointer action that type something. */
function heldNotes(effects: Effect[]): string[] {
  const held = effects.find((effect) => effect.held && effect.held.keys.length > 0)?.held;
  return held ? [`Holding ${comboLabel(held)} also presses it once before the click.`] : [];
}

/** One line for a thread or a modal: the title, with what is typed cut short. */
export function actionSummary(action: ComputerAction, input?: DesktopInputState): string {
  return describeAction(action, input).title;
}
