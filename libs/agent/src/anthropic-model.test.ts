import { AppError, createLogger } from "@deskgate/core";
import {
  type FakeAnthropic,
  type ScriptStep,
  startFakeAnthropic,
  turns,
} from "@deskgate/test-support/fake-anthropic";
import { afterEach, describe, expect, it } from "vitest";
import { createAnthropicModel } from "./anthropic-model.ts";
import {
  type LoopHarness,
  lastMessageContent,
  startLoopHarness,
  testApiKey,
} from "./loop-harness.ts";
import type { AgentEvent } from "./run-outcome.ts";
import { ScriptedGate } from "./testing/scripted-gate.ts";
import { notExecutedText } from "./tool-results.ts";

const silent = createLogger({ level: "silent" });
const screen = { width: 1024, height: 768 };
const fakes: Array<FakeAnthropic | LoopHarness> = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});
async function fakeApi(script: ScriptStep[]) {
  const fake = await startFakeAnthropic({ script, apiKey: testApiKey });
  fakes.push(fake);
  return fake;
}
async function harness(...args: Parameters<typeof startLoopHarness>) {
  const started = await startLoopHarness(...args);
  fakes.push(started);
  return started;
}
const oneTurn = (fake: FakeAnthropic, model: string, logger = silent) =>
  createAnthropicModel({ apiKey: testApiKey, baseURL: fake.baseURL, model, logger }).createTurn({
    system: "be careful",
    messages: [{ role: "user", content: [{ type: "text", text: "hello" }] }],
    screen,
    keepScreenshots: 3,
  });

