import type { ComputerAction } from "@deskgate/contracts";
import { describe, expect, it } from "vitest";
import { decisionAuditEvents } from "./decision-audit-event.ts";
import { executedVersusScript } from "./executed-versus-script.ts";

const runId = "run_versusScript1";
const at = "2026-11-30T10:00:00.000Z";
const ran = (step: number, action: ComputerAction, ok = true) => ({
  type: "action.executed",
  runId,
  at,
  step,
  action,
  ok,
  durationMs: 1,
});
const script: ComputerAction[] = [
  { action: "screenshot" },
  { action: "type", text: "ls" },
  { action: "key", text: "Return" },
];

describe("executedVersusScript", () => {
  it("finds nothing when every step ran once, as scripted", () => {
    const events = decisionAuditEvents(script.map((action, index) => ran(index + 1, action)));
    expect(executedVersusScript(events, script)).toEqual([]);
  });

  it("names a step that never ran, ran twice, ran something else, failed, or is not in the script", () => {
    const events = decisionAuditEvents([
      ran(1, { action: "screenshot" }),
      ran(1, { action: "screenshot" }),
      ran(2, { action: "type", text: "rm" }),
      ran(4, { action: "key", text: "Return" }),
    ]);
    expect(executedVersusScript(events, script)).toEqual([
      "step 1 ran 2 times",
      'step 2 ran {"action":"type","text":"rm"}, the script says {"action":"type","text":"ls"}',
      "step 3 (key) never ran",
      "steps the script does not have ran: 4",
    ]);
    const failed = decisionAuditEvents([ran(1, { action: "screenshot" }, false)]);
    expect(executedVersusScript(failed, script.slice(0, 1))).toEqual([
      "step 1 (screenshot) failed",
    ]);
  });
});
