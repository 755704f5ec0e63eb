import type { ComputerAction, TokenUsage } from "@deskgate/contracts";
import { RecordingComputer } from "@deskgate/desktop/testing";
import { validateAction } from "@deskgate/effects";
import { blankPng, type ScriptStep, turns } from "@deskgate/test-support/fake-anthropic";
import { describe, expect, it } from "vitest";
import { removedScreenshotText } from "./conversation.ts";
import { countImages, harnessPerTest, lastMessageContent } from "./loop-harness.ts";
import { ScriptedGate } from "./testing/scripted-gate.ts";

const harness = harnessPerTest();

describe("answering the model's tool calls", () => {
  it("answers several tool_use blocks in one user message, in order, each with a screenshot", async () => {
    const gate = new ScriptedGate();
    const { fake, computer, run } = await harness(
      [
        turns.actions(
          [
            { action: "left_click", coordinate: [10, 20] },
            { action: "type", text: "date" },
            { action: "key", text: "Return" },
          ],
          "I'll open the terminal and run date.",
        ),
        turns.done("It is Tuesday."),
      ],
      { gate },
    );
    const outcome = await run();
    expect(outcome).toMatchObject({ kind: "finished", finalText: "It is Tuesday.", steps: 3 });
    const assistant = fake.requests[1]!.body.messages[1]!.content as Array<Record<string, unknown>>;
    const toolUseIds = assistant.filter((b) => b.type === "tool_use").map((b) => b.id);
    expect(toolUseIds).toHaveLength(3);
    const results = lastMessageContent(fake);
    expect(results.map((r) => [r.type, r.tool_use_id, r.is_error])).toEqual(
      toolUseIds.map((id) => ["tool_result", id, undefined]),
    );
    expect(results.map(countImages)).toEqual([1, 1, 1]);
    expect(computer.executed.map((a) => a.action)).toEqual(["left_click", "type", "key"]);
    expect(gate.reviewed.map((p) => [p.step, p.toolUseId, p.rationale])).toEqual(
      toolUseIds.map((id, i) => [i + 1, id, "I'll open the terminal and run date."]),
    );
  });

  it("returns screenshot and zoom as the image itself and cursor_position as text", async () => {
    const { fake, computer, run } = await harness([
      turns.actions([
        { action: "mouse_move", coordinate: [40, 50] },
        { action: "cursor_position" },
        { action: "screenshot" },
        { action: "zoom", region: [0, 0, 100, 100] },
      ]),
      turns.done(),
    ]);
    await run();
    const results = lastMessageContent(fake);
    expect(results[1]!.content).toEqual([{ type: "text", text: "X=40, Y=50" }]);
    expect(results.map(countImages)).toEqual([1, 0, 1, 1]);
    // One capture after the move, one each for screenshot and zoom; none for the cursor.
    expect(computer.screenshotsTaken).toBe(3);
  });

  it("removes old screenshots in batches: past keep + batch, down to keep", async () => {
    const script: ScriptStep[] = Array.from({ length: 16 }, (_, i) =>
      turns.action({ action: "mouse_move", coordinate: [i, i] }),
    );
    const { fake, run } = await harness([...script, turns.done()]);
    await run();
    // keepScreenshots 3, batch 10: the 15th request would carry 14, so it carries 3.
    expect(fake.requests.map((r) => countImages(r.body.messages))).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 3, 4, 5,
    ]);
    const sent = fake.requests.at(-1)!.body.messages;
    expect(JSON.stringify(sent).split(removedScreenshotText).length - 1).toBe(11);
    // The newest survive: the last tool results.
    expect(
      sent
        .slice(-5)
        .filter((m) => m.role === "user")
        .map(countImages),
    ).toEqual([1, 1, 1]);
  });

  it("reads most input tokens from the prompt cache from the second batch on", async () => {
    const computer = new RecordingComputer(
      { width: 1280, height: 800 },
      { png: blankPng(1280, 800) },
    );
    const usages: TokenUsage[] = [];
    const script = Array.from({ length: 40 }, () => turns.action({ action: "screenshot" }));
    const { fake, run } = await harness([...script, turns.done()], {
      computer,
      overrides: {
        onEvent: (e) => {
          if (e.type === "turn.completed") usages.push(e.usage);
        },
      },
    });
    await run();
    expect(fake.rejected).toEqual([]);
    // The first batch is pruned at the 15th request; count from there.
    const later = usages.slice(14);
    const read = later.reduce((sum, u) => sum + u.cacheReadInputTokens, 0);
    const all = later.reduce(
      (sum, u) => sum + u.cacheReadInputTokens + u.cacheCreationInputTokens + u.inputTokens,
      0,
    );
    // Measured 0.84; one request in eleven rereads only the tools and system prompt.
    expect(read / all).toBeGreaterThan(0.75);
  });

  it("returns a denial's reason to the model as an error and does not act", async () => {
    const gate = new ScriptedGate(() => ({ kind: "deny", reason: "wrong window" }));
    const { fake, computer, run } = await harness(
      [turns.action({ action: "left_click", coordinate: [5, 5] }), turns.done()],
      { gate },
    );
    const outcome = await run();
    expect(computer.executed).toEqual([]);
    expect(lastMessageContent(fake)[0]).toMatchObject({
      type: "tool_result",
      is_error: true,
      content: [{ type: "text", text: "The user denied this action: wrong window" }],
    });
    expect(outcome).toMatchObject({ kind: "finished", denied: 1, executed: 0 });
  });

  it("executes an edited action and tells the model what changed", async () => {
    const edited: ComputerAction = { action: "type", text: "date -u" };
    const gate = new ScriptedGate(() => ({
      kind: "approve",
      action: edited,
      note: 'The reviewer changed the text to "date -u".',
    }));
    const { fake, computer, run } = await harness(
      [turns.action({ action: "type", text: "date" }), turns.done()],
      { gate },
    );
    await run();
    expect(computer.executed).toEqual([edited]);
    expect(lastMessageContent(fake)[0]!.content).toEqual([
      { type: "text", text: 'The reviewer changed the text to "date -u".' },
      expect.objectContaining({ type: "image" }),
    ]);
  });

  it("never sends invalid input to the gate or the desktop, and goes on", async () => {
    const gate = new ScriptedGate();
    const invalid = [
      { action: "teleport" },
      { action: "left_click", coordinate: [5000, 5] },
      { action: "mouse_move" },
      { action: "scroll", scroll_direction: "down", scroll_amount: -1 },
      { action: "type", text: "x".repeat(1_000_000) },
      { action: "left_click_drag", coordinate: [1, 1], start_coordinate: [1, 900] },
    ];
    const { fake, computer, run } = await harness(
      [
        ...invalid.map((input) => turns.action(input)),
        turns.action({ action: "screenshot" }),
        turns.done(),
      ],
      { gate },
    );
    const outcome = await run();
    const results = invalid.map((_, i) => lastMessageContent(fake, i + 1)[0]!);
    expect(results.every((r) => r.is_error === true)).toBe(true);
    const texts = results.map((r) => JSON.stringify(r.content));
    expect(texts.every((t) => t.includes("Not executed: "))).toBe(true);
    expect(texts[0]).toMatch(/unknown action 'teleport'/);
    expect(texts[1]).toMatch(/coordinate \[5000, 5\] is outside the 1280×800 screen/);
    expect(texts[2]).toMatch(/invalid mouse_move input/);
    expect(texts[5]).toMatch(/start_coordinate \[1, 900\] is outside/);
    expect(gate.reviewed.map((p) => p.action.action)).toEqual(["screenshot"]);
    expect(computer.executed.map((a) => a.action)).toEqual(["screenshot"]);
    expect(outcome).toMatchObject({ kind: "finished", invalid: 6, steps: 7 });
  });

  it("uses an injected validator (the desktop's, which knows key names)", async () => {
    const gate = new ScriptedGate();
    const { fake, run } = await harness(
      [turns.action({ action: "key", text: "ctrl+Hyperr" }), turns.done()],
      { gate, overrides: { validate: validateAction } },
    );
    await run();
    expect(lastMessageContent(fake)[0]).toMatchObject({ is_error: true });
    expect(gate.reviewed).toEqual([]);
  });

  it("reports a failed action to the model as an error and goes on", async () => {
    const computer = new RecordingComputer(
      { width: 1280, height: 800 },
      { failOn: (action) => action.action === "type" },
    );
    const { fake, run } = await harness(
      [turns.action({ action: "type", text: "boom" }), turns.done()],
      { computer },
    );
    const outcome = await run();
    expect(lastMessageContent(fake)[0]).toMatchObject({
      is_error: true,
      content: [{ type: "text", text: "The type action failed: scripted failure for type" }],
    });
    expect(outcome).toMatchObject({ kind: "finished", executed: 0 });
  });

  it("answers a call to a tool it never offered with an error", async () => {
    const { fake, computer, run } = await harness([
      {
        content: [{ type: "tool_use", name: "bash", input: { command: "ls" } }],
        stop_reason: "tool_use",
      },
      turns.done(),
    ]);
    await run();
    expect(lastMessageContent(fake)[0]).toMatchObject({ is_error: true });
    expect(JSON.stringify(lastMessageContent(fake)[0])).toContain('Unknown tool \\"bash\\"');
    expect(computer.executed).toEqual([]);
  });
});
