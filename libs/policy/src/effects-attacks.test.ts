import { fileURLToPath } from "node:url";
import type { ComputerAction } from "@deskgate/contracts";
import {
  type DesktopInputState,
  initialInputState,
  planEffects,
  validateAction,
} from "@deskgate/effects";
import { describe, expect, it } from "vitest";
import { authorizeAction } from "./authorize-action.ts";
import { loadPolicyFile } from "./load-policy-file.ts";
import { parsePolicy } from "./parse-policy.ts";
import type { Authorization, Policy } from "./policy.ts";
import type { PolicyFileInput } from "./policy-schema.ts";

/**
 * Ways an input reached the desktop that a deny rule or a stricter ask should have
 * caught, each judged on the whole run of actions as the worker judges them (the input
 * state carried from one action to the next).
 */
const options = { approvalTimeoutMs: 120_000 };

/** Enter after typing needs two; sudo is refused; the rest asks one. */
const commandsNeedTwo = parsePolicy(
  {
    rules: [
      { id: "look", match: { actions: ["screenshot", "zoom", "wait"] }, decision: "allow" },
      {
        id: "no-sudo",
        match: { actions: ["type", "key"], textMatches: "\\bsudo\\b" },
        decision: "deny",
        reason: "sudo is not allowed",
      },
      {
        id: "commands-need-two",
        match: { actions: ["key"], keys: ["Return", "KP_Enter"], afterAction: "type" },
        decision: "ask",
        approvers: 2,
      },
      { id: "everything-else", match: {}, decision: "ask" },
    ],
  } satisfies PolicyFileInput,
  options,
);

const examplePolicy = loadPolicyFile(
  fileURLToPath(new URL("../../../infra/policy/example-policy.yaml", import.meta.url)),
  options,
);

const terminal = [640, 400] as const;
const click: ComputerAction = { action: "left_click", coordinate: [...terminal] };
const enter: ComputerAction = { action: "key", text: "Return" };
const command: ComputerAction = { action: "type", text: "rm -rf ~/x" };

const screen = { width: 1280, height: 800 };

/** Each action's authorisation (the action valid), judged on the state the ones before it left. */
function judgeRun(actions: ComputerAction[], policy: Policy = commandsNeedTwo): Authorization[] {
  let input: DesktopInputState = { ...initialInputState };
  return actions.map((action) => {
    expect(validateAction(action, screen).ok).toBe(true);
    const verdict = authorizeAction(action, { desktop: "desktop-1", input }, policy);
    input = planEffects(action, input).after;
    return verdict;
  });
}

/** How strict a verdict is: people it needs, deny as infinitely many. */
function strictness(verdict: Authorization): number {
  if (verdict.kind === "deny") return Number.POSITIVE_INFINITY;
  return verdict.kind === "ask" ? verdict.requiredApprovals : 0;
}

describe("keys that may submit a typed command", () => {
  it.each<[string, ComputerAction[]]>([
    [
      "ctrl+super+m (a terminal ignores Super: carriage return)",
      [{ action: "key", text: "ctrl+super+m" }],
    ],
    ["ctrl+alt+m", [{ action: "key", text: "ctrl+alt+m" }]],
    ["ctrl+x ctrl+e (bash: edit, then run the line)", [{ action: "key", text: "ctrl+x ctrl+e" }]],
    ["F5", [{ action: "key", text: "F5" }]],
    [
      "Escape then # in one sequence (readline: Meta-#, comment and run)",
      [{ action: "key", text: "Escape numbersign" }],
    ],
    [
      "Escape, then # typed by the next action",
      [
        { action: "key", text: "Escape" },
        { action: "type", text: "#" },
      ],
    ],
    [
      "Escape, then j in the next action (Meta-j)",
      [
        { action: "key", text: "Escape" },
        { action: "key", text: "j" },
      ],
    ],
    ["ctrl+v (the clipboard may hold a newline)", [{ action: "key", text: "ctrl+v" }]],
    ["ctrl+shift+v", [{ action: "key", text: "ctrl+shift+v" }]],
    ["shift+Insert", [{ action: "key", text: "shift+Insert" }]],
    [
      "a middle click on the terminal (pastes the selection)",
      [{ action: "middle_click", coordinate: [...terminal] }],
    ],
  ])("needs two people (or refuses) for %s after typing", (_, keys) => {
    const verdicts = judgeRun([command, ...keys]);
    expect(Math.max(...verdicts.slice(1).map(strictness))).toBeGreaterThanOrEqual(2);
  });
});