describe("the Anthropic model adapter", () => {
  it.each([
    ["claude-sonnet-4-6", "computer_20251124", "computer-use-2025-11-24", true],
    ["claude-haiku-4-5-20251001", "computer_20250124", "computer-use-2025-01-24", false],
    ["claude-3-5-sonnet-20241022", "computer_20241022", "computer-use-2024-10-22", false],
  ])("sends %s the %s tool with the %s beta", async (model, type, beta, zoom) => {
    const fake = await fakeApi([turns.done("hi")]);
    const turn = await oneTurn(fake, model);
    expect(turn).toMatchObject({ stopReason: "end_turn", content: [{ type: "text", text: "hi" }] });
    const request = fake.requests[0]!;
    expect(request.headers["anthropic-beta"]).toBe(beta);
    expect(request.body.model).toBe(model);
    expect(request.body.tools).toEqual([
      {
        type,
        name: "computer",
        display_width_px: 1024,
        display_height_px: 768,
        ...(zoom ? { enable_zoom: true } : {}),
      },
    ]);
  });

  it("reaches the API at baseURL with the key and a version header", async () => {
    const fake = await fakeApi([turns.done()]);
    await oneTurn(fake, "claude-sonnet-4-6");
    const { headers } = fake.requests[0]!;
    expect(headers["x-api-key"] ?? headers.authorization).toMatch(/^(Bearer )?sk-ant-test-key$/);
    expect(headers["anthropic-version"]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(fake.rejected).toEqual([]);
  });

  it("puts cache breakpoints on the system prompt and the latest user turn only", async () => {
    const fake = await fakeApi([turns.done()]);
    await oneTurn(fake, "claude-sonnet-4-6");
    const { body } = fake.requests[0]!;
    expect(body.system).toEqual([
      { type: "text", text: "be careful", cache_control: { type: "ephemeral" } },
    ]);
    expect(body.messages.at(-1)!.content).toEqual([
      { type: "text", text: "hello", cache_control: { type: "ephemeral" } },
    ]);
    expect(JSON.stringify(body).split("cache_control").length - 1).toBe(2);
  });

  it("reports usage including the cache fields", async () => {
    const fake = await fakeApi([
      {
        ...turns.done(),
        usage: {
          input_tokens: 7,
          output_tokens: 3,
          cache_read_input_tokens: 900,
          cache_creation_input_tokens: 40,
        },
      },
    ]);
    expect((await oneTurn(fake, "claude-sonnet-4-6")).usage).toEqual({
      inputTokens: 7,
      outputTokens: 3,
      cacheReadInputTokens: 900,
      cacheCreationInputTokens: 40,
    });
  });

  it("offers an unknown model the newest beta tool and logs a warning", async () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: "warn",
      destination: { write: (l: string) => void lines.push(l) },
    });
    const fake = await fakeApi([turns.done()]);
    await oneTurn(fake, "claude-future-9", logger);
    expect(fake.requests[0]!.headers["anthropic-beta"]).toBe("computer-use-2025-11-24");
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({
        level: "warn",
        model: "claude-future-9",
        tool: "computer_20251124",
      }),
    ]);
  });

  it("speaks the GA computer toolset to the models that need it: no beta, one tool per action", async () => {
    const { fake, run, computer, gate } = await harness(
      [
        turns.toolsetActions(
          [
            { action: "left_click", coordinate: [640, 400] },
            { action: "key", text: "ctrl+l", repeat: 2 },
            { action: "launch_missiles" },
            { action: "type" },
          ],
          "Clicking into the page, then focusing the address bar twice.",
        ),
        turns.done("Done."),
      ],
      { model: { model: "claude-haiku-5-5" }, gate: new ScriptedGate() },
    );
    expect((await run()).kind).toBe("finished");
    const first = fake.requests[0]!;
    expect(first.headers["anthropic-beta"]).toBeUndefined();
    expect(first.body.tools).toEqual([{ type: "computer_toolset_20260801" }]);
    // Each member call became the same action the beta tool would have carried.
    expect(computer.executed).toEqual([
      { action: "left_click", coordinate: [640, 400] },
      { action: "key", text: "ctrl+l", repeat: 2 },
    ]);
    expect((gate as ScriptedGate).reviewed[0]!.rationale).toContain("Clicking into the page");
    // Every answer names the toolset back, in order; the bad calls come back as errors.
    expect(fake.rejected).toEqual([]);
    const answers = lastMessageContent(fake) as Array<Record<string, unknown>>;
    expect(answers.map((a) => [a.type, a.toolset_name, a.is_error ?? false])).toEqual([
      ["tool_result", "computer", false],
      ["tool_result", "computer", false],
      ["tool_result", "computer", true],
      ["tool_result", "computer", true],
    ]);
    expect(JSON.stringify(answers[2])).toContain("unknown action 'launch_missiles'");
    // The first failure halts the turn: the rest is answered as the SDK's runner does.
    expect(answers[3]!.content).toBe(notExecutedText);
  });

  it("answers a toolset turn with a denied middle action exactly as the SDK's runner would", async () => {
    const member = (id: string, name: string, input: Record<string, unknown>) => ({
      type: "tool_use" as const,
      id,
      name,
      input,
      toolset_name: "computer",
      caller: { type: "direct" as const },
    });
    const gate = new ScriptedGate((p) =>
      p.action.action === "type"
        ? { kind: "deny", reason: "not in that window" }
        : { kind: "approve", action: p.action },
    );
    const { fake, run, computer } = await harness(
      [
        {
          content: [
            { type: "text", text: "Focus the terminal, type the command, run it." },
            member("toolu_01", "left_click", { coordinate: [200, 60] }),
            member("toolu_02", "type", { text: "shutdown now" }),
            member("toolu_03", "key", { text: "Return" }),
          ],
          stop_reason: "tool_use",
        },
        turns.done("Stopped."),
      ],
      { model: { model: "claude-opus-5-5" }, gate },
    );
    expect((await run()).kind).toBe("finished");
    expect(gate.reviewed.map((p) => p.toolUseId)).toEqual(["toolu_01", "toolu_02"]);
    expect(computer.executed).toEqual([{ action: "left_click", coordinate: [200, 60] }]);
    expect(fake.rejected).toEqual([]);
    // The exact tool_results sent (the screenshot is the test computer's 1×1 PNG).
    expect(lastMessageContent(fake)).toEqual([
      {
        type: "tool_result",
        tool_use_id: "toolu_01",
        content: [
          {
            type: "image",
            source: { type: "base64", media_type: "image/png", data: expect.any(String) },
          },
        ],
        toolset_name: "computer",
      },
      {
        type: "tool_result",
        tool_use_id: "toolu_02",
        content: [{ type: "text", text: "The user denied this action: not in that window" }],
        is_error: true,
        toolset_name: "computer",
      },
      {
        type: "tool_result",
        tool_use_id: "toolu_03",
        content: "Not executed: an earlier computer action in this turn failed.",
        is_error: true,
        toolset_name: "computer",
        cache_control: { type: "ephemeral" },
      },
    ]);
  });

  it("turns a rejected request into a non-retryable error", async () => {
    const fake = await fakeApi([{ fail: 400, errorType: "invalid_request_error" }]);
    const error = await oneTurn(fake, "claude-sonnet-4-6").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "model_http_400", retryable: false });
  });
});

