import type { ComputerAction } from "@deskgate/contracts";
import {
  type DesktopInputState,
  initialInputState,
  planEffects,
  validateAction,
} from "@deskgate/effects";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { authorizeAction } from "./authorize-action.ts";
import { parsePolicy } from "./parse-policy.ts";
import type { Authorization } from "./policy.ts";

/**
 * A reference model of what reaches a shell in an xterm, written apart from the effect
 * model: what xdotool (`type`: a newline is Return, a tab is Tab) and nut-js (`key`: each
 * combination pressed in turn) send, what xterm makes of it (ctrl+letter → a control
 * character, Alt or a preceding Escape → ESC prefix, the middle button and
 * shift+Insert/ctrl+shift+v → the selection pasted), and what bash's readline does with it
 * (its default emacs bindings). Where the desktop may do several things it does the worst:
 * the clipboard and history hold `sudo x` and a newline, Tab completes towards `sudo`, a
 * click puts the cursor where the generator says. Only the spellings the generator uses
 * are known to it.
 */
interface Terminal {
  line: string;
  cursor: number;
  /** The line holds text the model did not type (pasted, recalled). */
  unseen: boolean;
  /** ESC was the last byte: the next key is Meta. */
  escape: boolean;
  /** ctrl+x was the last key: ctrl+e then edits and runs the line. */
  ctrlX: boolean;
}

/** What the oracle saw an action do. */
interface Observed {
  /** A line was run (its text), or several. */
  submitted: string[];
  /** Characters the model typed itself made the line read as `banned`. */
  typedBanned: boolean;
  /** A line was run while typed text was pending. */
  submittedTyped: boolean;
}

const banned = "sudo";
const bannedPattern = new RegExp(`\\b${banned}\\b`);
const recalled = `${banned} x`;

type KeyName =
  | { kind: "char"; char: string; alt: boolean }
  | { kind: "named"; name: string; ctrl: boolean; alt: boolean; shift: boolean };

/** The generator's key spellings → what the keyboard sends. */
function readCombo(text: string): KeyName {
  const parts = text.split("+");
  const last = parts.at(-1)!;
  const mods = new Set(parts.slice(0, -1).map((m) => m.toLowerCase().replace(/_l$/, "")));
  const ctrl = mods.has("ctrl") || mods.has("control");
  const alt = mods.has("alt");
  const shift = mods.has("shift");
  const chars: Record<string, string> = { numbersign: "#", space: " ", backslash: "\\" };
  if (!ctrl && (last.length === 1 || chars[last]))
    return { kind: "char", char: chars[last] ?? last, alt };
  return { kind: "named", name: last.toLowerCase(), ctrl, alt, shift };
}

function fresh(): Terminal {
  return { line: "", cursor: 0, unseen: false, escape: false, ctrlX: false };
}

class Oracle {
  t = fresh();
  observed: Observed = { submitted: [], typedBanned: false, submittedTyped: false };
  /** The last text killed (ctrl+k, ctrl+u, ctrl+w), which ctrl+y yanks back. */
  private killed = { text: "" };

  /**
   * `eightBit`: xterm's default eightBitInput, where Alt with a key sends that byte with
   * its high bit set (Alt+j types `ê`, Alt+Return a C1 byte) instead of ESC and the key.
   */
  constructor(private readonly eightBit = false) {}

  private kill(from: number, to: number): void {
    const { line } = this.t;
    this.killed = { text: line.slice(from, to) };
    this.t.line = `${line.slice(0, from)}${line.slice(to)}`;
    this.t.cursor = from;
  }

  insert(text: string, seen: boolean): void {
    const { line, cursor } = this.t;
    this.t.line = `${line.slice(0, cursor)}${text}${line.slice(cursor)}`;
    this.t.cursor = cursor + text.length;
    if (!seen) this.t.unseen = true;
  }

  /** Runs the line; `typed`: typed text was pending (default: the line holds any). */
  submit(typed = this.t.line.length > 0, comment = false): void {
    // A backslash-newline continues a line, but not a comment (`#…` ends at the newline).
    const continued = !comment && /(^|[^\\])(\\\\)*\\$/.test(this.t.line);
    if (continued) {
      this.t.line = this.t.line.slice(0, -1);
      this.t.cursor = this.t.line.length;
      this.observed.submittedTyped ||= typed;
      return;
    }
    this.observed.submitted.push(this.t.line);
    if (typed) this.observed.submittedTyped = true;
    this.t = fresh();
  }

  paste(): void {
    this.insert(recalled, false);
    this.submit();
  }

