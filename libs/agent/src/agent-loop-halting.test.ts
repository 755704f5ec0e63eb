import { RecordingComputer } from "@deskgate/desktop/testing";
import { turns } from "@deskgate/test-support/fake-anthropic";
import { describe, expect, it } from "vitest";
import { harnessPerTest, type LoopHarness, lastMessageContent } from "./loop-harness.ts";
import { runStateSchema } from "./run-state.ts";
import { ScriptedGate } from "./testing/scripted-gate.ts";
import { notExecutedText } from "./tool-results.ts";

const harness = harnessPerTest();
const withoutBreakpoint = ({ cache_control: _, ...block }: Record<string, unknown>) => block;
const notExecuted = (id: unknown) => ({
  type: "tool_result",
  tool_use_id: id,
  content: notExecutedText,
  is_error: true,
});
const toolUseIds = (harnessed: LoopHarness) =>
  (harnessed.fake.requests[1]!.body.messages[1]!.content as Array<Record<string, unknown>>)
    .filter((block) => block.type === "tool_use")
    .map((block) => block.id);

describe("a turn with several tool calls stops at its first failure", () => {
  it("answers the calls after a denial 'not executed', without reviewing or acting on them", async () => {
    const gate = new ScriptedGate((p) =>
      p.step === 2
        ? { kind: "deny", reason: "not that one" }
        : { kind: "approve", action: p.action },
    );
    const started = await harness(
      [
        turns.actions([
          { action: "left_click", coordinate: [10, 10] },
          { action: "type", text: "rm -rf ~" },
          { action: "key", text: "Return" },
          { action: "screenshot" },
        ]),
        turns.done(),
      ],
      { gate },
    );
    const outcome = await started.run();
    expect(gate.reviewed.map((p) => p.step)).toEqual([1, 2]);
    expect(started.computer.executed.map((a) => a.action)).toEqual(["left_click"]);
    const [clicked, denied, ...rest] = lastMessageContent(started.fake);
    const ids = toolUseIds(started);
    expect(clicked).toMatchObject({ tool_use_id: ids[0] });
    expect(clicked!.is_error).toBeUndefined();
    expect(denied).toMatchObject({ tool_use_id: ids[1], is_error: true });
    expect(rest.map(withoutBreakpoint)).toEqual([notExecuted(ids[2]), notExecuted(ids[3])]);
    expect(outcome).toMatchObject({ kind: "finished", steps: 4, executed: 1, denied: 1 });
  });

  it("halts after an invalid call and after a failed action, and the next turn acts again", async () => {
    const computer = new RecordingComputer(
      { width: 1280, height: 800 },
      { failOn: (action) => action.action === "type" },
    );
    const gate = new ScriptedGate();
    const started = await harness(
      [
        turns.actions([{ action: "mouse_move" }, { action: "screenshot" }]),
        turns.actions([{ action: "type", text: "boom" }, { action: "screenshot" }]),
        turns.actions([{ action: "screenshot" }, { action: "cursor_position" }]),
        turns.done(),
      ],
      { computer, gate },
    );
    await started.run();
    const first = lastMessageContent(started.fake, 1);
    expect(first[0]).toMatchObject({ is_error: true });
    expect(JSON.stringify(first[0])).toContain("invalid mouse_move input");
    expect(first[1]).toMatchObject({ content: notExecutedText, is_error: true });
    const second = lastMessageContent(started.fake, 2);
    expect(JSON.stringify(second[0])).toContain("The type action failed");
    expect(second[1]).toMatchObject({ content: notExecutedText, is_error: true });
    const third = lastMessageContent(started.fake, 3);
    expect(third.map((r) => r.is_error)).toEqual([undefined, undefined]);
    // Reviewed: the type (which then failed) and the third turn's two calls.
    expect(gate.reviewed.map((p) => p.action.action)).toEqual([
      "type",
      "screenshot",
      "cursor_position",
    ]);
    expect(started.fake.rejected).toEqual([]);
  });

  it("halts the rest of a turn whose action was in flight at a crash", async () => {
    const first = await harness([
      turns.actions([
        { action: "type", text: "rm draft.txt" },
        { action: "key", text: "Return" },
      ]),
      turns.done(),
    ]);
    await first.run();
    const crashed = runStateSchema.parse(
      JSON.parse(JSON.stringify(first.checkpoints.find((s) => s.inFlight))),
    );
    const laterId = crashed.pending[1]!.toolUseId;
    await first.close();
    const gate = new ScriptedGate();
    const second = await harness([turns.done()], { state: crashed, gate });
    await second.run();
    expect(second.computer.executed).toEqual([]);
    expect(gate.reviewed).toEqual([]);
    const [interrupted, after] = lastMessageContent(second.fake);
    expect(JSON.stringify(interrupted)).toMatch(/may or may not have happened/);
    expect(withoutBreakpoint(after!)).toEqual(notExecuted(laterId));
  });
});