describe("a line that may go on after Enter", () => {
  it("needs two people for the next Enter when a backslash may end the line after a click", () => {
    // `\`, a click before it, `s` and Enter: the line reads `s\` and goes on; the next
    // Enter runs `s`, a typed command.
    const verdicts = judgeRun([
      { action: "type", text: "\\" },
      click,
      { action: "type", text: "s\n" },
      { action: "type", text: "\ns" },
    ]);
    expect(strictness(verdicts.at(-1)!)).toBeGreaterThanOrEqual(2);
  });
});

describe("text the line does not show", () => {
  it.each<[string, ComputerAction[]]>([
    [
      "`do ls`, a click placing the cursor first, `su`",
      [{ action: "type", text: "do ls" }, click, { action: "type", text: "su" }, enter],
    ],
    [
      "`sud` completed with Tab",
      [
        { action: "type", text: "sud" },
        { action: "key", text: "Tab" },
        { action: "type", text: " ls" },
        enter,
      ],
    ],
    [
      "`sud` completed with ctrl+i",
      [
        { action: "type", text: "sud" },
        { action: "key", text: "ctrl+i" },
        { action: "type", text: " ls" },
        enter,
      ],
    ],
    ["a paste, then Enter", [{ action: "key", text: "ctrl+v" }, enter]],
    [
      "a middle-click paste, then Enter",
      [{ action: "middle_click", coordinate: [...terminal] }, enter],
    ],
    ["a command recalled from history with Up", [{ action: "key", text: "Up" }, enter]],
    [
      "reverse history search",
      [{ action: "key", text: "ctrl+r" }, { action: "type", text: "s" }, enter],
    ],
    [
      "`sudo` pushed out of the line by 4,200 spaces",
      [{ action: "type", text: `sudo rm -rf / ${" ".repeat(4_200)}\n` }],
    ],
    ["a backslash-newline line continuation", [{ action: "type", text: "su\\\ndo ls\n" }]],
    [
      "`ssdo`, a click, then BackSpace and `u` where the cursor is not known",
      [{ action: "type", text: "ssdo" }, click, { action: "key", text: "BackSpace u Return" }],
    ],
    [
      "`sudxo` with Left and BackSpace (the deletion itself reads `sudo`)",
      [
        { action: "type", text: "sudxo" },
        { action: "key", text: "Left BackSpace" },
      ],
    ],
    [
      "`udo`, `sx` typed after a click, then Home Right Delete",
      [
        { action: "type", text: "udo" },
        click,
        { action: "type", text: "sx" },
        { action: "key", text: "Home Right Delete" },
        enter,
      ],
    ],
    [
      "`sd`, `u` typed after a click, then End and `o`",
      [
        { action: "type", text: "sd" },
        click,
        { action: "type", text: "u" },
        { action: "key", text: "End" },
        { action: "type", text: "o" },
        enter,
      ],
    ],
    [
      "deletions at two places the cursor was moved to unseen",
      [
        { action: "type", text: "sxuxdo" },
        click,
        { action: "key", text: "BackSpace" },
        click,
        { action: "key", text: "BackSpace" },
        enter,
      ],
    ],
    [
      "`s`, `s\\` typed after a click and Enter (it may have run), then `s` and Tab",
      [
        { action: "type", text: "s" },
        click,
        { action: "type", text: "s\\\n" },
        { action: "type", text: "s\t" },
      ],
    ],
    [
      "`sudoss`, a Tab that completes nothing, `s`, then three ctrl+h through the gap",
      [
        { action: "type", text: "sudoss" },
        { action: "type", text: "\ts" },
        { action: "key", text: "ctrl+h", repeat: 3 },
      ],
    ],
  ])("refuses what may be `sudo`: %s", (_, actions) => {
    const verdicts = judgeRun(actions);
    expect(verdicts.some((v) => v.kind === "deny")).toBe(true);
  });
});