  /** One key as readline gets it; `meta` when ESC came first or Alt was held. */
  key(key: KeyName): void {
    if (key.alt && this.eightBit && !this.t.escape) {
      const code = key.kind === "char" ? key.char.charCodeAt(0) : key.name === "return" ? 13 : 0;
      if (code > 0 && code < 0x80) this.insert(String.fromCharCode(code | 0x80), true);
      return;
    }
    const meta = this.t.escape || key.alt;
    this.t.escape = false;
    const ctrlX = this.t.ctrlX;
    this.t.ctrlX = false;
    if (key.kind === "char") {
      if (meta) {
        if (key.char === "#") {
          const typed = this.t.line.length > 0;
          this.t.line = `#${this.t.line}`;
          this.submit(typed, true);
        }
        return;
      }
      this.insert(key.char, true);
      return;
    }
    const { name, ctrl, shift } = key;
    if (
      name === "return" ||
      name === "kp_enter" ||
      (ctrl && (name === "m" || name === "j" || name === "o"))
    ) {
      this.submit();
      return;
    }
    if (meta) return;
    if (ctrl && name === "x") {
      this.t.ctrlX = true;
      return;
    }
    if (ctrlX && ctrl && name === "e") {
      this.submit();
      return;
    }
    if ((ctrl && shift && name === "v") || (shift && name === "insert")) {
      this.paste();
      return;
    }
    if (name === "escape") {
      this.t.escape = true;
      return;
    }
    if (name === "tab" || (ctrl && name === "i")) {
      this.complete();
      return;
    }
    if (name === "up" || (ctrl && name === "p")) {
      this.t = { ...fresh(), line: recalled, cursor: recalled.length, unseen: true };
      return;
    }
    const { line, cursor } = this.t;
    // ctrl+c: SIGINT; bash drops the line and prompts again.
    if (ctrl && name === "c") {
      this.t = fresh();
      return;
    }
    // xterm sends ESC[1;5H / ESC[1;5F, which readline leaves unbound.
    if (ctrl && (name === "home" || name === "end")) return;
    if (ctrl && name === "k") this.kill(cursor, line.length);
    else if (ctrl && name === "u") this.kill(0, cursor);
    else if (ctrl && name === "w") {
      const before = line.slice(0, cursor);
      const start = before.replace(/\S*\s*$/, "").length;
      this.kill(start, cursor);
    }
    // Yank and transpose make a line the effect model does not read (it holds "unknown
    // text" against the Enter that may send it, as after a paste): the line is unseen.
    else if (ctrl && name === "y") this.insert(this.killed.text, false);
    else if (ctrl && name === "t") {
      // transpose-chars: the characters before and at the cursor (the last two at the end).
      const at = cursor === line.length ? cursor - 1 : cursor;
      if (at >= 1 && line.length >= 2) {
        this.t.line = `${line.slice(0, at - 1)}${line[at]}${line[at - 1]}${line.slice(at + 1)}`;
        this.t.cursor = at + 1;
        this.t.unseen = true;
      }
    } else if (ctrl && name === "d") {
      // delete-char; on an empty line it ends the shell, which runs nothing.
      this.t.line = `${line.slice(0, cursor)}${line.slice(cursor + 1)}`;
    } else if (name === "backspace" || (ctrl && name === "h")) {
      if (cursor > 0) {
        this.t.line = `${line.slice(0, cursor - 1)}${line.slice(cursor)}`;
        this.t.cursor = cursor - 1;
      }
    } else if (name === "delete" && !ctrl && !shift)
      this.t.line = `${line.slice(0, cursor)}${line.slice(cursor + 1)}`;
    else if (name === "left" || (ctrl && name === "b")) this.t.cursor = Math.max(0, cursor - 1);
    else if (name === "right" || (ctrl && name === "f"))
      this.t.cursor = Math.min(line.length, cursor + 1);
    else if (name === "home" || (ctrl && name === "a")) this.t.cursor = 0;
    else if (name === "end" || (ctrl && name === "e")) this.t.cursor = line.length;
  }

  /** Completes the word before the cursor towards `banned` when it is a prefix of it. */
  complete(): void {
    const word = /\S*$/.exec(this.t.line.slice(0, this.t.cursor))?.[0] ?? "";
    if (word.length > 0 && banned.startsWith(word) && word !== banned)
      this.insert(`${banned.slice(word.length)} `, true);
  }

  /** What the action does; a line the model typed reads as `banned` once it is done. */
  act(action: ComputerAction, clickAt: number): void {
    this.perform(action, clickAt);
    if (!this.t.unseen && bannedPattern.test(this.t.line)) this.observed.typedBanned = true;
  }

  private perform(action: ComputerAction, clickAt: number): void {
    switch (action.action) {
      case "type":
        for (const char of Array.from(action.text)) {
          if (char === "\n") this.key(readCombo("Return"));
          else if (char === "\t") this.key(readCombo("Tab"));
          else this.key({ kind: "char", char, alt: false });
        }
        return;
      case "key":
        for (let round = 0; round < (action.repeat ?? 1); round += 1)
          for (const part of action.text.split(" ")) this.key(readCombo(part));
        return;
      case "left_click":
        this.t.cursor = clickAt % (this.t.line.length + 1);
        return;
      case "middle_click": {
        this.paste();
        return;
      }
      default:
        return;
    }
  }
}

