import type { ComputerAction, ComputerActionName, Coordinate } from "@deskgate/contracts";
import type { Effect } from "./effect.ts";
import { type DesktopInputState, maxLineLength } from "./input-state.ts";
import { comboOf, type KeyCombo, parseKeySequence, singleKeyCombo, textOf } from "./key-combo.ts";
import { heldKeyPresses } from "./key-repeat.ts";
import { physicalKeysOf } from "./key-vocabulary.ts";
import { isEnterLike, lineEffectOf, submitsSurely } from "./submit-keys.ts";
import { isTerminalClass } from "./terminal-windows.ts";
import {
  completionGap,
  continuedLine,
  deletedText,
  displacedText,
  editLine,
  endDeletionRun,
  holdsPlacement,
  insertText,
  type LineEdit,
  lineMarkers,
  removedAround,
  sentLine,
  sinceLastSend,
  unknownText,
  withUnknownText,
} from "./typed-line.ts";

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
 *
 * The typed line errs towards matching (`typed-line.ts`): a key that may submit
 * (`isEnterLike`) leaves what was typed in place and marks the line unknown; a paste
 * (a key, or the middle button) may type anything, Enter included; Escape makes the next
 * key Meta (Alt) with it; text typed where the cursor is not known may be anywhere in
 * the line; Tab may complete the word before it.
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

/** The combination a key is judged as: with Alt after a bare Escape (Meta prefix). */
function withMeta(combo: KeyCombo): KeyCombo {
  if (combo.modifiers.includes("alt")) return combo;
  return { ...combo, modifiers: ["alt", ...combo.modifiers] };
}

class Planner {
  readonly effects: Effect[] = [];
  readonly state: DesktopInputState;
  /** Index of the last effect, when it is an edit of the line (a later edit supersedes it). */
  private lineEditAt = -1;

  constructor(
    before: DesktopInputState,
    private readonly source: ComputerActionName,
  ) {
    this.state = { ...before, ...(before.pointer ? { pointer: [...before.pointer] } : {}) };
  }

  /** Characters as typed text; newline is Enter and tab is Tab, pressed as keys. */
  typeText(text: string): void {
    // A private-use character is the line's own marker: typed, it is text nobody can read.
    const safe = text.replace(lineMarkers, unknownText);
    for (const piece of safe.split(/([\n\t])/)) {
      if (piece === "") continue;
      if (piece === "\n") this.press(singleKeyCombo("return"), 1);
      else if (piece === "\t") this.press(singleKeyCombo("tab"), 1);
      else if (this.state.escapePending) {
        const [first = "", ...rest] = Array.from(piece);
        this.typedAfterEscape(first);
        if (rest.length > 0) this.typed(rest.join(""));
      } else this.typed(piece);
    }
  }

  /** A character typed right after a bare Escape: judged as Alt with its key. */
  private typedAfterEscape(character: string): void {
    const keys = physicalKeysOf(character === " " ? "space" : character);
    if (keys) {
      this.press(comboOf(keys), 1);
      return;
    }
    // A character off the keyboard (é, ✓) after Escape: what Meta with it does is unknown.
    this.state.escapePending = false;
    this.maySubmit({ kind: "key", text: character }, this.pending());
  }

