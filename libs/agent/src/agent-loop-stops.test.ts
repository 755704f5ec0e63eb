import { RecordingComputer } from "@deskgate/desktop/testing";
import { type ScriptStep, turns } from "@deskgate/test-support/fake-anthropic";
import { describe, expect, it } from "vitest";
import { continuePrompt } from "./apply-turn.ts";
import { defaultLimits, harnessPerTest } from "./loop-harness.ts";
import type { AgentEvent } from "./run-outcome.ts";
import { ScriptedGate } from "./testing/scripted-gate.ts";

const harness = harnessPerTest();
const screenshots = (n: number): ScriptStep[] =>
  Array.from({ length: n }, () => turns.action({ action: "screenshot" }));

describe("how a run ends", () => {
  it.each([
    ["end_turn", "finished"],
    ["stop_sequence", "finished"],
    ["refusal", "refused"],
    ["model_context_window_exceeded", "stopped"],
  ] as const)("ends on stop_reason %s as %s, with the model's text", async (stopReason, kind) => {
    const { fake, run, checkpoints } = await harness([turns.text("the last words", stopReason)]);
    const outcome = await run();
    expect(outcome).toMatchObject({ kind, finalText: "the last words", turns: 1 });
    expect(fake.requests).toHaveLength(1);
    expect(checkpoints.at(-1)!.end).toMatchObject({ kind });
  });

  it("sends a paused turn back as it is and continues it", async () => {
    const { fake, run } = await harness([
      turns.text("looking…", "pause_turn"),
      turns.action({ action: "screenshot" }, "now a screenshot"),
      turns.done(),
    ]);
    expect((await run()).kind).toBe("finished");
    expect(fake.requests[1]!.body.messages.at(-1)).toMatchObject({
      role: "assistant",
      content: [{ type: "text", text: "looking…" }],
    });
    // The continuation joins the same assistant message, followed by its tool result.
    const third = fake.requests[2]!.body.messages;
    expect(third.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
    expect((third[1]!.content as unknown[]).length).toBe(3);
  });

  it("asks once to continue a reply cut off at max_tokens, then ends cleanly", async () => {
    const once = await harness([turns.text("partial", "max_tokens"), turns.done()]);
    expect((await once.run()).kind).toBe("finished");
    expect(JSON.stringify(once.fake.requests[1]!.body.messages.at(-1))).toContain(continuePrompt);

    const twice = await harness([
      turns.text("partial", "max_tokens"),
      turns.text("still partial", "max_tokens"),
      turns.done(),
    ]);
    expect(await twice.run()).toMatchObject({ kind: "stopped", finalText: "still partial" });
    expect(twice.fake.requests).toHaveLength(2);
  });

  it("answers the tool calls of a reply cut off at max_tokens", async () => {
    const { fake, computer, run } = await harness([
      {
        content: [
          { type: "tool_use", name: "computer", input: { action: "screenshot" } },
          { type: "tool_use", name: "computer", input: { action: "type" } },
        ],
        stop_reason: "max_tokens",
      },
      turns.done(),
    ]);
    expect((await run()).kind).toBe("finished");
    expect(computer.executed.map((a) => a.action)).toEqual(["screenshot"]);
    const results = fake.requests[1]!.body.messages.at(-1)!.content as Array<
      Record<string, unknown>
    >;
    expect(results.map((r) => r.is_error)).toEqual([undefined, true]);
  });

  it("stops at the step limit without acting past it", async () => {
    const gate = new ScriptedGate();
    const { fake, run } = await harness(
      [
        turns.actions([
          { action: "screenshot" },
          { action: "screenshot" },
          { action: "screenshot" },
        ]),
      ],
      { gate, overrides: { limits: { ...defaultLimits, maxSteps: 2 } } },
    );
    expect(await run()).toMatchObject({ kind: "stopped", reason: "step limit (2) reached" });
    expect(gate.reviewed.map((p) => p.step)).toEqual([1, 2]);
    expect(fake.requests).toHaveLength(1);
  });

  it("stops at the token limit, counting every kind of token", async () => {
    const events: AgentEvent[] = [];
    const usage = {
      input_tokens: 50,
      output_tokens: 10,
      cache_read_input_tokens: 200,
      cache_creation_input_tokens: 40,
    };
    const script = screenshots(5).map((step) => ({ ...(step as object), usage }) as ScriptStep);
    const { run } = await harness(script, {
      overrides: { limits: { ...defaultLimits, maxTokens: 600 }, onEvent: (e) => events.push(e) },
    });
    const outcome = await run();
    expect(outcome).toMatchObject({
      kind: "stopped",
      reason: "token limit (600) reached",
      turns: 2,
    });
    expect(outcome.usage).toEqual({
      inputTokens: 100,
      outputTokens: 20,
      cacheReadInputTokens: 400,
      cacheCreationInputTokens: 80,
    });
    const perTurn = events.filter((e) => e.type === "turn.completed");
    expect(perTurn).toHaveLength(2);
    expect(perTurn[0]).toMatchObject({
      turn: 1,
      stopReason: "tool_use",
      usage: { inputTokens: 50 },
    });
  });

  it("stops at the wall-time limit", async () => {
    let clock = Date.now();
    const { fake, run } = await harness(screenshots(5), {
      overrides: {
        now: () => {
          clock += 25 * 60_000;
          return new Date(clock);
        },
        limits: { ...defaultLimits, maxWallMs: 60 * 60_000 },
      },
    });
    expect(await run()).toMatchObject({ kind: "stopped", reason: "time limit (60 min) reached" });
    expect(fake.requests.length).toBeLessThan(3);
  });

  it("on cancel acts no more and never calls the model again", async () => {
    let cancelled = false;
    const gate = new ScriptedGate((p) => {
      cancelled = true;
      return { kind: "approve", action: p.action };
    });
    const { fake, computer, run } = await harness(
      [
        turns.actions([{ action: "screenshot" }, { action: "left_click", coordinate: [1, 1] }]),
        turns.done(),
      ],
      { gate, overrides: { isCancelled: async () => cancelled } },
    );
    expect(await run()).toMatchObject({ kind: "cancelled" });
    // The approval that raced the stop is not acted on either.
    expect(computer.executed).toEqual([]);
    expect(gate.reviewed).toHaveLength(1);
    expect(fake.requests).toHaveLength(1);
  });

  it("ends the run on the gate's cancel verdict without calling the model", async () => {
    const gate = new ScriptedGate(() => ({ kind: "cancel", reason: "stopped from Slack" }));
    const { fake, computer, run } = await harness(
      [turns.actions([{ action: "screenshot" }, { action: "screenshot" }]), turns.done()],
      { gate },
    );
    expect(await run()).toMatchObject({ kind: "cancelled", reason: "stopped from Slack" });
    expect(gate.reviewed).toHaveLength(1);
    expect(computer.executed).toEqual([]);
    expect(fake.requests).toHaveLength(1);
  });

  it("does not call the model when cancelled before the first turn", async () => {
    const { fake, run } = await harness([turns.done()], {
      overrides: { isCancelled: async () => true },
    });
    expect((await run()).kind).toBe("cancelled");
    expect(fake.requests).toHaveLength(0);
  });

  it("cuts a long action short when the run is stopped while it runs, and releases held input", async () => {
    const computer = new RecordingComputer(
      { width: 1280, height: 800 },
      { durationMs: (action) => (action.action === "type" ? 60_000 : 0) },
    );
    const stopAt = Date.now() + 150;
    const events: AgentEvent[] = [];
    const { fake, run } = await harness(
      [
        turns.actions([
          { action: "type", text: "é".repeat(10_000) },
          { action: "key", text: "Return" },
        ]),
        turns.done(),
      ],
      {
        computer,
        overrides: {
          isCancelled: async () => Date.now() >= stopAt,
          stopPollMs: 20,
          onEvent: (e) => events.push(e),
        },
      },
    );
    const started = Date.now();
    expect(await run()).toMatchObject({ kind: "cancelled", reason: "the run was stopped" });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(computer.stopped.map((a) => a.action)).toEqual(["type"]);
    expect(computer.executed).toEqual([]);
    expect(computer.inputReleases).toBe(1);
    expect(events.filter((e) => e.type === "action.executed")).toEqual([
      expect.objectContaining({ ok: false, error: "the run was stopped" }),
    ]);
    expect(fake.requests).toHaveLength(1);
  });
});
