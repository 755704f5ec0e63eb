import { turns } from "@deskgate/test-support/fake-anthropic";
import { describe, expect, it } from "vitest";
import { countImages, harnessPerTest, lastMessageContent } from "./loop-harness.ts";
import { runStateSchema } from "./run-state.ts";
import { ScriptedGate } from "./testing/scripted-gate.ts";

const harness = harnessPerTest();

/** What a checkpoint store does: JSON out, JSON in, parsed at the boundary. */
const throughJson = (state: unknown) => runStateSchema.parse(JSON.parse(JSON.stringify(state)));

class Parked extends Error {}

describe("resuming a run from its checkpoint", () => {
  it("resumes after a gate that parked the run, on the same step and tool_use", async () => {
    const first = await harness(
      [
        turns.actions([{ action: "screenshot" }, { action: "left_click", coordinate: [3, 4] }]),
        turns.done(),
      ],
      {
        gate: new ScriptedGate((p) => {
          if (p.action.action === "left_click") throw new Parked("waiting for a decision");
          return { kind: "approve", action: p.action };
        }),
      },
    );
    await expect(first.run()).rejects.toBeInstanceOf(Parked);
    expect(first.computer.executed.map((a) => a.action)).toEqual(["screenshot"]);
    expect(first.fake.requests).toHaveLength(1);
    const saved = throughJson(first.checkpoints.at(-1));
    const parkedAt = (first.gate as ScriptedGate).reviewed.at(-1)!;
    expect(saved.pending[0]).toMatchObject({ toolUseId: parkedAt.toolUseId, step: 2 });

    // Another process: same API (its script goes on), a new gate and computer, the checkpoint.
    const gate = new ScriptedGate();
    const second = await harness([], { fake: first.fake, gate, state: saved });
    expect((await second.run()).kind).toBe("finished");
    expect(gate.reviewed).toEqual([
      expect.objectContaining({ step: 2, toolUseId: parkedAt.toolUseId }),
    ]);
    expect(second.computer.executed).toEqual([{ action: "left_click", coordinate: [3, 4] }]);
    const results = lastMessageContent(first.fake);
    const assistant = first.fake.requests[1]!.body.messages[1]!.content as Array<
      Record<string, unknown>
    >;
    const ids = assistant.filter((b) => b.type === "tool_use").map((b) => b.id);
    expect(results.map((r) => r.tool_use_id)).toEqual(ids);
    expect(first.fake.requests).toHaveLength(2);
  });

  it("never replays an action that was in flight at a crash", async () => {
    const first = await harness([
      turns.action({ action: "type", text: "rm draft.txt" }),
      turns.done(),
    ]);
    await first.run();
    // The crash: take the checkpoint written just before the action started.
    const crashed = throughJson(first.checkpoints.find((s) => s.inFlight));
    expect(crashed.inFlight).toMatchObject({ step: 1, action: { action: "type" } });
    const toolUseId = crashed.inFlight!.toolUseId;
    await first.close();

    const second = await harness([turns.done()], { state: crashed });
    await second.run();
    expect(second.computer.executed).toEqual([]);
    // Keys the dead process held are released before the model hears of it.
    expect(second.computer.inputReleases).toBe(1);
    const [result] = lastMessageContent(second.fake);
    expect(result).toMatchObject({ tool_use_id: toolUseId, is_error: true });
    expect(JSON.stringify(result!.content)).toMatch(/may or may not have happened/);
    expect(countImages(result)).toBe(1);
  });

  it("checkpoints before the review, before the action and after it", async () => {
    const { checkpoints, run } = await harness([
      turns.action({ action: "screenshot" }),
      turns.done(),
    ]);
    await run();
    const marks = checkpoints.map((s) =>
      s.end
        ? "end"
        : s.inFlight
          ? "in-flight"
          : `pending=${s.pending.length} results=${s.results.length}`,
    );
    expect(marks).toEqual([
      "pending=1 results=0", // after the model's turn
      "pending=1 results=0", // just before the gate
      "in-flight",
      "pending=0 results=1", // the answer recorded, the mark cleared
      "end",
    ]);
  });

  it("returns the same outcome for a state that has already ended, calling nothing", async () => {
    const first = await harness([turns.done("all set")]);
    const outcome = await first.run();
    const again = await harness([], { state: throughJson(first.checkpoints.at(-1)) });
    expect(await again.run()).toEqual(outcome);
    expect(again.fake.requests).toHaveLength(0);
  });
});