const policyFor = (approvers: number) =>
  parsePolicy(
    {
      rules: [
        {
          id: "no-banned",
          match: { actions: ["type", "key"], textMatches: `\\b${banned}\\b` },
          decision: "deny",
          reason: "refused",
        },
        {
          id: "commands",
          match: { actions: ["key"], keys: ["Return"], afterAction: "type" },
          decision: "ask",
          approvers,
        },
        { id: "rest", match: {}, decision: "ask" },
      ],
    },
    { approvalTimeoutMs: 60_000 },
  );

const strictness = (verdict: Authorization) =>
  verdict.kind === "deny"
    ? Number.POSITIVE_INFINITY
    : verdict.kind === "ask"
      ? verdict.requiredApprovals
      : 0;

/** Hostile spellings: aliases, Enter-likes, Meta prefixes, pastes, completion, edits. */
const keySpelling = fc.constantFrom(
  "Return",
  "KP_Enter",
  "ctrl+m",
  "Control_L+j",
  "ctrl+o",
  "ctrl+x",
  "ctrl+e",
  "Escape",
  "numbersign",
  "alt+numbersign",
  "Tab",
  "ctrl+i",
  "BackSpace",
  "ctrl+h",
  "Delete",
  "Left",
  "Right",
  "Home",
  "End",
  "ctrl+a",
  "ctrl+b",
  "ctrl+f",
  "Up",
  "ctrl+p",
  "ctrl+shift+v",
  "shift+Insert",
  "ctrl+l",
  "s",
  "u",
  "d",
  "o",
  "space",
  "backslash",
  "Caps_Lock",
  "ctrl+m+x",
  "ctrl+c",
  "ctrl+Home",
  "ctrl+End",
  "alt+Return",
  "ctrl+k",
  "ctrl+u",
  "ctrl+w",
  "ctrl+y",
  "ctrl+t",
  "ctrl+d",
  "alt+j",
);
const typedText = fc
  .array(
    fc.constantFrom("s", "u", "d", "o", "su", "do", "sud", " ", "\\", "\n", "\t", "#", "é", "x"),
    {
      minLength: 1,
      maxLength: 6,
    },
  )
  .map((parts) => parts.join(""));
const action: fc.Arbitrary<ComputerAction> = fc.oneof(
  typedText.map((text) => ({ action: "type", text }) as ComputerAction),
  fc
    .tuple(
      fc.array(keySpelling, { minLength: 1, maxLength: 4 }),
      fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
    )
    .map(
      ([keys, repeat]) =>
        ({ action: "key", text: keys.join(" "), ...(repeat ? { repeat } : {}) }) as ComputerAction,
    ),
  fc.constant<ComputerAction>({ action: "left_click", coordinate: [640, 400] }),
  fc.constant<ComputerAction>({ action: "middle_click", coordinate: [640, 400] }),
  fc.constant<ComputerAction>({ action: "screenshot" }),
);

describe("the effect model against a reference terminal", () => {
  it("never judges an action laxer than what it does to a shell", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(action, fc.nat(40)), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 2, max: 3 }),
        fc.boolean(),
        (steps, approvers, eightBit) => {
          const policy = policyFor(approvers);
          const oracle = new Oracle(eightBit);
          let input: DesktopInputState = { ...initialInputState, lineUnknown: false, cursor: 0 };
          for (const [proposed, clickAt] of steps) {
            // What validation refuses never reaches the desktop.
            if (!validateAction(proposed, { width: 1280, height: 800 }).ok) continue;
            const verdict = authorizeAction(proposed, { desktop: "d", input }, policy);
            // A denied action does not run: neither the desktop nor the oracle sees it.
            if (verdict.kind === "deny") continue;
            input = planEffects(proposed, input).after;
            oracle.observed = { submitted: [], typedBanned: false, submittedTyped: false };
            oracle.act(proposed, clickAt);
            const { submitted, typedBanned, submittedTyped } = oracle.observed;
            const needed =
              typedBanned || submitted.some((line) => bannedPattern.test(line))
                ? Number.POSITIVE_INFINITY
                : submittedTyped
                  ? approvers
                  : 0;
            expect(
              strictness(verdict),
              `${JSON.stringify(proposed)} on ${JSON.stringify(oracle.t)}: ran ${JSON.stringify(submitted)}`,
            ).toBeGreaterThanOrEqual(needed);
          }
        },
      ),
      // A fixed seed keeps the suite repeatable (PROPERTY_SEED and PROPERTY_RUNS explore
      // further). Seed 481441585 found deletions where a click left the cursor unknown
      // (`type ssdo`, a click, `key "BackSpace u Return"`), now in effects-attacks.test.ts.
      {
        numRuns: Number(process.env.PROPERTY_RUNS ?? 3_000),
        seed: Number(process.env.PROPERTY_SEED ?? 20261201),
      },
    );
  });
});
