import type { ComputerAction, Coordinate } from "@deskgate/contracts";
import { describe, expect, it } from "vitest";
import { approveAlone } from "./support/attack-runs.ts";
import { gateHarnessPerTest } from "./support/direct-gate.ts";
import { commandsNeedTwo } from "./support/policies.ts";

/**
 * Attacks on the effect model through the real gate (Lua votes and policy over a real
 * Redis): input that may submit a typed command or type `sudo`, read by the effect model
 * as something milder. One approver plays each run out; what ran is checked.
 */
const typeCommand: ComputerAction = { action: "type", text: "rm -rf ~/x" };
const enter: ComputerAction = { action: "key", text: "Return" };
const terminal: Coordinate = [640, 400];

const each = gateHarnessPerTest();

/** Plays the run out with one approver; the steps that ran and the ones refused. */
async function aloneRun(actions: ComputerAction[]) {
  await each.harness.startDesktop({ actions, policy: commandsNeedTwo });
  const run = await each.harness.startRun();
  const outcome = await approveAlone(each.harness, run.runId, "U_BOB");
  const executed = (await each.harness.executed(run.runId)).map((e) => e.step);
  const denied = (await each.harness.denied(run.runId)).map((d) => d.step);
  return { outcome, executed, denied };
}

describe("input that may submit a typed command needs two people", () => {
  it.each<[string, ComputerAction[]]>([
    ["ctrl+v", [{ action: "key", text: "ctrl+v" }]],
    ["Escape then numbersign (readline's Meta-#)", [{ action: "key", text: "Escape numbersign" }]],
    [
      "Escape, then # typed next",
      [
        { action: "key", text: "Escape" },
        { action: "type", text: "#" },
      ],
    ],
    ["ctrl+x ctrl+e (edit and run)", [{ action: "key", text: "ctrl+x ctrl+e" }]],
    ["a middle click on the terminal", [{ action: "middle_click", coordinate: terminal }]],
  ])("one approver cannot run a typed command with %s", async (_, keys) => {
    const { outcome, executed } = await aloneRun([typeCommand, ...keys]);
    const last = keys.length + 1;
    expect(executed, "the submitting step ran on one approval").not.toContain(last);
    expect(outcome.kind === "needs_more" || !executed.includes(last)).toBe(true);
  });
});

describe("text the typed line does not show is taken as possibly `sudo`", () => {
  it.each<[string, ComputerAction[]]>([
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
      "`su` typed before `do ls` after a click",
      [
        { action: "type", text: "do ls" },
        { action: "left_click", coordinate: terminal },
        { action: "type", text: "su" },
        enter,
      ],
    ],
    ["a line continued with a backslash", [{ action: "type", text: "su\\\ndo ls\n" }]],
  ])("refuses %s", async (_, actions) => {
    const { denied, executed } = await aloneRun(actions);
    expect(denied, "no-sudo never matched").not.toEqual([]);
    expect(executed).not.toContain(actions.length);
  });
});
