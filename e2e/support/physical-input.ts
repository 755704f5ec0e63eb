import type { ComputerAction } from "@deskgate/contracts";
import { parseKeySequence } from "@deskgate/desktop";

/**
 * An oracle for the oversight property test, written apart from the effect model: what
 * an executed action does at the level of physical input — the nut-js keys the actuator
 * presses (its own key table), characters typed, pointer presses — and what a few fixed
 * policies require of it, judged on that input alone.
 */
export type PhysicalEvent =
  | { kind: "chord"; keys: string[]; times: number }
  | { kind: "char"; char: string }
  | { kind: "press" }
  | { kind: "move" }
  | { kind: "scroll" }
  | { kind: "look" };

/**
 * The focused field as a terminal's line editor (bash's readline) keeps it: its text, the
 * cursor (undefined: not known, typing lands at the end), and whether the field may hold
 * text nobody typed here (after a pointer press: focus moved, or the middle button pasted).
 */
export interface PhysicalState {
  line: string;
  cursor: number | undefined;
  unknown: boolean;
  buttonHeld: boolean;
}

export const freshDesktop: PhysicalState = {
  line: "",
  cursor: undefined,
  unknown: true,
  buttonHeld: false,
};

const letters = /^[A-Z]$/;
const shifts = new Set(["LeftShift", "RightShift"]);
const supers = new Set(["LeftSuper", "RightSuper"]);
const controls = new Set(["LeftControl", "RightControl"]);
const alts = new Set(["LeftAlt", "RightAlt"]);

/** X's default key repeat: a key held longer than 660 ms repeats every 40 ms. */
function pressesWhileHeld(seconds: number): number {
  const ms = Math.round(seconds * 1000);
  return ms <= 660 ? 1 : 2 + Math.floor((ms - 660) / 40);
}

function chords(text: string): string[][] {
  const parsed = parseKeySequence(text);
  if (!parsed.ok) throw new Error(`the oracle cannot read keys ${text}`);
  return parsed.combos;
}

export function physicalEventsOf(action: ComputerAction, state: PhysicalState): PhysicalEvent[] {
  switch (action.action) {
    case "key": {
      const out: PhysicalEvent[] = [];
      for (let i = 0; i < (action.repeat ?? 1); i += 1)
        for (const keys of chords(action.text)) out.push({ kind: "chord", keys, times: 1 });
      return out;
    }
    case "type":
      return Array.from(
        action.text,
        (char): PhysicalEvent =>
          char === "\n"
            ? { kind: "chord", keys: ["Return"], times: 1 }
            : char === "\t"
              ? { kind: "chord", keys: ["Tab"], times: 1 }
              : { kind: "char", char },
      );
    case "hold_key":
      return [
        {
          kind: "chord",
          keys: chords(action.text).flat(),
          times: pressesWhileHeld(action.duration),
        },
      ];
    case "left_click":
    case "right_click":
    case "middle_click":
    case "double_click":
    case "triple_click":
    case "scroll": {
      const held = action.text ? chords(action.text).flat() : [];
      const pointer: PhysicalEvent =
        action.action === "scroll" ? { kind: "scroll" } : { kind: "press" };
      return held.length > 0 ? [{ kind: "chord", keys: held, times: 1 }, pointer] : [pointer];
    }
    case "mouse_move":
      return [state.buttonHeld ? { kind: "press" } : { kind: "move" }];
    case "left_click_drag":
    case "left_mouse_down":
    case "left_mouse_up":
      return [{ kind: "press" }];
    case "wait":
    case "screenshot":
    case "cursor_position":
    case "zoom":
      return [{ kind: "look" }];
  }
}

/** The character a chord types (letters, digits, space; "?" for other printable keys). */
function charOf(keys: string[]): string | undefined {
  const others = keys.filter((k) => !shifts.has(k));
  if (others.length !== 1 || keys.some((k) => controls.has(k) || alts.has(k) || supers.has(k)))
    return undefined;
  const key = others[0]!;
  const shifted = keys.some((k) => shifts.has(k));
  if (letters.test(key)) return shifted ? key : key.toLowerCase();
  if (key === "Space") return " ";
  if (/^Num[0-9]$/.test(key)) return shifted ? "?" : key.slice(3);
  if (["Add", "Subtract", "Multiply", "Divide"].includes(key)) return "?";
  const punctuation = ["Minus", "Equal", "Comma", "Period", "Slash", "Semicolon", "Quote", "Grave"];
  if ([...punctuation, "LeftBracket", "RightBracket", "Backslash"].includes(key)) return "?";
  return undefined;
}

/** What bash runs the line on: Return, keypad Enter, ctrl+m, ctrl+j, ctrl+o, alt+#. */
function isEnter(keys: string[]): boolean {
  if (keys.includes("Return") || keys.includes("Enter")) return true;
  const control = keys.some((k) => controls.has(k));
  const alt = keys.some((k) => alts.has(k));
  const other = alt || keys.some((k) => supers.has(k));
  if (control && !other && (keys.includes("M") || keys.includes("J") || keys.includes("O")))
    return true;
  return alt && keys.some((k) => shifts.has(k)) && keys.includes("Num3");
}

