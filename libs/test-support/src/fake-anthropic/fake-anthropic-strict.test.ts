import { afterEach, describe, expect, it } from "vitest";
import { blankPng } from "./blank-png.ts";
import { startFakeAnthropic } from "./fake-anthropic.ts";
import type { FakeAnthropic, ScriptStep } from "./fake-anthropic-types.ts";
import { turns } from "./message-builders.ts";

const open: FakeAnthropic[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((f) => f.close()));
});
async function fake(script: ScriptStep[]) {
  const started = await startFakeAnthropic({ script });
  open.push(started);
  return started;
}
type Json = Record<string, unknown>;
const post = async (f: FakeAnthropic, body: unknown, betas?: string) => {
  const response = await fetch(`${f.baseURL}/v1/messages`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "anthropic-version": "2023-06-01",
      "x-api-key": "k",
      ...(betas ? { "anthropic-beta": betas } : {}),
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Json };
};
const errorOf = (reply: { json: Json }) => reply.json.error as { message: string; details?: Json };
const image = (width: number, height: number) => ({
  type: "image",
  source: {
    type: "base64",
    media_type: "image/png",
    data: blankPng(width, height).toString("base64"),
  },
});
const ask = (model: string, extra: Json = {}) => ({
  model,
  max_tokens: 2_000,
  messages: [{ role: "user", content: "go" }],
  ...extra,
});

