import type { ComputerAction, ComputerActionName, Coordinate } from "@deskgate/contracts";
import type { Effect } from "./effect.ts";
import { type DesktopInputState, maxLineLength } from "./input-state.ts";
import {
  comboOf,
  isEnterLike,
  type KeyCombo,
  parseKeySequence,
  singleKeyCombo,
  textOf,
} from "./key-combo.ts";
import { heldKeyPresses } from "./key-repeat.ts";

export interface EffectPlan {
  effects: Effect[];
  /** The input state once the action has run. */
  after: DesktopInputState;
}

/**
 * What an action will do to the desktop, given the input state before it: every key
 * press (aliases resolved, held keys, key repeat, "\n" in typed text as Enter), every
 * pointer effect at its resolved place (the pointer's position where the action gives
 * none; a move with the button held is a drag). Pure. The action must be valid
 * (`validateAction`); key names that do not parse are treated as pressing nothing.
 */
export function planEffects(action: ComputerAction, before: DesktopInputState): EffectPlan {
  const plan = new Planner(before, action.action);
  switch (action.action) {
    case "key": {
      const combos = combosOf(action.text);
      for (let round = 0; round < (action.repeat ?? 1); round += 1)
        for (const combo of combos) plan.press(combo, 1);
      break;
    }
    case "type":
      plan.typeText(action.text);
      break;
    case "mouse_move":
      if (plan.state.leftButtonHeld) plan.drag(plan.state.pointer, action.coordinate);
      else plan.pointer("mouse_move", [action.coordinate], { changes: false });
      plan.state.pointer = action.coordinate;
      break;
    case "left_click":
    case "right_click":
    case "middle_click":
    case "double_click":
    case "triple_click":
    case "scroll":
      plan.pointerWithHeldKeys(action.action, action.coordinate, action.text);
      break;
    case "left_click_drag":
      plan.drag(action.start_coordinate, action.coordinate);
      plan.state.pointer = action.coordinate;
      plan.state.leftButtonHeld = false;
      break;
    case "left_mouse_down":
      plan.pointer("left_mouse_down", [action.coordinate ?? plan.state.pointer]);
      if (action.coordinate) plan.state.pointer = action.coordinate;
      plan.state.leftButtonHeld = true;
      break;
    case "left_mouse_up": {
      if (plan.state.leftButtonHeld && action.coordinate)
        plan.drag(plan.state.pointer, action.coordinate);
      plan.pointer("left_mouse_up", [action.coordinate ?? plan.state.pointer]);
      if (action.coordinate) plan.state.pointer = action.coordinate;
      plan.state.leftButtonHeld = false;
      break;
    }
    case "hold_key":
      plan.hold(comboOf(combosOf(action.text).flatMap((combo) => combo.physical)), action.duration);
      break;
    case "wait":
    case "screenshot":
    case "cursor_position":
    case "zoom":
      plan.look(action.action);
      break;
  }
  return { effects: plan.effects, after: plan.state };
}

function combosOf(text: string): KeyCombo[] {
  const parsed = parseKeySequence(text);
  return parsed.ok ? parsed.combos : [];
}

class Planner {
  readonly effects: Effect[] = [];
  readonly state: DesktopInputState;

  constructor(
    before: DesktopInputState,
    private readonly source: ComputerActionName,
  ) {
    this.state = { ...before, ...(before.pointer ? { pointer: [...before.pointer] } : {}) };
  }

  /** Characters as typed text; newline is Enter and tab is Tab, pressed as keys. */
  typeText(text: string): void {
    for (const piece of text.split(/([\n\t])/)) {
      if (piece === "") continue;
      if (piece === "\n") this.press(singleKeyCombo("return"), 1);
      else if (piece === "\t") this.press(singleKeyCombo("tab"), 1);
      else this.typed(piece);
    }
  }

  /** A combination pressed `presses` times: typing, Enter/Tab, or a shortcut. */
  press(combo: KeyCombo, presses: number): void {
    const once = textOf(combo);
    if (once === undefined) {
      this.add({ kind: "key", combo, presses, changesDesktop: true });
      if (combo.keys.includes("backspace") && combo.modifiers.length === 0)
        this.state.line = this.state.line.slice(0, -presses);
      return;
    }
    const text = once.repeat(presses);
    if (isEnterLike(combo)) {
      this.add({
        kind: "key",
        combo,
        presses,
        text,
        line: `${this.state.line}${text}`,
        changesDesktop: true,
      });
      this.state.line = "";
      return;
    }
    const kind = once === "\t" ? "key" : "type";
    const typedBefore = this.state.line.length > 0;
    this.appendLine(text);
    this.add(
      { kind, combo, presses, text, line: this.state.line, changesDesktop: true },
      typedBefore,
    );
  }

  typed(text: string): void {
    const typedBefore = this.state.line.length > 0;
    this.appendLine(text);
    this.add({ kind: "type", text, line: this.state.line, changesDesktop: true }, typedBefore);
  }

  hold(combo: KeyCombo, seconds: number): void {
    if (combo.keys.length === 0) {
      this.add({ kind: "hold_key", combo, seconds, changesDesktop: true });
      return;
    }
    // A held key repeats: it is pressed again and again, and types (or acts) each time.
    this.press(combo, heldKeyPresses(seconds));
    const last = this.effects.at(-1);
    if (last) this.effects[this.effects.length - 1] = { ...last, seconds };
  }

  pointerWithHeldKeys(
    kind: ComputerActionName,
    coordinate: Coordinate | undefined,
    heldText: string | undefined,
  ): void {
    const held = heldText ? comboOf(combosOf(heldText).flatMap((c) => c.physical)) : undefined;
    // Keys held down during a click are pressed first: a letter among them types.
    if (held && held.keys.length > 0) this.press(held, 1);
    this.pointer(kind, [coordinate ?? this.state.pointer], held ? { held } : {});
    if (coordinate) this.state.pointer = coordinate;
  }

  drag(from: Coordinate | undefined, to: Coordinate): void {
    this.pointer("left_click_drag", [from, to]);
  }

  pointer(
    kind: ComputerActionName,
    points: ReadonlyArray<Coordinate | undefined>,
    options: { held?: KeyCombo; changes?: false } = {},
  ): void {
    const known = points.filter((p): p is Coordinate => p !== undefined);
    const changes = options.changes ?? true;
    this.add({
      kind,
      points: known,
      ...(known.length < points.length ? { unknownPoint: true as const } : {}),
      ...(options.held ? { held: options.held } : {}),
      changesDesktop: changes,
    });
    // A press may move the focus: what was typed before is no longer the focused line.
    if (changes && kind !== "scroll") this.state.line = "";
  }

  look(kind: ComputerActionName): void {
    this.add({ kind, changesDesktop: false });
  }

  private appendLine(text: string): void {
    this.state.line = `${this.state.line}${text}`.slice(-maxLineLength);
  }

  private add(
    effect: Omit<Effect, "source" | "after" | "typedBefore">,
    typedBefore?: boolean,
  ): void {
    const after = this.state.lastChange;
    this.effects.push({
      ...effect,
      source: this.source,
      typedBefore: typedBefore ?? this.state.line.length > 0,
      ...(after ? { after } : {}),
    });
    if (effect.changesDesktop) this.state.lastChange = effect.kind;
  }
}