/** A line-editing key (readline's and a text field's), by the keys pressed without shift. */
function lineEdit(
  keys: string[],
): "home" | "end" | "left" | "right" | "backspace" | "delete" | undefined {
  const control = keys.some((k) => controls.has(k));
  const rest = keys.filter((k) => !controls.has(k));
  if (keys.some((k) => alts.has(k) || supers.has(k) || shifts.has(k)) || rest.length !== 1)
    return undefined;
  const key = rest[0]!;
  const plain: Record<string, "home" | "end" | "left" | "right" | "backspace" | "delete"> = {
    Home: "home",
    End: "end",
    Left: "left",
    Right: "right",
    Backspace: "backspace",
    Delete: "delete",
  };
  const readline: Record<string, "home" | "end" | "left" | "right" | "backspace" | "delete"> = {
    A: "home",
    E: "end",
    B: "left",
    F: "right",
    H: "backspace",
    D: "delete",
  };
  return control ? readline[key] : plain[key];
}

function isLockOrClose(keys: string[]): boolean {
  const has = (set: Set<string>) => keys.some((k) => set.has(k));
  return (
    (has(supers) && keys.includes("L")) ||
    (has(alts) && keys.includes("F4")) ||
    (has(controls) && has(alts) && keys.includes("Delete"))
  );
}

export type Requirement = "deny" | number;

export interface OraclePolicy {
  /** Approvers for an input that is neither free nor special. */
  base: number;
  /** Characters typed need no approver. */
  typingFree: boolean;
  /** A typed line containing the word sudo is denied. */
  denySudo: boolean;
  /** Super+L, Alt+F4 and Ctrl+Alt+Delete are denied. */
  denyLock: boolean;
  /** Enter while typed text is pending needs this many approvers (0: no such rule). */
  enterAfterTyping: number;
}

/** What the policy requires of an action's physical input, and the state after it. */
export function requirementOf(
  policy: OraclePolicy,
  events: PhysicalEvent[],
  before: PhysicalState,
  action: ComputerAction,
): { requirement: Requirement; after: PhysicalState } {
  let { line, cursor, unknown } = before;
  let required = 0;
  let denied = false;
  const need = (n: number) => {
    required = Math.max(required, n);
  };
  const typed = (text: string) => {
    const at = cursor === undefined ? line.length : cursor;
    line = `${line.slice(0, at)}${text}${line.slice(at)}`;
    cursor = at + text.length;
    if (policy.denySudo && /\bsudo\b/.test(line)) denied = true;
    need(policy.typingFree ? 0 : policy.base);
  };
  const edit = (kind: NonNullable<ReturnType<typeof lineEdit>>, times: number) => {
    if (kind === "home") cursor = 0;
    else if (kind === "end") cursor = line.length;
    else if (cursor === undefined) return;
    else if (kind === "left") cursor = Math.max(0, cursor - times);
    else if (kind === "right") cursor = Math.min(line.length, cursor + times);
    else if (kind === "backspace") {
      line = `${line.slice(0, Math.max(0, cursor - times))}${line.slice(cursor)}`;
      cursor = Math.max(0, cursor - times);
    } else line = `${line.slice(0, cursor)}${line.slice(cursor + times)}`;
  };
  for (const event of events) {
    switch (event.kind) {
      case "char":
        typed(event.char);
        break;
      case "chord": {
        if (policy.denyLock && isLockOrClose(event.keys)) denied = true;
        if (isEnter(event.keys)) {
          if (policy.denySudo && /\bsudo\b/.test(`${line}\n`)) denied = true;
          const pending = line.length > 0 || unknown;
          need(pending && policy.enterAfterTyping > 0 ? policy.enterAfterTyping : policy.base);
          line = "";
          cursor = 0;
          unknown = false;
          break;
        }
        const char = charOf(event.keys);
        if (char !== undefined) {
          typed(char.repeat(event.times));
          break;
        }
        const editing = lineEdit(event.keys);
        if (editing) edit(editing, event.times);
        else if (
          event.keys.some(
            (k) => !shifts.has(k) && !controls.has(k) && !alts.has(k) && !supers.has(k),
          )
        ) {
          // Anything else (history, completion, a shortcut) may change the line unseen.
          unknown = true;
          cursor = undefined;
        }
        need(policy.base);
        break;
      }
      case "press":
        // Focus may move into a field holding text, or the middle button paste: the line
        // is no longer known, and what was typed is still there.
        unknown = true;
        cursor = undefined;
        need(policy.base);
        break;
      case "move":
      case "scroll":
        need(policy.base);
        break;
      case "look":
        break;
    }
  }
  const buttonHeld =
    action.action === "left_mouse_down"
      ? true
      : action.action === "left_mouse_up" || action.action === "left_click_drag"
        ? false
        : before.buttonHeld;
  return { requirement: denied ? "deny" : required, after: { line, cursor, unknown, buttonHeld } };
}
