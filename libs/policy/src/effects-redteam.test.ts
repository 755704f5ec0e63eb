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
 * Inputs that reach a shell in xterm while the effect model reads them as something
 * milder. Each sequence was sent with xdotool to xterm 379 running bash 5.2 under Xvfb
 * (Debian 12, its /etc/inputrc, `LANG=C.UTF-8`), and the line bash ran was read from its
 * history: the expected result is noted on each case.
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

const screen = { width: 1280, height: 800 };

/** Each action's authorisation, judged on the state the ones before it left. */
function judgeRun(actions: ComputerAction[], policy: Policy = commandsNeedTwo): Authorization[] {
  let input: DesktopInputState = { ...initialInputState };
  return actions.map((action) => {
    expect(validateAction(action, screen).ok).toBe(true);
    const verdict = authorizeAction(action, { desktop: "desktop-1", input }, policy);
    input = planEffects(action, input).after;
    return verdict;
  });
}

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