describe("the fake Messages API is as strict as the API", () => {
  it("serves a turn of several tool calls and thinking, signing the thinking", async () => {
    const f = await fake([
      turns.thinking(
        "plan",
        turns.toolsetActions([{ action: "screenshot" }, { action: "wait", duration: 1 }]),
      ),
    ]);
    const reply = await post(f, ask("claude-opus-5-5"));
    const content = reply.json.content as Json[];
    expect(content.map((block) => [block.type, block.name])).toEqual([
      ["thinking", undefined],
      ["tool_use", "screenshot"],
      ["tool_use", "wait"],
    ]);
    expect(content[0]!.signature).toMatch(/^fake-sig\./);
  });

  it("refuses an edit of the conversation before a bound thinking block, or drops the block when told", async () => {
    const f = await fake([
      turns.thinking("look first", turns.action({ action: "screenshot" })),
      turns.done(),
      turns.done(),
    ]);
    const first = await post(f, ask("claude-sonnet-5-5"));
    const assistant = { role: "assistant", content: first.json.content };
    const answer = (id: unknown) => ({
      role: "user",
      content: [{ type: "tool_result", tool_use_id: id, content: [image(64, 64)] }],
    });
    const id = (first.json.content as Json[])[1]!.id;
    const history = [{ role: "user", content: "go" }, assistant, answer(id)];
    expect((await post(f, ask("claude-sonnet-5-5", { messages: history }))).status).toBe(200);

    const edited = [{ role: "user", content: "go, quickly" }, assistant, answer(id)];
    const refused = await post(f, ask("claude-sonnet-5-5", { messages: edited }));
    expect(refused.status).toBe(400);
    expect(errorOf(refused).message).toMatch(/^messages\.1\.content\.0: .*prefix_binding_mismatch/);

    const dropped = await post(
      f,
      ask("claude-sonnet-5-5", {
        messages: edited,
        thinking: { type: "adaptive", block_binding: { prefix_mismatch_behavior: "drop_block" } },
      }),
    );
    expect(dropped.json.input_transformations).toEqual([
      { type: "thinking_dropped", path: "messages.1.content.0", reason: "prefix_binding_mismatch" },
    ]);
    // A model that does not bind thinking takes the same edit.
    expect(f.rejected).toHaveLength(1);
  });

  it("refuses an image larger than the model takes, naming where it is", async () => {
    const f = await fake([turns.done()]);
    const messages = [{ role: "user", content: [image(1920, 1080), { type: "text", text: "?" }] }];
    const refused = await post(f, ask("claude-sonnet-4-6", { messages }));
    expect(refused.status).toBe(400);
    expect(errorOf(refused).details).toEqual({
      error_code: "image_dimensions_too_large",
      max_side_length_pixels: 1568,
      paths: ["messages.0.content.0"],
    });
    expect((await post(f, ask("claude-opus-4-7", { messages }))).status).toBe(200);
  });

  it("refuses a forced tool_choice with thinking on, and always on Fable", async () => {
    const f = await fake([turns.done()]);
    const tool = { name: "rate", input_schema: { type: "object", properties: {} } };
    const forced = { tools: [tool], tool_choice: { type: "any" } };
    const adaptive = await post(
      f,
      ask("claude-sonnet-4-6", { ...forced, thinking: { type: "adaptive" } }),
    );
    expect(errorOf(adaptive).message).toBe(
      "Thinking may not be enabled when tool_choice forces tool use.",
    );
    expect((await post(f, ask("claude-fable-5-1", forced))).status).toBe(400);
    expect((await post(f, ask("claude-sonnet-4-6", forced))).status).toBe(200);
  });

  it("refuses a custom tool without a valid name or object schema, and a tool_choice naming no offered tool", async () => {
    const f = await fake([turns.done()]);
    const rate = { name: "rate_risk", input_schema: { type: "object", properties: {} } };
    const cases: Array<[Json, string]> = [
      [{ tools: [{ ...rate, name: "rate risk" }] }, "tools.0.custom.name"],
      [{ tools: [{ name: "rate_risk" }] }, "tools.0.custom.input_schema.type"],
      [{ tools: [rate, rate] }, "Tool names must be unique"],
      [{ tool_choice: { type: "tool", name: "rate_risk" } }, "while providing tools"],
      [{ tools: [rate], tool_choice: { type: "tool", name: "judge" } }, "Tool 'judge' not found"],
      [{ tools: [rate], tool_choice: { type: "required" } }, "tool_choice.type"],
    ];
    for (const [extra, message] of cases) {
      const reply = await post(f, ask("claude-haiku-4-5", extra));
      expect(reply.status).toBe(400);
      expect(errorOf(reply).message).toContain(message);
    }
    const fine = { tools: [rate], tool_choice: { type: "tool", name: "rate_risk" } };
    expect((await post(f, ask("claude-haiku-4-5", fine))).status).toBe(200);
  });

  it("takes context_management only with its beta and a valid edit", async () => {
    const f = await fake([turns.done()]);
    const clearing = {
      context_management: {
        edits: [{ type: "clear_tool_uses_20250919", keep: { type: "tool_uses", value: 3 } }],
      },
    };
    expect(errorOf(await post(f, ask("claude-opus-5-5", clearing))).message).toMatch(
      /requires the anthropic-beta header context-management-2025-06-27/,
    );
    const bad = { context_management: { edits: [{ type: "clear_everything" }] } };
    expect(
      (await post(f, ask("claude-opus-5-5", bad), "context-management-2025-06-27")).status,
    ).toBe(400);
    expect(
      (await post(f, ask("claude-opus-5-5", clearing), "context-management-2025-06-27")).status,
    ).toBe(200);
  });

  it("refuses a last turn whose tool calls have no answer, and a toolset answer without toolset_name", async () => {
    const f = await fake([turns.done()]);
    const call = {
      type: "tool_use",
      id: "toolu_9",
      name: "screenshot",
      input: {},
      toolset_name: "computer",
    };
    const unanswered = await post(
      f,
      ask("claude-opus-5-5", {
        messages: [
          { role: "user", content: "go" },
          { role: "assistant", content: [call] },
        ],
      }),
    );
    expect(errorOf(unanswered).message).toMatch(/toolu_9/);
    const bare = await post(
      f,
      ask("claude-opus-5-5", {
        messages: [
          { role: "user", content: "go" },
          { role: "assistant", content: [call] },
          {
            role: "user",
            content: [{ type: "tool_result", tool_use_id: "toolu_9", content: "ok" }],
          },
        ],
      }),
    );
    expect(errorOf(bare).message).toMatch(/must carry `toolset_name` "computer"/);
    expect(f.requests).toHaveLength(0);
  });

  it("reads a repeated prefix from the cache, from the breakpoint of the request before", async () => {
    const f = await fake([turns.done(), turns.done(), turns.done()]);
    const system = [
      { type: "text", text: "s".repeat(8_000), cache_control: { type: "ephemeral" } },
    ];
    const user = (text: string) => ({
      role: "user",
      content: [{ type: "text", text, cache_control: { type: "ephemeral" } }],
    });
    const first = await post(
      f,
      ask("claude-sonnet-4-6", { system, messages: [user("x".repeat(4_000))] }),
    );
    expect(first.json.usage).toMatchObject({
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 3_000,
    });
    const messages = [
      { role: "user", content: [{ type: "text", text: "x".repeat(4_000) }] },
      { role: "assistant", content: [{ type: "text", text: "ok" }] },
      user("y".repeat(400)),
    ];
    const second = await post(f, ask("claude-sonnet-4-6", { system, messages }));
    expect(second.json.usage).toMatchObject({
      cache_read_input_tokens: 3_000,
      cache_creation_input_tokens: 101,
      input_tokens: 0,
    });
    // Change the first message and only the system prompt is read.
    messages[0] = { role: "user", content: [{ type: "text", text: "z".repeat(4_000) }] };
    const third = await post(f, ask("claude-sonnet-4-6", { system, messages }));
    expect(third.json.usage).toMatchObject({ cache_read_input_tokens: 2_000 });
  });
});
