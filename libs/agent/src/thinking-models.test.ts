import { createLogger } from "@deskgate/core";
import { RecordingComputer } from "@deskgate/desktop/testing";
import {
  blankPng,
  type ScriptStep,
  startFakeAnthropic,
  turns,
} from "@deskgate/test-support/fake-anthropic";
import { describe, expect, it } from "vitest";
import { contextManagementBeta, createAnthropicModel } from "./anthropic-model.ts";
import { countImages, harnessPerTest, testApiKey } from "./loop-harness.ts";
import { ScriptedGate } from "./testing/scripted-gate.ts";

const harness = harnessPerTest();
const thinkingScreenshots = (n: number): ScriptStep[] =>
  Array.from({ length: n }, (_, i) =>
    turns.thinking(
      `Step ${i + 1}: the dialog is still open, so look again.`,
      turns.toolsetActions([{ action: "screenshot" }]),
    ),
  );

describe("a model that binds thinking blocks to the conversation (Opus 5.5)", () => {
  it("never edits what it sent before, leaving old screenshots to the API's clearing", async () => {
    const { fake, run } = await harness([...thinkingScreenshots(20), turns.done()], {
      model: { model: "claude-opus-5-5" },
    });
    expect((await run()).kind).toBe("finished");
    // The fake refuses any request whose history changed before a bound thinking block.
    expect(fake.rejected).toEqual([]);
    const last = fake.requests.at(-1)!;
    expect(countImages(last.body.messages)).toBe(20);
    expect(last.headers["anthropic-beta"]).toBe(contextManagementBeta);
    expect(last.body.thinking).toEqual({ type: "adaptive", display: "summarized" });
    expect(last.body.context_management).toEqual({
      edits: [
        {
          type: "clear_tool_uses_20250919",
          trigger: { type: "input_tokens", value: 50_000 },
          keep: { type: "tool_uses", value: 3 },
          clear_at_least: { type: "input_tokens", value: 20_000 },
        },
      ],
    });
  });

  it("would be refused for editing history before a bound thinking block", async () => {
    const fake = await startFakeAnthropic({
      script: [...thinkingScreenshots(16), turns.done()],
      apiKey: testApiKey,
    });
    const model = createAnthropicModel({
      apiKey: testApiKey,
      baseURL: fake.baseURL,
      model: "claude-opus-5-5",
      logger: createLogger({ level: "silent" }),
    });
    // What the client-side pruning of other models would do to this one.
    const { run } = await harness([], {
      fake,
      overrides: { model: { ...model, context: "client" } },
    });
    const outcome = await run();
    expect(outcome).toMatchObject({
      kind: "failed",
      reason: expect.stringContaining("prefix_binding_mismatch"),
    });
    expect(fake.rejected).toEqual([
      { status: 400, message: expect.stringContaining("prefix_binding_mismatch") },
    ]);
  });
});

describe("summarised thinking", () => {
  it("becomes the approver's 'why' when the turn has no text", async () => {
    const gate = new ScriptedGate();
    const { run } = await harness(
      [
        turns.thinking(
          "The terminal is focused; running date answers the question.",
          turns.action({ action: "type", text: "date\n" }),
        ),
        turns.thinking("ignored", turns.action({ action: "key", text: "Return" }, "Submitting.")),
        turns.done(),
      ],
      { gate, computer: new RecordingComputer() },
    );
    await run();
    expect(gate.reviewed.map((p) => p.rationale)).toEqual([
      "The terminal is focused; running date answers the question.",
      "Submitting.",
    ]);
  });
});

describe("a long run whose screenshots all stay in the request", () => {
  it("stops before a request would pass the API's 32 MB, which the fake refuses", async () => {
    // A 1280×800 PNG header padded to 4 MB: ~5.3 MB per screenshot in base64.
    const heavy = Buffer.concat([blankPng(1280, 800), Buffer.alloc(4 * 1024 * 1024, 7)]);
    const computer = new RecordingComputer({ width: 1280, height: 800 }, { png: heavy });
    const { fake, run } = await harness([...thinkingScreenshots(10), turns.done()], {
      model: { model: "claude-opus-5-5" },
      computer,
    });
    expect(await run()).toMatchObject({
      kind: "stopped",
      reason: "the conversation reached the API's request-size limit (32 MB)",
    });
    expect(fake.rejected).toEqual([]);
    expect(fake.requests).toHaveLength(6);
  });
});