describe("the terminal task stays routine", () => {
  const bench = [
    { action: "left_click", coordinate: [...terminal] },
    { action: "type", text: "mkdir -p reports && ls" },
    enter,
    { action: "scroll", coordinate: [...terminal], scroll_direction: "up", scroll_amount: 5 },
    { action: "key", text: "ctrl+l" },
    { action: "type", text: "echo 'backup verified' > rep" },
    { action: "key", text: "Tab" },
    { action: "type", text: "status.txt" },
    enter,
    { action: "key", text: "ctrl+l" },
    { action: "type", text: "wc -c rep" },
    { action: "key", text: "Tab" },
    { action: "type", text: "st" },
    { action: "key", text: "Tab" },
    enter,
  ] satisfies ComputerAction[];

  it("asks about ctrl+l, Tab and typing as ordinary keys, and only Enter as high risk", () => {
    const verdicts = judgeRun(bench, examplePolicy);
    expect(verdicts.map((v) => v.kind)).not.toContain("deny");
    const high = bench.flatMap((action, i) =>
      verdicts[i]!.kind === "ask" && (verdicts[i] as { risk: string }).risk === "high"
        ? [action]
        : [],
    );
    expect(high).toEqual([enter, enter, enter]);
    expect(verdicts[3]).toMatchObject({ kind: "allow" });
  });
});

/**
 * Keys a real shell reads differently from how the effect model once read them: each
 * sequence was sent with xdotool to xterm 379 running bash 5.2 under Xvfb (Debian 12, its
 * /etc/inputrc, `LANG=C.UTF-8`), and the line bash ran was read from its history; the
 * result is noted on each case.
 */

const type = (text: string): ComputerAction => ({ action: "type", text });
const key = (text: string, repeat?: number): ComputerAction => ({
  action: "key",
  text,
  ...(repeat ? { repeat } : {}),
});

describe("keys bash reads differently from the effect model", () => {
  it.each<[string, ComputerAction[]]>([
    [
      // bash: ctrl+c (SIGINT) drops the line; the model keeps `x` and reads `xsudo`.
      "ctrl+c drops the line (bash ran `sudo`)",
      [type("x"), key("ctrl+c"), type("sudo"), key("Return")],
    ],
    [
      // xterm sends ESC[1;5H, which readline does not bind: the cursor stays. The model
      // moves it home and reads `dosu`.
      "ctrl+Home leaves the cursor (bash ran `sudo`)",
      [type("su"), key("ctrl+Home"), type("do"), key("Return")],
    ],
    [
      // ESC[1;5F likewise: the model reads `sdou`.
      "ctrl+End leaves the cursor (bash ran `sudo`)",
      [type("do"), key("Home"), type("s"), key("ctrl+End"), type("u"), key("Return")],
    ],
    [
      // xterm's eightBitInput sends Alt+Return as one 8-bit byte; readline does not accept
      // the line. The model takes every Return combination as surely submitting and
      // clears its line, then reads `do`.
      "alt+Return does not submit (bash ran `sudo`)",
      [type("su"), key("alt+Return"), type("do"), key("Return")],
    ],
    [
      // ESC CR is readline's M-C-m (vi-editing-mode), not accept-line; the line stays.
      "Escape Return does not submit (bash ran `sudo`)",
      [type("su"), key("Escape Return"), type("do"), key("Return")],
    ],
    [
      // Alt+# in xterm types `£` (0xA3): no insert-comment, nothing submitted.
      "alt+numbersign types a character (bash ran `sudo`)",
      [type("su"), key("alt+numbersign"), key("BackSpace"), type("do"), key("Return")],
    ],
    [
      // transpose-chars swaps `us` into `su`.
      "ctrl+t transposes (bash ran `sudo`)",
      [type("usdo"), key("Home Right ctrl+t"), key("Return")],
    ],
    [
      // kill-line takes the `x` after the cursor.
      "ctrl+k kills to the end (bash ran `sudo`)",
      [type("sudox"), key("Left ctrl+k"), key("Return")],
    ],
    [
      // unix-line-discard takes `x ` before the cursor.
      "ctrl+u kills to the start (bash ran `sudo`)",
      [type("x sudo"), key("Home Right Right ctrl+u"), key("Return")],
    ],
  ])("refuses what runs `sudo`: %s", (_, actions) => {
    const verdicts = judgeRun(actions);
    expect(
      verdicts.map((v) => v.kind),
      "no action of the sequence was refused",
    ).toContain("deny");
  });
});

