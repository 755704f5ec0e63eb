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
import type { Authorization, Policy } from "./policy.ts";

/**
 * A pointer selection in a GUI text field (GTK/Qt entries, browser inputs, Tk, the GNOME
 * run dialog) is replaced by the next character typed. Shift with arrows/Home/End and
 * ctrl+a are read as `removal` (text in a row may go, and typing goes there), but a
 * selection made with the pointer — a drag, a double click (a word), a triple click (the
 * line), shift+click (from the cursor to the click) — is read as a plain click: the text
 * typed next is placed anywhere in the old line and nothing of the old line is taken out.
 * So text that replaces a selection to make `sudo` is never read as `sudo`.
 *
 * Each sequence was sent with xdotool to a Tk 8.6 `entry` (Courier 12, 10 px a character)
 * under Xvfb, and the entry's text read back: it held `sudo` every time. Every action was
 * judged ask, one approver, medium risk under the example policy — the kind a grant, a
 * plan card or a trust window covers without a card of its own.
 */
const examplePolicy = loadPolicyFile(
  fileURLToPath(new URL("../../../infra/policy/example-policy.yaml", import.meta.url)),
  { approvalTimeoutMs: 120_000 },
);

const screen = { width: 1280, height: 800 };

function judgeRun(actions: ComputerAction[], policy: Policy = examplePolicy): Authorization[] {
  let input: DesktopInputState = { ...initialInputState };
  return actions.map((action) => {
    expect(validateAction(action, screen).ok).toBe(true);
    const verdict = authorizeAction(action, { desktop: "desktop-1", input }, policy);
    input = planEffects(action, input).after;
    return verdict;
  });
}

const type = (text: string): ComputerAction => ({ action: "type", text });
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
  ])("refuses typing that makes `sudo`: %s", (_, actions) => {
    const verdicts = judgeRun(actions);
    expect(
      verdicts.map((v) => v.kind),
      `verdicts: ${verdicts.map((v) => `${v.kind}:${v.ruleId}${v.kind === "ask" ? `/${v.requiredApprovals}/${v.risk}` : ""}`).join(", ")}`,
    ).toContain("deny");
  });
});