  /** A combination pressed `presses` times: typing, Enter, or a key that edits or acts. */
  press(pressed: KeyCombo, presses: number): void {
    const typedBefore = this.pending();
    const afterEscape = this.state.escapePending === true && pressed.keys.length > 0;
    const combo = afterEscape ? withMeta(pressed) : pressed;
    if (pressed.keys.length > 0) this.state.escapePending = false;
    const escaped = afterEscape ? { afterEscape: true as const } : {};
    if (submitsSurely(combo)) {
      this.enter(combo, presses, typedBefore, escaped);
      return;
    }
    if (isEnterLike(combo)) {
      this.maySubmit({ kind: "key", combo, presses, ...escaped }, typedBefore);
      return;
    }
    const once = textOf(combo);
    if (once !== undefined && once !== "\t") {
      const line = this.insert(once.repeat(presses));
      this.add(
        { kind: "type", combo, presses, text: once.repeat(presses), line, changesDesktop: true },
        typedBefore,
      );
      return;
    }
    const lineBefore = this.state.line;
    this.edit(combo, presses);
    const tab = once === "\t" ? { text: "\t".repeat(presses), line: this.state.line } : {};
    // The line an edit leaves is judged like typed text (`sudxo`, Left, BackSpace reads
    // `sudo`); of edits in a row, only the last one's line stays in the field to be read.
    // Text nobody saw (history, a yank) is held against the Enter that may send it, not
    // read here; a move of the cursor changes no text.
    const kind = lineEffectOf(combo)?.kind;
    const edited =
      this.state.line !== lineBefore && !tab.line && (kind === "edit" || kind === "removal");
    const changed = edited ? { line: this.state.line } : {};
    if (edited && this.lineEditAt >= 0 && this.lineEditAt === this.effects.length - 1) {
      const { line: _superseded, ...previous } = this.effects[this.lineEditAt]!;
      this.effects[this.lineEditAt] = previous;
    }
    this.lineEditAt = edited ? this.effects.length : -1;
    this.add(
      { kind: "key", combo, presses, ...changed, ...tab, changesDesktop: true },
      typedBefore,
    );
    // A bare Escape makes the next key Meta with it (an Escape after Escape is Meta-Escape).
    if (!afterEscape && combo.keys.length === 1 && combo.keys[0] === "escape")
      this.state.escapePending = true;
  }

  /** Enter, surely: what was typed is submitted, unless a trailing backslash continues it. */
  private enter(
    combo: KeyCombo,
    presses: number,
    typedBefore: boolean,
    escaped: { afterEscape?: true },
  ): void {
    const text = "\n".repeat(presses);
    this.add(
      {
        kind: "key",
        combo,
        presses,
        text,
        line: `${this.state.line}${text}`,
        submits: "surely",
        changesDesktop: true,
        ...escaped,
      },
      typedBefore,
    );
    const { line } = this.state;
    const terminal = isTerminalClass(this.state.window?.className);
    const shell = terminal || this.state.window === undefined;
    if (shell && presses === 1 && holdsPlacement(line) && sinceLastSend(line).includes("\\")) {
      // Whether a backslash ends the line depends on where text went unseen: the line may
      // have run, or go on without that backslash (a deletion, then text nobody saw).
      const kept = `${line}${deletedText}${unknownText}`;
      this.setLine(kept, kept.length);
      return;
    }
    const joined = presses === 1 ? continuedLine(line) : undefined;
    // Text typed in another window stays in that window's field: only a line typed all in
    // this terminal is run and forgotten.
    const here = this.state.window?.id ?? "?";
    const ownLine = (this.state.lineWindows ?? []).every((id) => id === here);
    if (joined !== undefined && shell && ownLine) {
      this.setLine(joined, joined.length);
      return;
    }
    if (!terminal || !ownLine) {
      // Outside a terminal the field may keep what Enter sent: typing goes on after it.
      const kept = sentLine(line, maxLineLength);
      this.setLine(kept, kept.length);
      this.state.lineUnknown = false;
      return;
    }
    this.state.line = "";
    this.state.cursor = 0;
    this.state.lineUnknown = false;
    delete this.state.lineWindows;
  }

  /**
   * A key (or a paste) that may submit: judged as Enter, and on a line that keeps what was
   * typed (it may not have been submitted) with text nobody saw after it.
   */
  private maySubmit(
    effect: Pick<Effect, "kind" | "combo" | "presses" | "text" | "afterEscape">,
    typedBefore: boolean,
  ): void {
    const line = withUnknownText(this.state.line);
    this.add({ ...effect, line, submits: "maybe", changesDesktop: true }, typedBefore);
    this.setLine(line, undefined);
    this.lineUnknown();
  }