describe("riding out API trouble", () => {
  it("lets the SDK retry 429, 529 and 500, and the run completes", async () => {
    const { fake, run } = await harness(
      [
        { fail: 429, retryAfterSeconds: 0, retryAfterMs: 1 },
        { fail: 529, retryAfterMs: 1 },
        { fail: 500, retryAfterMs: 1 },
        turns.done(),
      ],
      { model: { maxRetries: 3 } },
    );
    expect((await run()).kind).toBe("finished");
    expect(fake.requests.map((r) => r.headers["x-stainless-retry-count"])).toEqual([
      "0",
      "1",
      "2",
      "3",
    ]);
  });

  it("backs off and tries again when the SDK's retries are spent, until it works", async () => {
    const events: AgentEvent[] = [];
    const { fake, run } = await harness(
      [{ fail: 500 }, { fail: 503 }, { fail: 529 }, { hang: true }, { fail: 429 }, turns.done()],
      {
        model: { maxRetries: 0, timeoutMs: 150 },
        overrides: {
          modelRetry: { firstDelayMs: 20, maxDelayMs: 40 },
          onEvent: (e) => events.push(e),
        },
      },
    );
    const started = performance.now();
    expect((await run()).kind).toBe("finished");
    // Waits of 20, 40, 40, 40, 40 ms (doubling, capped), plus the 150 ms timeout.
    expect(performance.now() - started).toBeGreaterThanOrEqual(330);
    expect(fake.requests).toHaveLength(6);
    expect(
      events.filter((e) => e.type === "model.retrying").map((e) => "attempt" in e && e.attempt),
    ).toEqual([1, 2, 3, 4, 5]);
  });

  it("ends the run as stopped when a stop arrives during an outage", async () => {
    let cancelled = false;
    const { fake, run } = await harness([{ fail: 503 }, { fail: 503 }, turns.done()], {
      model: { maxRetries: 0 },
      overrides: {
        isCancelled: async () => cancelled,
        onEvent: (e) => {
          if (e.type === "model.retrying") cancelled = true;
        },
      },
    });
    expect(await run()).toMatchObject({ kind: "cancelled", reason: "the run was stopped" });
    expect(fake.requests).toHaveLength(1);
  });

  it("fails the run once an outage outlasts the run's time limit", async () => {
    const { run } = await harness(
      Array.from({ length: 40 }, () => ({ fail: 503 })),
      {
        model: { maxRetries: 0 },
        overrides: {
          modelRetry: { firstDelayMs: 10, maxDelayMs: 40 },
          limits: { maxSteps: 5, maxWallMs: 400, maxTokens: 1e6, keepScreenshots: 3 },
        },
      },
    );
    expect(await run()).toMatchObject({
      kind: "failed",
      reason: expect.stringMatching(/stayed unavailable until the run's time limit/),
    });
  });
});