describe("an Enter that submits a command nobody approved in that version", () => {
  const shortened = [
    type("rm -rf ~/tmp/cache"),
    key("alt+Return"),
    key("BackSpace", 9),
    key("Return"),
  ];

  it("needs two people for the Return that runs `rm -rf ~/`", () => {
    // The approvers of alt+Return saw `rm -rf ~/tmp/cache`; the line was not submitted,
    // nine BackSpaces made it `rm -rf ~/`, and Return ran that. Checked in bash with
    // `echo abc/xyz`, alt+Return, four BackSpaces, Return: it ran `echo abc`.
    // The line after alt+Return holds what it may have typed (an 8-bit byte nobody can
    // read), so an Enter on it is refused: stricter than two people, never laxer.
    const last = judgeRun(shortened).at(-1)!;
    expect(last.kind === "deny" || (last.kind === "ask" && last.requiredApprovals >= 2)).toBe(true);
  });

  it("refuses that Return, or asks it as high risk, under the example policy (no grant or trust window)", () => {
    const last = judgeRun(shortened, examplePolicy).at(-1)!;
    expect(last.kind === "deny" || (last.kind === "ask" && last.risk === "high")).toBe(true);
  });
});

describe("how long one action takes to judge", () => {
  it("judges 50 rounds of 28 ctrl+h after a click in a long line within a second", () => {
    let input: DesktopInputState = { ...initialInputState };
    for (const action of [
      type("abcdefghij ".repeat(364).slice(0, 4_000)),
      { action: "left_click", coordinate: [640, 400] } satisfies ComputerAction,
    ])
      input = planEffects(action, input).after;
    const keys = key(Array(28).fill("ctrl+h").join(" "), 50);
    expect(validateAction(keys, screen).ok).toBe(true);
    const started = performance.now();
    authorizeAction(keys, { desktop: "desktop-1", input }, commandsNeedTwo);
    const elapsedMs = performance.now() - started;
    expect(elapsedMs, `took ${Math.round(elapsedMs)} ms`).toBeLessThan(1_000);
  });

  it("judges a held BackSpace after a click in a long line within a second", {
    timeout: 300_000,
  }, () => {
    let input: DesktopInputState = { ...initialInputState };
    for (const action of [
      type("abcdefghij ".repeat(364).slice(0, 4_000)),
      { action: "left_click", coordinate: [640, 400] } satisfies ComputerAction,
    ])
      input = planEffects(action, input).after;
    // Held 30 s: 735 presses where the cursor is not known, one run of deletion markers;
    // each reading of the run is built before the 16,384 limit is checked.
    const held: ComputerAction = { action: "hold_key", text: "BackSpace", duration: 30 };
    expect(validateAction(held, screen).ok).toBe(true);
    const started = performance.now();
    authorizeAction(held, { desktop: "desktop-1", input }, commandsNeedTwo);
    const elapsedMs = performance.now() - started;
    expect(elapsedMs, `took ${Math.round(elapsedMs)} ms`).toBeLessThan(1_000);
  });
});

/**
 * A pointer selection in a GUI text field (GTK/Qt entries, browser inputs, Tk, the GNOME
 * run dialog) is replaced by the next character typed. Shift with arrows/Home/End and
 * ctrl+a are read as `removal` (text in a row may go, and typing goes there); so is a
 * selection made with the pointer — a drag, a double click (a word), a triple click (the
 * line), shift+click (from the cursor to the click). Read as a plain click, text typed
 * over such a selection to make `sudo` was never read as `sudo`.
 *
 * Each sequence was sent with xdotool to a Tk 8.6 `entry` (Courier 12, 10 px a character)
 * under Xvfb, and the entry's text read back: it held `sudo` every time. Before, every
 * action was judged ask, one approver, medium risk under the example policy — the kind a
 * grant, a plan card or a trust window covers without a card of its own.
 */
