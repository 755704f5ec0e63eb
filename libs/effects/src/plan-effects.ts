import type { ComputerAction, ComputerActionName, Coordinate } from "@deskgate/contracts";
import type { Effect } from "./effect.ts";
import { type DesktopInputState, maxLineLength } from "./input-state.ts";
import {
  comboOf,
  formatCombo,
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

/** Keys a line editor reads as moving the cursor or deleting, by canonical combo. */
const lineEditing: Readonly<
  Record<string, "home" | "end" | "left" | "right" | "backspace" | "delete">
> = {
  home: "home",
  "ctrl+a": "home",
  end: "end",
  "ctrl+e": "end",
  left: "left",
  "ctrl+b": "left",
  right: "right",
  "ctrl+f": "right",
  backspace: "backspace",
  "ctrl+h": "backspace",
  delete: "delete",
  "ctrl+d": "delete",
};

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

  /** A combination pressed `presses` times: typing, Enter, or a key that edits or acts. */
  press(combo: KeyCombo, presses: number): void {
    const typedBefore = this.pending();
    if (isEnterLike(combo)) {
      const text = "\n".repeat(presses);
      this.add(
        {
          kind: "key",
          combo,
          presses,
          text,
          line: `${this.state.line}${text}`,
          changesDesktop: true,
        },
        typedBefore,
      );
      this.state.line = "";
      this.state.cursor = 0;
      this.state.lineUnknown = false;
      return;
    }
    const once = textOf(combo);
    if (once !== undefined && once !== "\t") {
      this.insert(once.repeat(presses));
      this.add(
        {
          kind: "type",
          combo,
          presses,
          text: once.repeat(presses),
          line: this.state.line,
          changesDesktop: true,
        },
        typedBefore,
      );
      return;
    }
    const text = once === "\t" ? { text: "\t".repeat(presses) } : {};
    this.edit(combo, presses);
    this.add(
      {
        kind: "key",
        combo,
        presses,
        ...text,
        ...(once ? { line: this.state.line } : {}),
        changesDesktop: true,
      },
      typedBefore,
    );
  }

  typed(text: string): void {
    const typedBefore = this.pending();
    this.insert(text);
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
    // With the left button still down from left_mouse_down, going to the point drags.
    if (coordinate && this.state.leftButtonHeld) this.drag(this.state.pointer, coordinate);
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
    // A press may move the focus into a field that holds text, or paste (the middle button):
    // what the line holds is no longer known, and nothing typed so far is forgotten.
    if (changes && kind !== "scroll") this.lineUnknown();
  }

  look(kind: ComputerActionName): void {
    this.add({ kind, changesDesktop: false });
  }

  /** Text may be pending in the focused field: typed here, or there before. */
  private pending(): boolean {
    return this.state.line.length > 0 || this.state.lineUnknown;
  }

  private lineUnknown(): void {
    this.state.lineUnknown = true;
    delete this.state.cursor;
  }

  /**
   * Typing at the cursor. Where the cursor is not known the text is taken to go at the end
   * of what was typed; either way the cursor is then right after it (so BackSpace takes
   * back the last character typed, as it does on any line).
   */
  private insert(text: string): void {
    const { line, cursor } = this.state;
    const at = cursor === undefined ? line.length : Math.min(cursor, line.length);
    const next = `${line.slice(0, at)}${text}${line.slice(at)}`;
    const dropped = Math.max(0, next.length - maxLineLength);
    this.state.line = next.slice(dropped);
    this.state.cursor = Math.max(0, at + text.length - dropped);
  }

  /**
   * What a key that types nothing does to the line, as a line editor (bash's readline, a
   * text field) does it. Only what is certain is applied; a key whose effect on the line
   * cannot be known (history, completion, paste, kill, a shortcut) forgets nothing typed
   * and makes the line unknown, so a rule reading the line errs towards matching.
   */
  private edit(combo: KeyCombo, presses: number): void {
    const edit = lineEditing[formatCombo(combo)];
    const { line, cursor } = this.state;
    switch (edit) {
      case "home":
        this.state.cursor = 0;
        return;
      case "end":
        this.state.cursor = line.length;
        return;
      case "left":
        if (cursor !== undefined) this.state.cursor = Math.max(0, cursor - presses);
        return;
      case "right":
        if (cursor !== undefined) this.state.cursor = Math.min(line.length, cursor + presses);
        return;
      case "backspace":
        if (cursor === undefined) return;
        this.state.line = `${line.slice(0, Math.max(0, cursor - presses))}${line.slice(cursor)}`;
        this.state.cursor = Math.max(0, cursor - presses);
        return;
      case "delete":
        if (cursor !== undefined)
          this.state.line = `${line.slice(0, cursor)}${line.slice(cursor + presses)}`;
        return;
      case undefined:
        if (combo.keys.length === 0 || combo.keys.every((k) => k === "escape")) return;
        this.lineUnknown();
        return;
    }
  }

  private add(
    effect: Omit<Effect, "source" | "after" | "typedBefore">,
    typedBefore?: boolean,
  ): void {
    const after = this.state.lastChange;
    this.effects.push({
      ...effect,
      source: this.source,
      typedBefore: typedBefore ?? this.pending(),
      ...(after ? { after } : {}),
    });
    if (effect.changesDesktop) this.state.lastChange = effect.kind;
  }
}