  typed(text: string): void {
    const typedBefore = this.pending();
    const line = this.insert(text);
    this.add({ kind: "type", text, line, changesDesktop: true }, typedBefore);
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
    // The middle button pastes the X selection into whatever is under the pointer: text
    // nobody saw, a newline included (xterm, most text fields).
    if (kind === "middle_click") this.maySubmit({ kind: "key" }, this.pending());
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
    // A press may move the focus into a field that holds text, or the cursor within the
    // line: what the line holds and where the cursor is are no longer known, and nothing
    // typed so far is forgotten.
    if (changes && kind !== "scroll") this.lineUnknown();
    // A selection made with the pointer (a drag, a double or triple click, shift+click) is
    // replaced by what is typed next in a GUI field: text in a row may go, typing goes there.
    const selects =
      kind === "double_click" ||
      kind === "triple_click" ||
      kind === "left_click_drag" ||
      (options.held?.modifiers.includes("shift") ?? false);
    if (changes && selects) this.setLine(removedAround(this.state.line), undefined);
  }

  look(kind: ComputerActionName): void {
    this.add({ kind, changesDesktop: false });
  }

  /**
   * Text may be pending in the focused field: typed here, there before, or sent by an
   * Enter in a field that may have kept it (a second Enter would send it again).
   */
  private pending(): boolean {
    return this.state.line.length > 0 || this.state.lineUnknown;
  }

  private lineUnknown(): void {
    this.state.lineUnknown = true;
    this.state.line = endDeletionRun(this.state.line);
    delete this.state.cursor;
  }

  /** Typing at the cursor (`insertText`); returns the line as the typing leaves it. */
  private insert(text: string): string {
    const { typed, kept } = insertText(this.state, text, maxLineLength);
    this.setLine(kept.line, kept.cursor);
    return typed;
  }

  private setLine(line: string, cursor: number | undefined): void {
    if (line !== this.state.line) {
      // Which windows hold text of the line (bounded: past 16, one more reads as "?").
      const id = this.state.window?.id ?? "?";
      const known = this.state.lineWindows ?? [];
      if (!known.includes(id))
        this.state.lineWindows = known.length < 15 ? [...known, id] : [...known.slice(0, 15), "?"];
    }
    this.state.line = line;
    if (cursor === undefined) delete this.state.cursor;
    else this.state.cursor = cursor;
  }

  /**
   * What a key known not to submit does to the line (`lineEffectOf`): cursor keys and
   * deletions applied as a line editor applies them; completion may extend the word at
   * the cursor; history, kills, yanks and selections leave text nobody saw.
   */
  private edit(combo: KeyCombo, presses: number): void {
    const effect = lineEffectOf(combo);
    switch (effect?.kind) {
      case "unchanged":
        return;
      case "edit": {
        const next = editLine(this.state, effect.edit as LineEdit, presses);
        this.setLine(next.line, next.cursor);
        return;
      }
      case "cursor":
        this.setLine(endDeletionRun(this.state.line), undefined);
        return;
      case "removal":
        this.setLine(removedAround(this.state.line), undefined);
        this.state.lineUnknown = true;
        return;
      case "completion": {
        const { line, cursor } = this.state;
        // Where the cursor is not known, the completion may be anywhere in the line.
        if (cursor === undefined) {
          const completed = `${line.length > 0 ? `${line}${displacedText}` : ""}${completionGap}`;
          this.setLine(completed, completed.length);
        } else
          this.setLine(`${line.slice(0, cursor)}${completionGap}${line.slice(cursor)}`, cursor + 1);
        this.state.lineUnknown = true;
        return;
      }
      case "unknown":
      case undefined:
        this.setLine(withUnknownText(this.state.line), undefined);
        this.state.lineUnknown = true;
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