/** The field's text starts at x=3 on y=10; each character is 10 px wide (as in the Tk entry). */
const at = (column: number): [number, number] => [3 + column * 10, 10];

describe("typing over a selection made with the pointer", () => {
  it.each<[string, ComputerAction[]]>([
    [
      // Field: `xx`. Triple click selects it all; `sudo` replaces it: the field holds `sudo`.
      // The model reads `sudoxx`, `xsudox`, `xxsudo` — no word `sudo`.
      "triple click, then type `sudo` (the field holds `sudo`)",
      [type("xx"), { action: "triple_click", coordinate: at(1) }, type("sudo")],
    ],
    [
      // Double click selects the word `xx`; `sudo` replaces it.
      "double click on a word, then type `sudo` (the field holds `sudo`)",
      [type("xx"), { action: "double_click", coordinate: at(1) }, type("sudo")],
    ],
    [
      // Field: `suXo`; a drag over `X` selects it; `d` replaces it: `sudo`. The model
      // places `d` anywhere in `suXo` and never takes the `X` out.
      "drag over one character, then type over it (the field holds `sudo`)",
      [
        type("suXo"),
        { action: "left_click_drag", start_coordinate: at(2), coordinate: at(3) },
        type("d"),
      ],
    ],
    [
      // The same selection with the button pressed and released in two actions.
      "mouse down, mouse up elsewhere, then type over it (the field holds `sudo`)",
      [
        type("suXo"),
        { action: "left_mouse_down", coordinate: at(2) },
        { action: "left_mouse_up", coordinate: at(3) },
        type("d"),
      ],
    ],
    [
      // A click before `X` puts the cursor (and the selection's anchor) there; shift+click
      // after `X` selects it; `d` replaces it: `sudo`.
      "click, then shift+click extends the selection, then type over it (the field holds `sudo`)",
      [
        type("suXo"),
        { action: "left_click", coordinate: at(2) },
        { action: "left_click", coordinate: at(3), text: "shift" },
        type("d"),
      ],
    ],
  ])("refuses typing that makes `sudo` under the example policy: %s", (_, actions) => {
    const verdicts = judgeRun(actions, examplePolicy);
    expect(
      verdicts.map((v) => v.kind),
      `verdicts: ${verdicts.map((v) => `${v.kind}:${v.ruleId}${v.kind === "ask" ? `/${v.requiredApprovals}/${v.risk}` : ""}`).join(", ")}`,
    ).toContain("deny");
  });
});

describe("what a form leaves in the line stays routine", () => {
  it("asks (does not refuse) an Enter in the next program after a form filled with Tab and clicks", () => {
    const at = (x: number): ComputerAction => ({ action: "left_click", coordinate: [x, 300] });
    const verdicts = judgeRun(
      [
        at(1),
        { action: "type", text: "Ada Lovelace" },
        { action: "key", text: "Tab" },
        { action: "type", text: "ada@example.com" },
        { action: "key", text: "Tab" },
        { action: "type", text: "London" },
        at(2),
        { action: "type", text: "correct-horse-battery" },
        at(6),
        { action: "key", text: "ctrl+End" },
        { action: "key", text: "Return" },
        { action: "key", text: "Up" },
      ],
      examplePolicy,
    );
    // The Enter's newline stays at the end of the line: it is not placed with the text
    // typed after a click, where a completion could follow it as a word of its own.
    expect(verdicts.map((v) => v.kind)).not.toContain("deny");
  });
});

/**
 * Fields outside a terminal that keep what Enter sent (a search box, a browser's find bar,
 * where Enter is "find next"), tried against the example policy's `no-sudo` rule. The
 * focused window is read live from the desktop before each action
 * (`DesktopInputStore.read`), so a step may run in another window than the one before it
 * without any click: with focus-follows-mouse a `mouse_move` — allowed by `look-and-move` —
 * gives the window under the pointer the keyboard.
 */
