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
import type { Authorization } from "./policy.ts";

/**
 * Fields outside a terminal that keep what Enter sent (a search box, a browser's find bar,
 * where Enter is "find next"), tried against the example policy's `no-sudo` rule. In each
 * sequence the GUI field ends up holding `sudo`, and no action is refused.
 *
 * The focused window is read live from the desktop before each action
 * (`DesktopInputStore.read`), so a step may run in another window than the one before it
 * without any click: with focus-follows-mouse (sloppy focus) a `mouse_move` — allowed by
 * `look-and-move` — gives the window under the pointer the keyboard.
 */
const examplePolicy = loadPolicyFile(
  fileURLToPath(new URL("../../../infra/policy/example-policy.yaml", import.meta.url)),
  { approvalTimeoutMs: 120_000 },
);

const screen = { width: 1280, height: 800 };
const firefox = { id: "7", title: "Search", className: "firefox" };
const xterm = { id: "9", title: "bash", className: "XTerm" };
type Window = typeof firefox;

/** One step: an action and the window that has the keyboard when it runs. */
type Step = [Window, ComputerAction];

/** Each step's authorisation, the input state carried on, the focused window read live. */
function judgeSteps(steps: Step[]): Authorization[] {
  let input: DesktopInputState = { ...initialInputState, lineUnknown: false, cursor: 0 };
  return steps.map(([window, action]) => {
    expect(validateAction(action, screen).ok).toBe(true);
    input = { ...input, window };
    const verdict = authorizeAction(action, { desktop: "desktop-1", input }, examplePolicy);
    input = planEffects(action, input).after;
    return verdict;
  });
}

const shown = (verdicts: Authorization[]) =>
  verdicts
    .map(
      (v) => `${v.kind}:${v.ruleId}${v.kind === "ask" ? `/${v.requiredApprovals}/${v.risk}` : ""}`,
    )
    .join(", ");

const type = (text: string): ComputerAction => ({ action: "type", text });
const key = (text: string): ComputerAction => ({ action: "key", text });
const moveTo = (x: number): ComputerAction => ({ action: "mouse_move", coordinate: [x, 300] });

describe("a GUI field that keeps what Enter sent, tried as an attacker", () => {
  it.each<[string, Step[]]>([
    [
      // The search box keeps `s` after its Enter. The terminal's Enter (nothing typed
      // since the send: ask, one approver, medium) starts the one typed line anew, and
      // the `s` still in the search box is forgotten: `udo` there reads only `udo`.
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
      // No Enter in the search box at all: `s` stays in it, the terminal's Enter clears
      // the typed line, and `udo` follows the `s` (the cursor never left it).
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
      // first after typing. Every Enter after the first adds an empty send, and the fourth
      // drops `su` from the line although nothing new was sent.
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
      // A line longer than half the cap keeps only the last send: the second Enter (nothing
      // typed since the first) drops the whole line, though the field still holds it —
      // not the "last three sends" the security notes promise.
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
      `verdicts: ${shown(verdicts)}`,
    ).toContain("deny");
  });
});