describe("a GUI field that keeps what Enter sent", () => {
  const firefox = { id: "7", title: "Search", className: "firefox" };
  const xterm = { id: "9", title: "bash", className: "XTerm" };
  /** One step: the window that has the keyboard when it runs, and the action. */
  type Step = [typeof firefox, ComputerAction];

  /** Each step's authorisation (the action valid), the input state carried on. */
  const judgeSteps = (steps: Step[]): Authorization[] => {
    let input: DesktopInputState = { ...initialInputState, lineUnknown: false, cursor: 0 };
    return steps.map(([window, action]) => {
      expect(validateAction(action, screen).ok).toBe(true);
      input = { ...input, window };
      const verdict = authorizeAction(action, { desktop: "desktop-1", input }, examplePolicy);
      input = planEffects(action, input).after;
      return verdict;
    });
  };
  const inWindow = (window: typeof firefox, actions: ComputerAction[]) =>
    judgeSteps(actions.map((action): Step => [window, action]));
  const moveTo = (x: number): ComputerAction => ({ action: "mouse_move", coordinate: [x, 300] });
  const split = [type("su"), key("Return"), type("do"), key("Return")];

  it("refuses `su`, Enter, `do` in a search box (the box holds `sudo`)", () => {
    expect(inWindow(firefox, split).map((v) => v.kind)).toContain("deny");
  });

  it("asks a second Enter in a search box as Enter after typing: it may send the kept text again", () => {
    const verdicts = inWindow(firefox, [type("rm -rf ~"), key("Return"), key("Return")]);
    expect(verdicts.at(-1)).toMatchObject({
      kind: "ask",
      ruleId: "submit-after-typing",
      risk: "high",
    });
  });

  it("asks (does not refuse) the same in a terminal, where Enter ran `su` and the line is new", () => {
    expect(inWindow(xterm, split).map((v) => v.kind)).not.toContain("deny");
  });

  it.each<[string, Step[]]>([
    [
      // The search box keeps `s` after its Enter. The terminal's Enter (nothing typed
      // since the send: ask, one approver, medium) once started the one typed line anew,
      // forgetting the `s` still in the search box: `udo` there read only `udo`.
      "send `s` in a search box, Enter in a terminal, `udo` back in the search box",
      [
        [firefox, type("s")],
        [firefox, key("Return")],
        [firefox, moveTo(900)],
        [xterm, key("Return")],
        [xterm, moveTo(100)],
        [firefox, type("udo")],
      ],
    ],
    [
      // No Enter in the search box at all: `s` stays in it; the terminal's Enter once
      // cleared the typed line, and `udo` follows the `s` (the cursor never left it).
      "type `s` in a search box, Enter in a terminal, `udo` back in the search box",
      [
        [firefox, type("s")],
        [firefox, moveTo(900)],
        [xterm, key("Return")],
        [xterm, moveTo(100)],
        [firefox, type("udo")],
      ],
    ],
    [
      // A find bar keeps its text and Enter finds the next match: four Enters, only the
      // first after typing. Each Enter after the first once added an empty send, and the
      // fourth dropped `su` from the line although nothing new was sent.
      "`su`, Enter four times (find next), `do` in a find bar",
      [
        [firefox, type("su")],
        [firefox, key("Return")],
        [firefox, key("Return")],
        [firefox, key("Return")],
        [firefox, key("Return")],
        [firefox, type("do")],
      ],
    ],
    [
      // The same in one action: `Return` pressed three more times with `repeat`.
      "`su`, Enter, Enter repeated three times, `do` in a find bar",
      [
        [firefox, type("su")],
        [firefox, key("Return")],
        [firefox, { action: "key", text: "Return", repeat: 3 }],
        [firefox, type("do")],
      ],
    ],
    [
      // A line longer than half the cap once kept only the last send: the second Enter
      // (nothing typed since the first) dropped the whole line, though the field still
      // held it.
      "a long line ending in ` su`, Enter, Enter, `do` in a search box",
      [
        [firefox, type(`${"x".repeat(2_100)} su`)],
        [firefox, key("Return")],
        [firefox, key("Return")],
        [firefox, type("do")],
      ],
    ],
  ])("refuses what makes the field hold `sudo`: %s", (_, steps) => {
    const verdicts = judgeSteps(steps);
    expect(
      verdicts.map((v) => v.kind),
      `verdicts: ${verdicts.map((v) => `${v.kind}:${v.ruleId}`).join(", ")}`,
    ).toContain("deny");
  });
});
